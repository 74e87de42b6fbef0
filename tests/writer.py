"""A writer process for the concurrency tests: N `tracker` invocations, each its own transaction.

Usage: python tests/writer.py DB_URL WORKER COUNT
Prints one line per failed invocation on stderr (there should be none) and exits 1 if any failed.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys

from tracker.cli import main


def invoke(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue()


def run(url: str, worker: int, count: int) -> int:
    os.environ["TRACKER_DATABASE_URL"] = url
    os.environ["TRACKER_ACTOR"] = f"writer-{worker}"
    failures = 0
    for i in range(count):
        code, err = invoke(
            [
                "add",
                f"Commitment {worker}-{i}",
                "--owner",
                "Ministry of Economy",
                "--due",
                "2027-01-31",
                "--area",
                "finance",
                "--tag",
                f"w{worker}",
            ]
        )
        if code != 0:
            failures += 1
            sys.stderr.write(f"worker {worker} item {i}: exit {code}: {err.strip()}\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
