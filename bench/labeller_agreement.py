"""How far two labellers agree: the second labels of a batch scored against the first.

    python bench/labeller_agreement.py

`tests/data/corpus/second/` holds labels a second labeller wrote, on their own and without
seeing the first's, for the texts of batches 24-27 (meeting date given). They are scored with
the extractor's own scorer, as if they were candidates: precision is the share of the second
labeller's commitments the first also labelled, recall the share of the first's the second
found, owner and due the shares of the matched that agree. This is the ceiling the
extractor's figures should be read against.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.extract.evaluate import due_close, load_labelled, same_owner, score  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus"


def main() -> int:
    totals: dict[str, list[int]] = {}
    for second in sorted((CORPUS / "second").glob("*.labels.toml")):
        first = load_labelled(CORPUS / "dev" / second.name)
        theirs = tomllib.loads(second.read_text(encoding="utf-8")).get("commitments", [])
        result = score([c["quote"] for c in theirs], first.quotes, first.source)
        pairs = [(theirs[c], first.labels[j]) for c, j in result.pairs]
        owner = sum(same_owner(mine.get("owner"), label) for mine, label in pairs)
        due = sum(due_close(mine.get("due"), label) for mine, label in pairs)
        row = [len(first.quotes), len(theirs), result.matched, owner, due]
        for key in (f"batch {second.name[1:3]}", "all"):
            totals[key] = [a + b for a, b in zip(totals.get(key, [0] * 5), row, strict=True)]
    print(f"{'':10} {'first':>6} {'second':>6} {'match':>6}      P      R  owner    due")
    for key, (first, second, matched, owner, due) in sorted(totals.items(), key=_last_all):
        print(
            f"{key:10} {first:>6} {second:>6} {matched:>6} {matched / second:>6.2f}"
            f" {matched / first:>6.2f} {owner / matched:>6.2f} {due / matched:>6.2f}"
        )
    return 0


def _last_all(item: tuple[str, list[int]]) -> tuple[bool, str]:
    return item[0] == "all", item[0]


if __name__ == "__main__":
    raise SystemExit(main())
