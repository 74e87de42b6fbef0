"""What a commitment's fields are: their limits, how their text is cleaned, and their order.

The one place these rules live. The model family (`tracker.schemas`) builds on these cleaners
for the meeting-file loader, the services and the command line; the reads (`--json`, CSV,
tables) take their columns from `PUBLIC_FIELDS` by name. Nothing here imports pydantic or a
database library, so a read command can use it at no start-up cost.

Every cleaner raises `ValueError` with a message that completes "FIELD ..." (for example
"is longer than 300 characters"); callers name the field.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date

# Limits, in characters, after cleaning.
TITLE_MAX = 300
LONG_TEXT_MAX = 10_000  # description, quote, notes, resolution, evidence, reasons
AREA_MAX = 60
NAME_MAX = 200  # owner names and counterparts
KEY_MAX = 120
TAG_MAX = 40
EMAIL_MAX = 320
ACTOR_MAX = 120

# Deadlines are calendar dates of this range: a year like 20017 is a typo, not a plan.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)

# The fields of a commitment as reads show them (`--json`, CSV), in this order.
PUBLIC_FIELDS: tuple[str, ...] = (
    "id",
    "key",
    "title",
    "description",
    "quote",
    "owner",
    "owner_email",
    "counterpart",
    "meeting",
    "area",
    "priority",
    "tags",
    "status",
    "due",
    "as_of",
    "overdue",
    "days_overdue",
    "days_left",
    "stale",
    "health",
    "slips",
    "last_activity",
    "created_at",
    "updated_at",
    "closed_at",
    "resolution",
    "evidence",
)

# The commitment fields a CSV export has, by name from `PUBLIC_FIELDS`, in its column order.
CSV_FIELDS: tuple[str, ...] = (
    "id",
    "meeting",
    "key",
    "title",
    "owner",
    "counterpart",
    "area",
    "priority",
    "tags",
    "status",
    "due",
    "overdue",
    "days_overdue",
    "health",
    "slips",
    "created_at",
    "closed_at",
    "resolution",
    "evidence",
    "quote",
)

# The fields that hold text people typed or imported (not numbers, dates, flags or words of
# a vocabulary): what a spreadsheet could take for a formula, what a terminal must not obey.
TEXT_FIELDS: frozenset[str] = frozenset(
    {"meeting", "key", "title", "description", "owner", "owner_email", "counterpart", "area",
     "tags", "resolution", "evidence", "quote"}
)  # fmt: skip

assert set(CSV_FIELDS) <= set(PUBLIC_FIELDS) and set(PUBLIC_FIELDS) >= TEXT_FIELDS

# The fields a meeting file sets, and so the ones an import compares and keeps
# (`commitment.imported`); status, notes and closure belong to the follow-up.
FILE_FIELDS: tuple[str, ...] = (
    "title",
    "quote",
    "owner",
    "due",
    "area",
    "priority",
    "description",
    "counterpart",
    "tags",
)

_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_TAG = re.compile(r"^[^\s,]+$")
_EMAIL = re.compile(r"^[^@\s,;<>()\[\]\\\"]+@[^@\s,;<>()\[\]\\\"]+\.[^@\s,;<>()\[\]\\\".]+$")


def _strip_invisible(text: str, *, keep_newlines: bool) -> str:
    """NFC, without format characters (zero-width, bidi overrides) or control characters.

    Whitespace controls become spaces (newlines stay where the text may have lines), so
    words on either side do not run together."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        if category == "Cc":
            if ch == "\n" and keep_newlines:
                out.append(ch)
            elif ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85":
                out.append(" ")
            continue
        out.append(ch)
    return "".join(out)


def clean_line(value: str) -> str:
    """One line of text: invisible characters dropped, whitespace collapsed to single spaces."""
    if value.isascii() and value.isprintable():
        # The common case: the only whitespace printable ASCII has is the space; a value
        # with no double, leading or trailing one is clean already (a large meeting file
        # has a million fields).
        if "  " not in value and value[:1] != " " and value[-1:] != " ":
            return value
    else:
        value = _strip_invisible(value.replace("\r\n", "\n"), keep_newlines=False)
    return " ".join(value.split())


def clean_block(value: str) -> str:
    """Text that may have lines (descriptions, notes): each line cleaned as `clean_line`, at
    most one blank line in a row, none at either end."""
    value = _strip_invisible(value.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)
    lines = [" ".join(line.split()) for line in value.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n ")


def _limited(text: str, limit: int) -> str:
    if len(text) > limit:
        raise ValueError(f"is longer than {limit} characters")
    return text


def required_line(value: str, limit: int) -> str:
    text = clean_line(value)
    if not text:
        raise ValueError("is empty")
    return _limited(text, limit)


def optional_line(value: str | None, limit: int) -> str | None:
    """An optional one-line text: empty means none."""
    if value is None:
        return None
    return _limited(clean_line(value), limit) or None


def optional_block(value: str | None, limit: int = LONG_TEXT_MAX) -> str | None:
    if value is None:
        return None
    return _limited(clean_block(value), limit) or None


def required_block(value: str | None, limit: int = LONG_TEXT_MAX) -> str:
    text = optional_block(value, limit)
    if not text:
        raise ValueError("is empty")
    return text


def clean_title(value: str) -> str:
    return required_line(value, TITLE_MAX)


def clean_area(value: str | None) -> str | None:
    if value is None:
        return None
    return required_line(value, AREA_MAX).lower()


def clean_counterpart(value: str | None) -> str | None:
    return optional_line(value, NAME_MAX)


def clean_owner_name(value: str) -> str:
    return required_line(value, NAME_MAX)


def clean_quote(value: str | None) -> str | None:
    """Quotes are matched against the readout with whitespace collapsed, so they are kept so."""
    return optional_line(value, LONG_TEXT_MAX)


def clean_key(value: str) -> str:
    key = required_line(value, KEY_MAX)
    if not _KEY.match(key):
        raise ValueError("must use lower-case letters, digits, '.', '_' and '-'")
    return key


def clean_tag(value: str) -> str:
    tag = clean_line(value).lower().lstrip("+")
    if not tag or not _TAG.match(tag):
        raise ValueError(f"must be single words without commas (not {value!r})")
    return _limited(tag, TAG_MAX)


def clean_tags(values: list[str] | tuple[str, ...]) -> list[str]:
    """Tags lower-cased, each once, in the order first given: ["Visa", "visa"] is ["visa"]."""
    return list(_clean_tags(tuple(values)))


@functools.lru_cache(maxsize=4096)  # a meeting file repeats a few hundred tag lists
def _clean_tags(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        tag = clean_tag(value)
        if tag not in out:
            out.append(tag)
    return tuple(out)


def check_day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(
            f"must be between {FIRST_DAY.year} and {LAST_DAY.year} (not {value.isoformat()})"
        )
    return value


def clean_email(value: str | None) -> str | None:
    """One address (`name@example.org`), or None for an empty value."""
    if value is None:
        return None
    email = clean_line(value)
    if not email:
        return None
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        raise ValueError(f"is not an e-mail address (one address each): {email!r}")
    return email


def name_key(name: str) -> str:
    """How two owner names are compared: cleaned (NFC, no invisible characters, whitespace
    collapsed) and case-folded, so a look-alike with a zero-width space is the same name."""
    return clean_line(name).casefold()
