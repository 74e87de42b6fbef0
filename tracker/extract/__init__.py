"""Draft commitments from a meeting readout: the library behind `tracker extract`.

Deterministic and offline: rules and vocabularies written in this package, and a small
sentence model (`learned.py`, plain weights in a JSON file) that second-guesses them.

- `read_readout(path)` reads a readout as text and refuses what is not one (empty, binary,
  not UTF-8, too large) with an `ExtractError`.
- `extract(text, meeting_date=...)` returns a `Draft`: the meeting fields and a `Candidate` per
  commitment, each with a verbatim quote, a guessed owner (and counterpart), a deadline (stated
  in the text and resolved against the meeting date, else a default by kind of commitment),
  an area, the cue that made it a commitment and a confidence.
- `draft_to_toml(draft)` renders the draft as a meeting file for review and `tracker import`.

How sentences become commitments is documented in `rules.py`; the words it knows are in
`vocab.py` (cues, vetoes, kinds, bodies, areas), `when.py` (time expressions), `owners.py`
(bodies and governments) and `places.py` (countries).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import date
from typing import Literal

from tracker.dates import add_months
from tracker.extract.draft import (
    Candidate,
    Draft,
    draft_to_toml,
    guess_place,
    guess_title,
    make_slug,
)
from tracker.extract.learned import SentenceModel, shipped_model
from tracker.extract.owners import Sides
from tracker.extract.parties import CABINET_RECORD, detect_parties, learned_leaders
from tracker.extract.rules import find_commitments
from tracker.extract.vocab import DEFAULT_MONTHS
from tracker.extract.wording import KeyMaker, dominant_area
from tracker.inputs import read_capped

__all__ = ["Candidate", "Draft", "ExtractError", "draft_to_toml", "extract", "read_readout"]

MAX_BYTES = 64 * 1024 * 1024
# The meeting's countries are read from the head of the text: enough for any readout, and
# a constant cost for a huge file.
_HEAD = 20_000
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Minutes of officials' meetings: their actions are due within weeks, not a year.
_MINUTES = re.compile(
    r"(?im)^\W*(?:minutes\b|(?:members\s+)?present\s*:|apologies|attendees\s*:|in\s+attendance"
    r"|agenda\s*(?::|$)|actions?\s*(?:points?|items?)?\s*:|matters\s+arising|attendees\s*$"
    r"|cabinet\s+(?:business|decisions))"
    r"|\baction\s*(?:items?\s*)?:|\bseconded\s+by\b|\bcall\s+to\s+order\b|\broll\s+call\b"
    r"|\b(?:council|committee|board)\s+members\s+present\b|\bmet\s+in\s+(?:regular\s+)?session\b"
    r"|\bcabinet\s+(?:decisions|approval\s+was\s+granted)\b"
    r"|(?m:^\W*(?:\w+\s+)?(?:weekly|monthly)\s+meeting\b)|\bnotes\s+(?:of|from)\s+(?:the\s+)?"
    r"(?:[\w’']+\s+)?(?:meeting|call)\b|\bthe\s+(?:PCC|committee|board|council)\s+met\b"
    r"|\b(?:summary|record)\s+of\s+the\s+[^.\n]{0,60}?meeting\s+held\b"
    r"|\bmeeting\s+of\s+the\s+cabinet\b|\bcommittee\s+of\s+the\s+whole\b"
    # cabinets' decision records and boards' summaries
    r"|\bcabinet\s+(?:notes|minute|meeting|date\s*:)|\bdecisions\s+(?:taken|made)\s+(?:by|at)\s+"
    r"(?:the\s+)?cabinet\b|\bsummary\s+of\s+the\s+board\b|\b(?:regular|special)\s+meeting\s+of\s+"
    r"the\s+[\w\s']{3,40}?\s+was\s+held\b|\bpresent\s+were\s*:"
    r"|\battendees\s*:|(?m:^\W*present\s+(?:chairman|chair)\b)|\bmeeting\s+started\b"
    r"|\binformal\s+notes\b|(?m:^[^\n]{0,40}\bbranch\s+meeting\b)"
    r"|(?m:^\W*chaired\s+by\s*:)|\battendees\s+(?:are|were)\b|\bquorum\b"
    r"|\b[A-Z][a-z]+\s+motions\s+to\b|\b[A-Z][a-z]+\s+seconds\b"
)
_MINUTES_TITLE = re.compile(
    r"(?i)(?<!\d\s)(?<!\d)\b(?:minutes|meeting\s+summary|summary\s+record|decisions\s+adopted)\b"
    # a body's numbered meeting ("1196th meeting - 2-3 April 2014") and a head of state's
    # working meeting with his own government: their tasks are due within weeks
    r"|^\W*\d+(?:st|nd|rd|th)\s+(?:meeting|session|sitting)\b"
    r"|^\W*(?:working\s+)?meeting\s+with\s+(?:the\s+)?(?:senior\s+officials|leadership|heads"
    r"|members)\s+of\b"
)
MINUTES_MONTHS = 1


def is_minutes(text: str) -> bool:
    """True for the minutes or summary of an officials' meeting (from its first lines)."""
    return bool(_MINUTES.search(text[:3000]) or _MINUTES_TITLE.search(text[:400]))


