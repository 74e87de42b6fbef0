"""The draft meeting file: dataclasses, guesses for the meeting fields, and TOML output."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import tomli_w

from tracker.extract.parties import GROUPS, dateline_capital
from tracker.extract.places import countries_in
from tracker.extract.when import MONTHS

HEADER = """\
# Draft commitments extracted by `tracker extract` from {source}.
# Review every entry before `tracker import`: fix owners and deadlines, delete what is not a
# commitment. `cue`, `confidence` and `due_basis` explain each guess; import ignores them.
# The tag is the kind of commitment (sign, study, implement, ...) that set a default deadline.
# `parties` is who met, as read from the opening: "we" and "both sides" owners stand for them.
# If it is wrong, extract again with --parties "A, B" rather than fixing each owner by hand.
"""
_MEETING_WORDS = (
    "talks", "meeting", "summit", "visit", "statement", "communique", "communiqué",
    "conference", "session", "consultations", "negotiations", "forum", "call",
)  # fmt: skip
_DATELINE = re.compile(r"^\s*([A-Z][\w’'-]+(?:[ -][A-Z][\w’'-]+){0,2}),\s+\d{1,2}\s+[A-Z][a-z]+")
_VENUE = re.compile(
    r"\b(?:in|at)\s+([A-Z][\w’'-]+(?:[ -][A-Z][\w’'-]+){0,2})(?=\s+on\b|\s+from\b|\s*,\s*\d|\.)"
)
_ANY_IN = re.compile(r"\b(?:in|at)\s+([A-Z][\w’'-]+(?:[ -][A-Z][\w’'-]+){0,2})")
_NOT_PLACES = frozenset(
    ("The", "This", "That", "Its", "Their", "Our", "His", "Her", "A", "An", *MONTHS)
)


@dataclass(frozen=True)
class Candidate:
    """A draft commitment, shaped like a `[[commitments]]` entry of a meeting file."""

    key: str
    title: str
    quote: str
    owner: str
    due: date
    due_basis: str
    area: str
    kind: str
    cue: str
    confidence: float
    counterpart: str | None = None
    priority: str = "normal"


@dataclass(frozen=True)
class Draft:
    """A draft meeting file: the meeting fields and the candidate commitments, in text order."""

    slug: str
    title: str
    date: date
    place: str | None
    source: str
    commitments: list[Candidate] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)

    @property
    def owners(self) -> list[str]:
        """Distinct owners of the candidates, in order of first appearance."""
        return list(dict.fromkeys(c.owner for c in self.commitments))


def guess_title(text: str) -> str | None:
    """The first line, when it reads like a heading (short, no full stop)."""
    for line in text[:1000].splitlines():
        line = line.strip()
        if line:
            if len(line) <= 200 and not line.endswith((".", ",", ";", ":")):
                return line
            return None
    return None


def guess_place(text: str) -> str | None:
    """A dateline ("Hanoi, 12 March 2019"), else the venue in "talks in Beijing on 16 May"."""
    head = text[:3000]
    for line in head.splitlines()[:6]:
        dateline = _DATELINE.match(line)
        if dateline and dateline.group(1) not in _NOT_PLACES:
            return dateline.group(1)
    capital = dateline_capital(head.lstrip())  # "KHARTOUM — The Council of Ministers"
    if capital:
        return capital
    for pattern in (_VENUE, _ANY_IN):
        for match in pattern.finditer(head):
            place = match.group(1)
            if (
                place.split()[0] not in _NOT_PLACES
                and not countries_in(place)
                and place not in GROUPS
            ):
                return place  # not "coordination in UN peacekeeping"
    return None


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def make_slug(title: str, place: str | None, when: date) -> str:
    """ "talks-beijing-2017-05-16": the kind of meeting, the place and the date."""
    words = re.findall(r"[\w’'-]+", title.lower())
    kind = next((w for w in words if w in _MEETING_WORDS), "meeting")
    parts = [slugify(kind)] + ([slugify(place)] if place else []) + [when.isoformat()]
    return "-".join(part for part in parts if part)


def draft_to_toml(draft: Draft) -> str:
    """The draft as a meeting file that `tracker import` reads, with a review header."""
    meeting: dict[str, Any] = {"slug": draft.slug, "title": draft.title, "date": draft.date}
    if draft.place:
        meeting["place"] = draft.place
    if draft.parties:
        meeting["parties"] = draft.parties
    meeting["source"] = draft.source
    # Owners are written as [[owners]] tables by hand: tomli_w would inline such small tables.
    owners = "".join(f"\n[[owners]]\n{tomli_w.dumps({'name': name})}" for name in draft.owners)
    commitments = tomli_w.dumps({"commitments": [_commitment(c) for c in draft.commitments]})
    parts = [HEADER.format(source=draft.source), tomli_w.dumps({"meeting": meeting}) + owners]
    if draft.commitments:
        parts.append(commitments)
    return "\n".join(parts)


def _commitment(candidate: Candidate) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "key": candidate.key,
        "title": candidate.title,
        "quote": candidate.quote,
        "owner": candidate.owner,
    }
    if candidate.counterpart:
        entry["counterpart"] = candidate.counterpart
    entry |= {
        "due": candidate.due,
        "area": candidate.area,
        "priority": candidate.priority,
        "tags": [candidate.kind],
        "cue": candidate.cue,
        "confidence": candidate.confidence,
        "due_basis": candidate.due_basis,
    }
    return entry
