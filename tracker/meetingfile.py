"""Meeting files (TOML): a meeting, its owners and its commitments, checked against the readout.

The whole file is validated before anything is written; every problem names the commitment
(by key) and the field at fault. Deadlines are ISO dates or offsets from the meeting date
(`+90d`, `+2w`, `+6m`, `+1y`), so a meeting can be replayed at another date.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tracker.dates import apply_offset, is_offset, parse_iso
from tracker.errors import InvalidInput, MeetingFileError
from tracker.fields import check_day, clean_line, name_key
from tracker.inputs import read_capped
from tracker.schemas import CommitmentFileEntry, FieldError, OwnerCreate, validate

try:  # the compiled tomli parses a large meeting file about three times faster than tomllib
    import tomli as toml_parser
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the same parser
    import tomllib as toml_parser

MAX_FILE_BYTES = 64 * 1024 * 1024
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
MEETING_FIELDS = {"slug", "title", "date", "place", "participants", "parties", "source"}
# Written by `tracker extract` for the reviewer; import reads past them.
IGNORED_FIELDS = {"cue", "confidence", "due_basis"}

# A meeting file's owners and commitments are the model family's own (`tracker.schemas`).
OwnerSpec = OwnerCreate
CommitmentSpec = CommitmentFileEntry


def normalise(text: str) -> str:
    """Whitespace-insensitive form used to match quotes against the source."""
    return " ".join(text.split())


def missing_quotes(
    normalised_source: str, quotes: list[str], *, normalised: bool = False
) -> set[str]:
    """The quotes (normalised) that are not in the readout, found in one pass over it.

    Searching the readout once per quote is quadratic for a large meeting file. Instead the
    readout is scanned once, at word starts, for the quotes' first characters; each quote is
    then compared only with the places its beginning occurs. Quotes too short to have such a
    prefix, or that begin inside a word, fall back to a plain substring search.
    """
    text = normalised_source
    if not normalised:
        quotes = [normalise(q) for q in quotes]
    # Quotes mostly follow the readout's order: look for each after the previous one first,
    # which reads the readout about once. Quotes found out of order go to the index below,
    # and so do all the rest once too many have been (each such search reads to the end).
    in_order: set[str] = set()
    cursor, misses = 0, 0
    for quote in dict.fromkeys(quotes):
        if misses > _MAX_ORDER_MISSES:
            break
        at = text.find(quote, cursor)
        if at >= 0:
            in_order.add(quote)
            cursor = at
        else:
            misses += 1
    wanted = set(quotes) - in_order
    if not wanted:  # the common case: every quote in the readout's order
        return set()
    short = {q for q in wanted if len(q) < _PREFIX}
    prefixes = {q[:_PREFIX] for q in wanted if len(q) >= _PREFIX}
    positions: dict[str, list[int]] = {}
    pos = 0
    while pos < len(text):  # word starts: the text is normalised, words are one space apart
        head = text[pos : pos + _PREFIX]
        if head in prefixes:
            positions.setdefault(head, []).append(pos)
        nxt = text.find(" ", pos)
        if nxt < 0:
            break
        pos = nxt + 1
    by_start: dict[tuple[str, int], set[str]] = {}
    for quote in wanted - short:
        by_start.setdefault((quote[:_PREFIX], len(quote)), set()).add(quote)
    found: set[str] = set()
    for (prefix, length), group in by_start.items():
        found |= group & {text[p : p + length] for p in positions.get(prefix, ())}
    return {q for q in wanted - found if q not in text}


_PREFIX = 24
_MAX_ORDER_MISSES = 64


@dataclass(frozen=True)
class MeetingSpec:
    slug: str
    title: str
    date: date
    place: str | None
    participants: tuple[str, ...]
    source_file: str
    source_sha256: str
    path: Path
    owners: tuple[OwnerSpec, ...] = ()
    commitments: tuple[CommitmentSpec, ...] = field(default_factory=tuple)
    parties: tuple[str, ...] = ()


class _Problems:
    """Collects every problem in a file, so one run shows the first and counts the rest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._found: list[tuple[int, str]] = []
        self._next = 0

    def reserve(self) -> int:
        """A place in file order for a problem that is only known later (quotes are checked
        together, after the whole file was read)."""
        self._next += 1
        return self._next

    def add(self, where: str, message: str, *, at: int | None = None) -> None:
        self._found.append((self.reserve() if at is None else at, f"{where}: {message}"))

    @property
    def items(self) -> list[str]:
        return [text for _, text in sorted(self._found)]

    def raise_if_any(self) -> None:
        if self._found:
            more = f" (and {len(self.items) - 1} more problems)" if len(self.items) > 1 else ""
            raise MeetingFileError(self.items[0] + more, path=str(self.path))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = read_capped(path, limit=MAX_FILE_BYTES)  # devices and pipes included
    except FileNotFoundError:
        raise MeetingFileError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise MeetingFileError("is a directory, not a meeting file", path=str(path)) from None
    except OSError as exc:
        raise MeetingFileError(f"cannot read: {exc.strerror}", path=str(path)) from None
    try:
        return toml_parser.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise MeetingFileError("not UTF-8 text", path=str(path)) from None
    except toml_parser.TOMLDecodeError as exc:
        raise MeetingFileError(f"malformed TOML: {exc}", path=str(path)) from None
    except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
        raise MeetingFileError(f"malformed TOML: {type(exc).__name__}", path=str(path)) from None


