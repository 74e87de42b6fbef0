"""Start-up of the everyday read commands, two source trees side by side.

Runs `python -m tracker` from each tree against its own database, interleaved (so that the
machine's load falls on both alike), and prints the median wall and CPU time of each command.

    python bench/generate.py 1000 --out-dir /tmp/b-new              # in each tree
    python bench/startup_ab.py OLD_TREE OLD_DB NEW_TREE NEW_DB [--runs 10]

A tree is a checkout of the repository (e.g. `git worktree add /tmp/old COMMIT`); both use the
Python that runs this script, so its packages must suit both.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "--help": ["--help"],
    "list": ["list"],
    "overdue": ["overdue"],
    "list --json": ["list", "--json"],
    "overdue --json": ["overdue", "--json"],
}


def timed(tree: str, db: str, args: list[str]) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=tree, TRACKER_DATABASE_URL=f"sqlite:///{db}", COLUMNS="120")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        env=env,
        cwd=tree,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old_tree")
    parser.add_argument("old_db")
    parser.add_argument("new_tree")
    parser.add_argument("new_db")
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    trees = {"old": (options.old_tree, options.old_db), "new": (options.new_tree, options.new_db)}
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(options.runs):
        for label, args in COMMANDS.items():
            for name, (tree, db) in trees.items():
                found.setdefault((label, name), []).append(timed(tree, db, args))
    print(f"{'command':16} {'old wall':>9} {'new wall':>9} {'old cpu':>8} {'new cpu':>8}")
    for label in COMMANDS:
        old, new = found[(label, "old")], found[(label, "new")]
        figures = [statistics.median(x[i] for x in runs) for runs in (old, new) for i in (0, 1)]
        ow, oc, nw, nc = figures
        print(f"{label:16} {ow:9.3f} {nw:9.3f} {oc:8.3f} {nc:8.3f}")


if __name__ == "__main__":
    main()