def _heading_end(text: str, title: str | None) -> int:
    """Where the text's heading line ends (0 if it has none, or nothing follows it):
    "Timor-Leste and Vietnam agreed to establish Joint Commission" above the readout."""
    if not title:
        return 0
    end = text.find(title) + len(title)
    return end if text[end:].strip() else 0


class ExtractError(ValueError):
    """A readout that cannot be used; `str()` is a one-line message for the user."""


def read_readout(path: str | os.PathLike[str]) -> str:
    """The text of a readout file, with newlines normalised; ExtractError if it is unusable."""
    name = os.fspath(path)
    try:
        data = read_capped(name, limit=MAX_BYTES)  # devices and pipes stop at the cap too
    except OSError as error:
        raise ExtractError(f"{name}: cannot read the readout ({error.strerror})") from error
    if b"\x00" in data:
        raise ExtractError(f"{name}: this is a binary file (it contains NUL bytes), not a text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractError(
            f"{name}: not UTF-8 text (invalid byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); convert it to UTF-8 first"
        ) from error
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _check_text(text, name)
    return text


def _check_text(text: str, name: str = "readout") -> None:
    if not text.strip():
        raise ExtractError(f"{name}: the readout is empty")
    if "\x00" in text:
        raise ExtractError(f"{name}: this is a binary file (it contains NUL bytes), not a text")
    if _SURROGATE.search(text):
        raise ExtractError(f"{name}: not UTF-8 text (it holds undecodable bytes)")


def extract(
    text: str,
    *,
    meeting_date: date,
    title: str | None = None,
    place: str | None = None,
    source: str = "readout.txt",
    min_confidence: float = 0.0,
    parties: Sequence[str] | None = None,
    model: SentenceModel | Literal["shipped"] | None = "shipped",
    observed: list[tuple[int, int, dict[str, float]]] | None = None,
) -> Draft:
    """Draft the commitments of a readout held at `meeting_date`.

    Identical sentences yield one candidate. Candidates below `min_confidence` are left out;
    a text without commitments gives a draft with an empty list. `parties` are who met (own
    side first); by default they are read from the title and the opening sentences.
    `model` second-guesses the rules sentence by sentence (`learned.py`): the one that ships
    with the package by default, None for the rules alone. `observed` collects each
    sentence's span and model features (the model's training reads them).
    """
    _check_text(text)
    guessed_title = guess_title(text)
    title = title or guessed_title or f"Meeting of {meeting_date.isoformat()}"
    place = place or guess_place(text)
    head = text[:_HEAD]
    found_parties = list(parties) if parties else detect_parties(head, title)
    sides = Sides(found_parties, learned_leaders(head[:3000]))
    area, minutes = dominant_area(head), is_minutes(head)
    seen: set[str] = set()
    keys = KeyMaker()
    candidates: list[Candidate] = []
    heading_end = _heading_end(text, guessed_title)
    model = shipped_model() if model == "shipped" else model
    findings = find_commitments(
        text, meeting_date, sides, area, minutes=minutes, model=model, observed=observed
    )
    for finding in findings:
        quote = " ".join(text[finding.start : finding.end].split())
        if quote in seen or finding.confidence < min_confidence or finding.end <= heading_end:
            continue  # the heading announces what the body says: its commitment is the body's
        seen.add(quote)
        if finding.deadline is not None:
            due, basis = finding.deadline.resolved, f"stated: {finding.deadline.phrase}"
        elif minutes and not CABINET_RECORD.search(head[:3000]):
            due = add_months(meeting_date, MINUTES_MONTHS)
            basis = f"default +{MINUTES_MONTHS}m for an action in minutes"
        else:
            months = DEFAULT_MONTHS[finding.kind]
            due = add_months(meeting_date, months)
            basis = f"default +{months}m for kind '{finding.kind}'"
        candidates.append(
            Candidate(
                key=keys.make(finding.title),
                title=finding.title,
                quote=quote,
                owner=finding.parties.owner,
                counterpart=finding.parties.counterpart,
                due=due,
                due_basis=basis,
                area=finding.area,
                priority=finding.priority,
                kind=finding.kind,
                cue=finding.cue,
                confidence=finding.confidence,
            )
        )
    return Draft(
        slug=make_slug(title, place, meeting_date),
        title=title,
        date=meeting_date,
        place=place,
        source=source,
        parties=found_parties,
        commitments=candidates,
    )