def _text(
    value: Any,
    where: str,
    problems: _Problems,
    *,
    required: bool,
    limit: int,
    field: str = "",
) -> str | None:
    """Text with its whitespace collapsed, or None with a problem added under `where.field`
    (the label is built only for a problem: a file of 100,000 commitments has a million
    fields)."""
    if type(value) is str:  # the common case first
        cleaned = clean_line(value)
        if cleaned and len(cleaned) <= limit:
            return cleaned
    label = f"{where}.{field}" if field else where
    if value is None:
        if required:
            problems.add(label, "missing")
        return None
    if not isinstance(value, str):
        problems.add(label, f"must be text, not {type(value).__name__}")
        return None
    cleaned = clean_line(value)
    if required and not cleaned:
        problems.add(label, "is empty")
        return None
    if len(cleaned) > limit:
        problems.add(label, f"is longer than {limit} characters")
        return None
    return cleaned or None


def _date(value: Any, where: str, problems: _Problems, *, base: date | None) -> date | None:
    try:
        return check_day(_due(value, base))
    except (ValueError, InvalidInput) as exc:
        problems.add(where, str(exc))
        return None


def _source(
    path: Path, meeting: dict[str, Any], problems: _Problems
) -> tuple[str, str, str] | None:
    """(relative name, normalised text, sha256) of the readout the quotes come from."""
    raw_name = meeting.get("source")
    if isinstance(raw_name, str) and not raw_name.isprintable():  # cleaning would hide it
        problems.add("meeting.source", "not a file name")
        return None
    name = _text(meeting.get("source"), "meeting.source", problems, required=True, limit=500)
    if name is None:
        return None
    try:
        source_path = (path.parent / name).resolve()
        raw = read_capped(source_path)
    except ValueError:  # a NUL byte in the name
        problems.add("meeting.source", "not a file name")
        return None
    except OSError:
        problems.add("meeting.source", f"cannot read the readout {source_path}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.add("meeting.source", f"the readout {source_path} is not UTF-8 text")
        return None
    return name, normalise(text), hashlib.sha256(raw).hexdigest()


def load_meeting_file(path: Path, *, meeting_date: date | None = None) -> MeetingSpec:
    """Parse and validate a meeting file; `meeting_date` replays the meeting at another date."""
    data = _read_toml(path)
    problems = _Problems(path)
    for top in sorted(set(data) - {"meeting", "owners", "commitments"}):
        problems.add(top, "unknown section")
    meeting = data.get("meeting")
    if not isinstance(meeting, dict):
        raise MeetingFileError("missing [meeting] table", path=str(path))
    for key in sorted(set(meeting) - MEETING_FIELDS):
        problems.add(f"meeting.{key}", "unknown field")

    slug = _text(meeting.get("slug"), "meeting.slug", problems, required=True, limit=120)
    if slug and not _SLUG.match(slug):
        problems.add("meeting.slug", "use lower-case letters, digits, '.', '_' and '-'")
    title = _text(meeting.get("title"), "meeting.title", problems, required=True, limit=300)
    held = meeting_date or _date(meeting.get("date"), "meeting.date", problems, base=None)
    place = _text(meeting.get("place"), "meeting.place", problems, required=False, limit=200)
    participants = meeting.get("participants", [])
    if not isinstance(participants, list) or not all(isinstance(p, str) for p in participants):
        problems.add("meeting.participants", "must be a list of names")
        participants = []
    parties = meeting.get("parties", [])
    if not isinstance(parties, list) or not all(isinstance(p, str) and p.strip() for p in parties):
        problems.add("meeting.parties", "must be a list of names")
        parties = []
    source = _source(path, meeting, problems)
    raw_commitments = data.get("commitments", [])

    owners = _owners(data.get("owners", []), problems)
    commitments = _commitments(raw_commitments, problems, held, source)
    problems.raise_if_any()
    assert slug and title and held and source  # guaranteed once no problem was found
    return MeetingSpec(
        slug=slug,
        title=title,
        date=held,
        place=place,
        participants=tuple(clean_line(p) for p in participants),
        parties=tuple(dict.fromkeys(clean_line(p) for p in parties)),
        source_file=source[0],
        source_sha256=source[2],
        path=path,
        owners=tuple(owners),
        commitments=tuple(commitments),
    )


def _owners(raw: Any, problems: _Problems) -> list[OwnerSpec]:
    if not isinstance(raw, list):
        problems.add("owners", "must be an array of tables ([[owners]])")
        return []
    owners: list[OwnerSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        where = f"owners[{index}]"
        if not isinstance(item, dict):
            problems.add(where, "must be a table")
            continue
        try:
            owner = validate(OwnerCreate, item)
        except FieldError as exc:
            problems.add(f"{where}.{exc.field}", exc.message)
            continue
        key = name_key(owner.name)
        if key in seen:
            problems.add(f"{where}.name", f"owner {owner.name!r} is listed twice")
        seen.add(key)
        owners.append(owner)
    return owners


def _due(value: Any, held: date | None) -> Any:
    """A deadline as the model takes it: offsets resolved against the meeting date, ISO text
    parsed; anything else is left for the model to refuse."""
    if isinstance(value, str):
        if is_offset(value):
            if held is None:
                raise ValueError("an offset needs a valid meeting date")
            return apply_offset(value, held)
        return parse_iso(value)
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise ValueError("must be a date (2017-06-30) or an offset (+90d, +2w, +6m, +1y)")


def _commitments(
    raw: Any,
    problems: _Problems,
    held: date | None,
    source: tuple[str, str, str] | None,
) -> list[CommitmentSpec]:
    if not isinstance(raw, list):
        problems.add("commitments", "must be an array of tables ([[commitments]])")
        return []
    out: list[CommitmentSpec] = []
    keys: set[str] = set()
    quoted: list[tuple[int, str, str]] = []  # (problem slot, where, quote)
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            problems.add(f"commitments[{index}]", "must be a table")
            continue
        key = item.get("key")
        where = f"commitment {key!r}" if isinstance(key, str) and key else f"commitments[{index}]"
        # The quote is checked against the readout whatever else is wrong with the entry.
        quote = item.get("quote")
        if type(quote) is str and (quote_text := clean_line(quote)):
            quoted.append((problems.reserve(), where, quote_text))
        values = {name: value for name, value in item.items() if name not in IGNORED_FIELDS}
        due_problem = False
        if "due" in values:
            try:
                values["due"] = _due(values["due"], held)
            except (ValueError, InvalidInput) as exc:
                problems.add(f"{where}.due", str(exc))
                values.pop("due")
                due_problem = True
        try:
            entry = validate(CommitmentFileEntry, values)
        except FieldError as exc:
            for name, message in [(exc.field, exc.message), *exc.others]:
                if not (due_problem and name == "due"):
                    problems.add(f"{where}.{name}", message)
            continue
        if due_problem:
            continue
        if entry.key in keys:
            problems.add(f"{where}.key", "used twice in this file")
        keys.add(entry.key)
        out.append(entry)
    if source is not None and quoted:
        # The quotes are normalised already (cleaning collapses whitespace as `normalise` does).
        absent = missing_quotes(source[1], [quote for _, _, quote in quoted], normalised=True)
        for slot, where, quote in quoted:
            if quote in absent:
                message = f"not found verbatim in the readout {source[0]}"
                problems.add(f"{where}.quote", message, at=slot)
    return out
