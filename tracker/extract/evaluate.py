"""Score extracted commitments against hand labels: precision, recall and F1.

Quotes are compared as character intervals of the whitespace-normalised source text. A
candidate and a label *overlap* when their intervals share at least `MIN_OVERLAP` (40 %) of
the shorter quote's characters. Matching is one-to-one (a maximum bipartite matching), so one
long candidate cannot count for two labels, nor two candidates for one label:
precision = matched / candidates, recall = matched / labels.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

MIN_OVERLAP = 0.4


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space, as the importer compares quotes."""
    return " ".join(text.split())


def locate(quote: str, source: str) -> list[tuple[int, int]]:
    """Every interval where `quote` occurs in the normalised `source` (empty if nowhere)."""
    needle, haystack = normalise(quote), normalise(source)
    spans: list[tuple[int, int]] = []
    start = haystack.find(needle) if needle else -1
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return spans


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Shared characters of two intervals, as a fraction of the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return max(shared, 0) / shorter if shorter > 0 else 0.0


@dataclass(frozen=True)
class Score:
    """How a list of candidate quotes compares with the labelled ones."""

    candidates: int
    labels: int
    matched: int
    pairs: tuple[tuple[int, int], ...]  # (candidate index, label index)

    @property
    def precision(self) -> float:
        return self.matched / self.candidates if self.candidates else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labels if self.labels else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def missed(self) -> list[int]:
        """Indices of the labels no candidate matched."""
        found = {label for _, label in self.pairs}
        return [i for i in range(self.labels) if i not in found]

    def spurious(self) -> list[int]:
        """Indices of the candidates that matched no label."""
        found = {candidate for candidate, _ in self.pairs}
        return [i for i in range(self.candidates) if i not in found]


def score(candidates: Sequence[str], labels: Sequence[str], source: str) -> Score:
    """Match candidate quotes to label quotes in `source`; ValueError if a quote is not in it."""
    spans = [_spans(quote, source, "candidate") for quote in candidates]
    label_spans = [_spans(quote, source, "label") for quote in labels]
    edges = [
        [j for j, theirs in enumerate(label_spans) if _overlaps(mine, theirs)] for mine in spans
    ]
    owner: dict[int, int] = {}  # label -> candidate

    def augment(candidate: int, seen: set[int]) -> bool:
        for label in edges[candidate]:
            if label not in seen:
                seen.add(label)
                if label not in owner or augment(owner[label], seen):
                    owner[label] = candidate
                    return True
        return False

    for candidate in range(len(spans)):
        augment(candidate, set())
    pairs = tuple(sorted((c, label) for label, c in owner.items()))
    return Score(len(candidates), len(labels), len(pairs), pairs)


def _spans(quote: str, source: str, what: str) -> list[tuple[int, int]]:
    spans = locate(quote, source)
    if not spans:
        raise ValueError(f"{what} quote is not in the source: {normalise(quote)[:80]!r}")
    return spans


def _overlaps(mine: list[tuple[int, int]], theirs: list[tuple[int, int]]) -> bool:
    return any(overlap(a, b) >= MIN_OVERLAP for a in mine for b in theirs)


@dataclass(frozen=True)
class Labelled:
    """A readout with its hand labels: the source text, the meeting date and the quotes."""

    name: str
    source: str
    meeting_date: date
    labels: list[dict[str, Any]]

    @property
    def quotes(self) -> list[str]:
        return [label["quote"] for label in self.labels]


def load_labelled(meeting_file: Path) -> Labelled:
    """A meeting or labels file and the readout its `[meeting] source` names (beside it)."""
    data = tomllib.loads(meeting_file.read_text(encoding="utf-8"))
    meeting = data["meeting"]
    source_path = meeting_file.parent / meeting["source"]
    name = meeting_file.name.removesuffix(".toml").removesuffix(".labels")
    return Labelled(
        name=name,
        source=source_path.read_text(encoding="utf-8"),
        meeting_date=meeting["date"],
        labels=list(data.get("commitments", [])),
    )
