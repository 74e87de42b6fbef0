"""Precision, recall and F1 of `tracker extract` on the hand-labelled readouts.

    python bench/extract_eval.py            # the table
    python bench/extract_eval.py --details  # plus what was missed and what was spurious

Documents: the seed meeting file `seeds/*.toml` and `tests/data/readouts/*.labels.toml`. A
candidate matches a label when their quotes overlap (see `tracker.extract.evaluate`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tracker.extract import extract  # noqa: E402
from tracker.extract.evaluate import Labelled, Score, load_labelled, normalise, score  # noqa: E402


def documents() -> list[Path]:
    """The labelled documents: seed meeting files, then the test readouts."""
    seeds = sorted((ROOT / "seeds").glob("*.toml"))
    readouts = sorted((ROOT / "tests" / "data" / "readouts").glob("*.labels.toml"))
    return seeds + readouts


def _name(path: Path) -> str:
    return path.name.removesuffix(".toml").removesuffix(".labels")


def evaluate(doc: Labelled) -> tuple[Score, list[str]]:
    draft = extract(doc.source, meeting_date=doc.meeting_date)
    quotes = [c.quote for c in draft.commitments]
    return score(quotes, doc.quotes, doc.source), quotes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list misses and spurious hits")
    args = parser.parse_args(argv)

    paths = documents()
    width = max([len("overall (micro)"), *(len(_name(path)) for path in paths)])
    header = (
        f"{'document':<{width}} {'labels':>6} {'cands':>6} {'match':>6} {'P':>6} {'R':>6} {'F1':>6}"
    )
    print(header)
    print("-" * len(header))
    totals = [0, 0, 0]
    started = time.perf_counter()
    for path in paths:
        doc = load_labelled(path)
        result, quotes = evaluate(doc)
        totals = [
            totals[0] + result.labels,
            totals[1] + result.candidates,
            totals[2] + result.matched,
        ]
        print(
            f"{doc.name:<{width}} {result.labels:>6} {result.candidates:>6} {result.matched:>6}"
            f" {result.precision:>6.2f} {result.recall:>6.2f} {result.f1:>6.2f}"
        )
        if args.details:
            for i in result.missed():
                print(f"    missed:   {normalise(doc.quotes[i])[:100]}")
            for i in result.spurious():
                print(f"    spurious: {normalise(quotes[i])[:100]}")
    labels, candidates, matched = totals
    precision = matched / candidates if candidates else 1.0
    recall = matched / labels if labels else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print("-" * len(header))
    print(
        f"{'overall (micro)':<{width}} {labels:>6} {candidates:>6} {matched:>6}"
        f" {precision:>6.2f} {recall:>6.2f} {f1:>6.2f}"
    )
    print(f"\n{time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
