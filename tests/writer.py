"""A writer process for the concurrency tests: N `tracker` invocations, each its own transaction.

Usage: python tests/writer.py DB_URL WORKER COUNT [MODE]

MODE `add` (the default): COUNT `tracker add`, titled "Commitment WORKER-I".
MODE `mixed`: COUNT writes in rotation — `add` "Commitment WORKER-K", then `note` on it
("Progress WORKER-K"), then `close` it (--note "Done WORKER-K") — so that K counts this
worker's commitments, and each note and close goes to the id its own `add` printed.

Prints one line per failed invocation on stderr (there should be none) and exits 1 if any failed.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys

from tracker.cli import main

MODES = ("add", "mixed")
ROTATION = ("add", "note", "close")
_ADDED = re.compile(r"^Added #(\d+) ")


def invoke(args: list[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of one `tracker` invocation, in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def add_args(title: str, worker: int) -> list[str]:
    return [
        "add",
        title,
        "--owner",
        "Ministry of Economy",
        "--due",
        "2027-01-31",
        "--area",
        "finance",
        "--tag",
        f"w{worker}",
    ]


def planned(count: int) -> list[str]:
    """The operations a mixed-mode worker makes, in order (the tests count on it)."""
    return [ROTATION[i % len(ROTATION)] for i in range(count)]


def run(url: str, worker: int, count: int, mode: str = "add") -> int:
    os.environ["TRACKER_DATABASE_URL"] = url
    os.environ["TRACKER_ACTOR"] = f"writer-{worker}"
    failures = 0
    current: int | None = None  # the id of this worker's latest commitment
    for i, op in enumerate(planned(count) if mode == "mixed" else ["add"] * count):
        k = i // len(ROTATION) if mode == "mixed" else i
        if op == "add":
            args = add_args(f"Commitment {worker}-{k}", worker)
        elif op == "note":
            args = ["note", str(current), f"Progress {worker}-{k}"]
        else:
            args = ["close", str(current), "--note", f"Done {worker}-{k}"]
        code, out, err = invoke(args)
        if code == 0 and op == "add":
            match = _ADDED.match(out)
            current = int(match.group(1)) if match else None
            if current is None:
                code, err = -1, f"no id in the output of add: {out!r}"
        if code != 0:
            failures += 1
            sys.stderr.write(f"worker {worker} item {i} ({op}): exit {code}: {err.strip()}\n")
    return 1 if failures else 0


if __name__ == "__main__":
    mode = sys.argv[4] if len(sys.argv) > 4 else "add"
    if mode not in MODES:
        sys.exit(f"unknown mode {mode!r}: choose from {', '.join(MODES)}")
    sys.exit(run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), mode))
