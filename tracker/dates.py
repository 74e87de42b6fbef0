"""Calendar dates typed by people: ISO dates, relative words and offsets, resolved against `today`.

Deadlines are calendar dates with no time of day. Every function takes the reference date as an
argument, so that tests and `--as-of` replays never depend on the wall clock.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from tracker.errors import InvalidInput

WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}

_OFFSET = re.compile(r"^([+-])(\d{1,5})([dwmy])$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FORMS = (
    "an ISO date (2017-06-30), today, tomorrow, yesterday, a weekday, +Nd/+Nw/+Nm/+Ny, "
    "eom, eoq or eoy"
)


def add_months(start: date, months: int) -> date:
    """Calendar month arithmetic, clamping to the month's last day (31 Jan + 1m = 28/29 Feb)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise InvalidInput(f"date out of range: {months:+d} months from {start.isoformat()}")
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def apply_offset(text: str, base: date) -> date:
    """Resolve an offset such as `+90d`, `+2w`, `+6m`, `+1y` (or negative) against `base`."""
    match = _OFFSET.match(text.strip().lower())
    if not match:
        raise InvalidInput(f"not an offset: {text!r} (expected +Nd, +Nw, +Nm or +Ny)")
    sign = -1 if match.group(1) == "-" else 1
    amount = sign * int(match.group(2))
    unit = match.group(3)
    try:
        if unit == "d":
            return base + timedelta(days=amount)
        if unit == "w":
            return base + timedelta(weeks=amount)
        if unit == "m":
            return add_months(base, amount)
        return add_months(base, 12 * amount)
    except OverflowError as exc:
        raise InvalidInput(f"date out of range: {text} from {base.isoformat()}") from exc


def is_offset(text: str) -> bool:
    return bool(_OFFSET.match(text.strip().lower()))


def parse_iso(text: str) -> date:
    """A strict YYYY-MM-DD date; anything else (or an impossible day) is refused."""
    text = text.strip()
    if not _ISO.match(text):
        raise InvalidInput(f"not a date: {text!r} (expected YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"impossible date: {text!r} ({exc})") from exc


def _end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def parse_date(text: str, *, today: date) -> date:
    """Parse a date as a person types it (see `_parse_date`), within 1900–2999: a follow-up
    deadline or review date outside that range is a typing mistake."""
    try:
        value = _parse_date(text, today=today)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, InvalidInput):
            raise
        raise InvalidInput(f"date out of range: {text!r}") from None
    if not EARLIEST <= value <= LATEST:
        raise InvalidInput(f"date out of range: {text!r} (use a date from 1900 to 2999)")
    return value


def _parse_date(text: str, *, today: date) -> date:
    """Parse a date as a person types it; `today` anchors the relative forms.

    A weekday name means the next such day after today (Taskwarrior's reading), so `friday`
    typed on a Friday is a week away.
    """
    word = text.strip().lower()
    if not word:
        raise InvalidInput("empty date")
    if _ISO.match(word):
        return parse_iso(word)
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word == "yesterday":
        return today - timedelta(days=1)
    if word in WEEKDAYS:
        ahead = (WEEKDAYS[word] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if word == "eom":
        return _end_of_month(today)
    if word == "eoq":
        quarter_end_month = ((today.month - 1) // 3 + 1) * 3
        return _end_of_month(today.replace(month=quarter_end_month, day=1))
    if word == "eoy":
        return date(today.year, 12, 31)
    if _OFFSET.match(word):
        return apply_offset(word, today)
    raise InvalidInput(f"not a date: {text!r} (use {FORMS})")
