"""Score extracted commitments against hand labels: precision, recall and F1.

Quotes are compared as character intervals of the whitespace-normalised source text. A
candidate and a label *overlap* when their intervals share at least `MIN_OVERLAP` (40 %) of
the shorter quote's characters. Matching is one-to-one (a maximum bipartite matching), so one
long candidate cannot count for two labels, nor two candidates for one label:
precision = matched / candidates, recall = matched / labels.

Of the matched pairs, the owner is right when `same_owner` says the candidate's owner and the
label's (or one of its `owner_alt`) name the same parties, and the deadline is right when it is
within `DUE_TOLERANCE` (31 days) of the label's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tracker.dates import apply_offset, is_offset
from tracker.extract.parties import GROUPS
from tracker.extract.places import country_names

MIN_OVERLAP = 0.4
DUE_TOLERANCE = 31  # days

# Names a reader takes for the same party. Keys and values are already normalised.
_ALIASES = {
    "us": "united states",
    "u s": "united states",
    "usa": "united states",
    "united states of america": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "u k": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "prc": "china",
    "people's republic of china": "china",
    "russian federation": "russia",
    "republic of korea": "south korea",
    "korea": "south korea",
    "rok": "south korea",
    "eu": "european union",
    "viet nam": "vietnam",
    "republic of belarus": "belarus",
    "republic of india": "india",
    "republic of kazakhstan": "kazakhstan",
    "republic of uzbekistan": "uzbekistan",
}
_PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:governments?|leaders?|heads?\s+of\s+state|presidents?|authorities)"
    r"\s+of\s+)?(?:the\s+)?"
)
_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|;\s*|\s+and\s+|\s*&\s*|/)\s*")
_BODY = (
    r"(?:the\s+)?(?:ministry|ministries|department|council|committee|commission|office|agency"
    r"|bureau|board|secretariat|working\s+group|joint)\b"
)
_STOP = frozenset(["the", "of", "for", "and", "on", "in", "to", "a", "an"])


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
        [j for j, theirs in enumerate(label_spans) if overlaps(mine, theirs)] for mine in spans
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


def overlaps(mine: list[tuple[int, int]], theirs: list[tuple[int, int]]) -> bool:
    """True when two quotes' intervals (from `locate`) overlap as the scorer counts a match:
    by at least `MIN_OVERLAP` of the shorter."""
    return any(overlap(a, b) >= MIN_OVERLAP for a in mine for b in theirs)


def _known_parties() -> frozenset[str]:
    """Countries and groups by every name they go by, normalised as `_party` leaves them."""
    names = {*country_names(), *GROUPS, *GROUPS.values()}
    return frozenset(_party(name) for name in names) | frozenset(_ALIASES.values())


def _party(name: str) -> str:
    name = " ".join(name.casefold().replace("’", "'").replace(".", " ").split())
    name = _PREFIX.sub("", name).strip(" ,;:'\"")
    name = re.sub(r"\s+(?:side|government|sides|governments)$", "", name)
    return _ALIASES.get(name, name)


_KNOWN_PARTIES = _known_parties()


def owner_parts(name: str) -> list[str]:
    """The parties an owner name stands for, normalised: "Governments of the U.S. and Japan"
    -> ["japan", "united states"]. A body's name is one party, "and" and all ("Ministry of
    Trade and Industry", "Transport ministers of Austria and Slovenia")."""
    lowered = _PREFIX.sub("", " ".join(name.casefold().split()))
    parts = [part for part in _SPLIT.split(lowered) if part]
    if len(parts) > 1 and all(_party(part) in _KNOWN_PARTIES for part in parts):
        # "Visegrad Group and Republic of Korea": known parties, though one has an "of"
        return sorted({_party(part) for part in parts})
    if re.match(_BODY, lowered) or " of " in lowered:
        return [_party(lowered)]
    return sorted({_party(part) for part in _SPLIT.split(lowered) if _party(part)})


def _same_part(a: str, b: str) -> bool:
    if a == b:
        return True
    words_a = {w for w in a.split() if w not in _STOP}
    words_b = {w for w in b.split() if w not in _STOP}
    smaller, larger = sorted((words_a, words_b), key=len)
    return len(smaller) >= 2 and smaller <= larger


def same_owner(candidate: str | None, label: dict[str, Any]) -> bool:
    """True when the candidate's owner names the label's owner (or one of `owner_alt`): the
    same parties in any order, a party's longer name accepted ("Ministry of Agriculture of
    Kazakhstan" for "Ministry of Agriculture")."""
    if not candidate or not label.get("owner"):
        return False
    mine = owner_parts(candidate)
    for accepted in [label["owner"], *label.get("owner_alt", [])]:
        theirs = owner_parts(accepted)
        if (
            len(mine) == len(theirs)
            and all(any(_same_part(a, b) for b in theirs) for a in mine)
            and all(any(_same_part(a, b) for a in mine) for b in theirs)
        ):
            return True
    return False


def due_close(candidate: date | None, label: dict[str, Any]) -> bool:
    """True when the candidate's deadline is within DUE_TOLERANCE days of the label's."""
    due = label.get("due")
    if isinstance(due, str) and is_offset(due) and isinstance(label.get("_meeting"), date):
        due = apply_offset(due, label["_meeting"])  # a meeting file's "+6m"
    if candidate is None or not isinstance(due, date):
        return False
    return abs((candidate - due).days) <= DUE_TOLERANCE


@dataclass(frozen=True)
class Labelled:
    """A readout with its hand labels: the source text, the meeting date and the quotes."""

    name: str
    source: str
    meeting_date: date
    labels: list[dict[str, Any]]
    title: str | None = None
    parties: tuple[str, ...] = ()
    kind: str | None = None

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
        labels=[{**label, "_meeting": meeting["date"]} for label in data.get("commitments", [])],
        title=meeting.get("title"),
        parties=tuple(meeting.get("parties", ())),
        kind=meeting.get("kind"),
    )
