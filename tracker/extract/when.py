"""Time expressions in readouts, resolved against the meeting date to a calendar deadline.

A period resolves to its last day ("in July" -> 31 July, "in April–May" -> 31 May, "next year"
-> 31 December of next year, "in the first half of 2019" -> 30 June 2019); a duration counts
from the meeting ("within six months" -> meeting + 6 months); vague promptness ("shortly",
"in the near future") means one month. A month or day named without a year is the next one
on or after the meeting date. Expressions that resolve to the meeting date or before it are
not deadlines: `find_deadlines` drops them, and `mentions_past` reports those before it
(history, such as "the treaty signed in 2011").

Every pattern starts at a word and has no nested repetition, so scanning is linear.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.dates import add_months

# English names, not `calendar.month_name`, which follows the process locale.
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS: dict[str, int] = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS["Sept"] = 9
_NUMBER_WORDS = (
    "a:1 an:1 one:1 two:2 three:3 four:4 five:5 six:6 seven:7 eight:8 nine:9 ten:10 eleven:11"
    " twelve:12 fifteen:15 eighteen:18 twenty:20 twenty-four:24 thirty:30 forty-five:45"
    " sixty:60 ninety:90 a_couple_of:2 a_few:3 half_a:0.5"
)
NUMBERS: dict[str, float] = {
    word.replace("_", " "): float(value)
    for word, _, value in (item.partition(":") for item in _NUMBER_WORDS.split())
}

_M = (
    r"(?P<m>(?:"
    + "|".join(_MONTH_NAMES)
    + r")\b|(?:Sept|"
    + "|".join(name[:3] for name in _MONTH_NAMES if name != "May")
    + r")\b\.?)"
)
_M2 = _M.replace("?P<m>", "?P<m2>")
_Y = r"(?P<y>(?:19|20)\d\d)\b"
_REL_YEAR = r"(?P<rel>this|next|the\s+current|the|current)\s+year"
_PREP = (
    r"(?P<prep>in|by|before|until|till|during|through|throughout|no\s+later\s+than"
    r"|not\s+later\s+than)"
)
_NUM = r"(?P<n>\d{1,3}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_I = re.IGNORECASE


def _year_of(match: re.Match[str], meeting: date) -> int | None:
    groups = match.groupdict()
    if groups.get("y"):
        return int(groups["y"])
    rel = (groups.get("rel") or "").lower()
    if rel:
        return meeting.year + 1 if rel == "next" else meeting.year
    return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_month_end(month: int, meeting: date, year: int | None) -> date:
    if year is None:
        year = meeting.year if month >= meeting.month else meeting.year + 1
    return _month_end(year, month)


def _day(match: re.Match[str], meeting: date) -> date | None:
    month, day = MONTHS[match["m"].rstrip(".")], int(match["d"])
    year = _year_of(match, meeting)
    if day > calendar.monthrange(year or meeting.year, month)[1]:
        return None
    if year is None:
        year = meeting.year if (month, day) >= (meeting.month, meeting.day) else meeting.year + 1
    return date(year, month, day)


def _month(match: re.Match[str], meeting: date) -> date | None:
    year = _year_of(match, meeting)
    if not (match["prep"] or match["part"] or year):
        return None  # a bare month name is too weak ("May" may be the verb)
    month = MONTHS[match["m"].rstrip(".")]
    end = _next_month_end(month, meeting, year)
    part = (match["part"] or "").lower()
    if part.startswith(("early", "the beginning", "beginning", "the start", "start")):
        return end.replace(day=10)
    if part.startswith(("mid", "the middle")):
        return end.replace(day=15)
    return end


def _month_range(match: re.Match[str], meeting: date) -> date:
    first, last = MONTHS[match["m"].rstrip(".")], MONTHS[match["m2"].rstrip(".")]
    year = _year_of(match, meeting)
    if year is None:
        year = meeting.year if first >= meeting.month else meeting.year + 1
        if last < first:
            year += 1
    return _month_end(year, last)


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_ORDINALS |= {"fourth": 4, "4th": 4, "last": 4}


def _year_part(match: re.Match[str], meeting: date) -> date:
    year = _year_of(match, meeting) or meeting.year
    index = _ORDINALS[match["ord"].lower()]
    if match["unit"].lower() == "half":
        return _month_end(year, 6 if index == 1 else 12)
    return _month_end(year, 3 * index)


def _iso(match: re.Match[str], meeting: date) -> date | None:
    try:
        return date(int(match["y"]), int(match["mo"]), int(match["d"]))
    except ValueError:
        return None


def _this_year_end(match: re.Match[str], meeting: date) -> date:
    return date(meeting.year, 12, 31)


def _new_year(match: re.Match[str], meeting: date) -> date:
    """ "early in the new year": January of the next year."""
    return date(meeting.year + 1, 1, 31)


def _quarter_code(match: re.Match[str], meeting: date) -> date:
    return _month_end(int(match["y"]), 3 * int(match["q"]))


def _year_edge(match: re.Match[str], meeting: date) -> date:
    year = _year_of(match, meeting) or meeting.year
    edge = match["edge"].lower()
    if edge in ("middle", "mid"):
        return date(year, 6, 30)
    if edge in ("beginning", "start", "early"):
        return date(year, 3, 31)
    return date(year, 12, 31)


def _period_end(match: re.Match[str], meeting: date) -> date:
    if match["unit"].lower() == "month":
        return _month_end(meeting.year, meeting.month)
    quarter_end = 3 * ((meeting.month - 1) // 3 + 1)
    return _month_end(meeting.year, quarter_end)


def _season(match: re.Match[str], meeting: date) -> date:
    season = match["season"].lower()
    month = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}[season]
    year = _year_of(match, meeting)
    if year is None:
        return _next_month_end(month, meeting, None)
    return _month_end(year + 1 if season == "winter" else year, month)  # winter ends in February


def _year(match: re.Match[str], meeting: date) -> date:
    return date(int(match["y2"] or match["y"]), 12, 31)


def _relative(match: re.Match[str], meeting: date) -> date:
    which, unit = match["which"].lower().split()[-1], match["unit"].lower()
    step = 0 if which in ("this", "current") else 1
    if unit == "year":
        return date(meeting.year + step, 12, 31)
    if unit == "month":
        nxt = add_months(meeting.replace(day=1), step)
        return _month_end(nxt.year, nxt.month)
    if unit == "quarter":
        quarter_end = add_months(meeting.replace(day=1), 3 * step)
        return _month_end(quarter_end.year, 3 * ((quarter_end.month - 1) // 3 + 1))
    if step:
        return meeting + timedelta(weeks=1)
    return meeting + timedelta(days=6 - meeting.weekday())  # the Sunday ending this week


def _duration(match: re.Match[str], meeting: date) -> date | None:
    raw = match["n"].lower()
    amount = float(raw) if raw.isdigit() else NUMBERS[" ".join(raw.split())]
    unit = match["unit"].lower().split()[-1]
    if unit == "year":
        amount, unit = amount * 12, "month"
    if unit == "month":
        return add_months(meeting, round(amount))
    days = amount * (7 if unit == "week" else 1)
    return meeting + timedelta(days=round(days)) if days else None


def _vague(match: re.Match[str], meeting: date) -> date:
    months = 3 if "months" in match.group().lower() else 1
    return add_months(meeting, months)


# "Soon" and its kin: a deadline only when the clause names no precise one.
_VAGUE = re.compile(
    r"\b(?:shortly|soon|promptly|immediately|expeditiously|without\s+delay|forthwith"
    r"|at\s+once|with\s+immediate\s+effect|as\s+(?:early|soon)\s+as\s+possible"
    r"|at\s+an\s+early\s+(?:date|time)|upcoming"
    r"|(?:in|over|during)\s+the\s+(?:near\s+future|coming\s+(?:days|weeks|months))"
    r"|at\s+the\s+earliest\s+(?:opportunity|possible\s+date))\b",
    re.IGNORECASE,
)
_Resolver = Callable[[re.Match[str], date], "date | None"]
_PATTERNS: tuple[tuple[re.Pattern[str], _Resolver], ...] = (
    (re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<mo>\d\d)-(?P<d>\d\d)\b"), _iso),
    # "until 31.03.2019": day first, as wherever dots separate a date's numbers
    (re.compile(r"\b(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>(?:19|20)\d\d)\b"), _iso),
    (re.compile(r"\b\d{1,2}\s*[–—-]\s*(?P<d>\d{1,2})\s+" + _M + r"(?:,?\s+" + _Y + ")?"), _day),
    (
        re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _M + r"(?:,?\s+" + _Y + ")?"),
        _day,
    ),
    (re.compile(_M + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+" + _Y + ")?"), _day),
    (
        re.compile(_M + r"\s*(?:[–—-]|\s(?i:to|and|or)\s)\s*" + _M2 + r"(?:,?\s+" + _Y + ")?"),
        _month_range,
    ),
    (
        re.compile(
            r"(?i:\b" + _PREP + r"\s+(?:the\s+)?)?"
            r"(?i:\b(?P<part>first\s+half\s+of|second\s+half\s+of|(?:the\s+)?(?:beginning|start"
            r"|middle|end)\s+of|early|mid|late)[\s-]+)?"
            + _M
            + r"(?:,?\s+"
            + _Y
            + r"|\s+(?i:"
            + _REL_YEAR
            + r"))?"
        ),
        _month,
    ),
    (
        re.compile(
            r"\b(?P<ord>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?P<unit>half|quarter)"
            r"\s+of\s+(?:" + _Y + "|" + _REL_YEAR + ")",
            _I,
        ),
        _year_part,
    ),
    (re.compile(r"\bQ(?P<q>[1-4])\s*(?:of\s+)?" + _Y), _quarter_code),
    (
        re.compile(
            r"\b(?:the\s+)?(?P<edge>end|beginning|start|middle|mid|early|late|close)"
            r"(?:\s+of\s+|-|\s+)(?:" + _Y + "|" + _REL_YEAR + ")",
            _I,
        ),
        _year_edge,
    ),
    (re.compile(r"\byear-end\b", _I), _this_year_end),
    (re.compile(r"\b(?:early\s+)?in\s+the\s+new\s+year\b", _I), _new_year),
    (re.compile(r"\bend\s+of\s+(?:the|this)\s+(?P<unit>month|quarter)\b", _I), _period_end),
    (
        re.compile(
            r"\b(?:in|by|during|before|until|over|this|next)\s+(?:the\s+)?(?:early\s+|late\s+)?"
            r"(?P<season>spring|summer|autumn|fall|winter)\b(?:\s+(?:of\s+)?"
            + _Y
            + r"|\s+"
            + _REL_YEAR
            + ")?",
            _I,
        ),
        _season,
    ),
    (
        re.compile(
            r"\b"
            + _PREP.replace("?P<prep>", "?:")
            + r"\s+"
            + _Y
            + r"(?:\s*[–—-]\s*(?P<y2>(?:19|20)\d\d)\b)?"
            r"(?!\s*(?:US|USD|dollars|euros|tonnes|tons|units|people|km)\b)",
            _I,
        ),
        _year,
    ),
    (
        re.compile(
            r"\b(?P<which>next|this|the\s+current|current|the\s+coming|the\s+following)\s+"
            r"(?P<unit>year|month|quarter|week)\b",
            _I,
        ),
        _relative,
    ),
    (
        re.compile(
            r"\b(?:within|in|during|over|inside|after|every)\s+(?:the\s+)?(?:(?:next|coming|following)"
            r"\s+)?" + _NUM + r"[\s-]+(?P<unit>(?:working\s+|business\s+)?day|week|month|year)s?\b",
            _I,
        ),
        _duration,
    ),
    (
        _VAGUE,
        _vague,
    ),
)


@dataclass(frozen=True)
class TimeExpression:
    """A time expression found in a text: the phrase, its offsets and the date it means."""

    phrase: str
    start: int
    end: int
    resolved: date


# Every pattern needs a digit or one of these words: most clauses are skipped at this test.
_MAYBE = re.compile(
    r"\d|year|month|week|day|quarter|half|spring|summer|autumn|fall|winter|short|soon|prompt"
    r"|delay|early|earliest|near|coming|following|immediate|expeditious|once|forthwith|"
    + "|".join(_MONTH_NAMES),
    re.IGNORECASE,
)


def time_expressions(text: str, meeting: date) -> list[TimeExpression]:
    """Every time expression in `text`, in text order; earlier patterns win overlaps."""
    if not _MAYBE.search(text):
        return []
    taken: list[tuple[int, int]] = []
    found: list[TimeExpression] = []
    for pattern, resolve in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            resolved = resolve(match, meeting)
            if resolved is not None:
                taken.append((start, end))
                found.append(TimeExpression(match.group().strip(), start, end, resolved))
    return sorted(found, key=lambda expr: expr.start)


def find_deadlines(text: str, meeting: date) -> list[TimeExpression]:
    """Time expressions in `text` that fall after the meeting date: candidate deadlines, the
    precise ones first ("shortly, and no later than January 2023": January 2023 wins)."""
    found = [expr for expr in time_expressions(text, meeting) if expr.resolved > meeting]
    return sorted(found, key=lambda expr: bool(_VAGUE.fullmatch(expr.phrase)))


def mentions_past(text: str, meeting: date) -> bool:
    """True when `text` names a date or year before the meeting ("signed in 2011")."""
    return any(expr.resolved < meeting for expr in time_expressions(text, meeting))


def resolve_phrase(phrase: str, meeting: date) -> date | None:
    """The deadline one phrase means ("in July" after a May meeting -> 31 July), or None."""
    found = time_expressions(phrase, meeting)
    return found[0].resolved if found else None


# A coming event the text may date elsewhere: "preparations for the next Summit Meeting".
_EVENT_NOUN = (
    r"(?P<noun>summit|meeting|session|round|talks|visit|conference|consultations|dialogue"
    r"|commission|forum)"
)
_NEXT_EVENT = re.compile(
    r"\b(?:next|coming|upcoming|forthcoming|following)\s+(?:[\w’'+-]+\s+){0,3}?"
    + _EVENT_NOUN
    + r"s?\b",
    re.IGNORECASE,
)
# Any mention of an event, dated right after it: "the Summit Meeting in September".
_ANY_EVENT = re.compile(r"\b" + _EVENT_NOUN + r"s?\b", re.IGNORECASE)
_EVENT_WINDOW = 60  # how far after the event's mention its date may be given


def event_dates(text: str, meeting: date) -> dict[str, TimeExpression]:
    """Dates the text gives for its coming events, by event noun: "the Summit Meeting in
    September" -> {"meeting": September}. The first date after the meeting wins."""
    events: dict[str, TimeExpression] = {}
    for match in _ANY_EVENT.finditer(text):
        window = text[match.end() : match.end() + _EVENT_WINDOW]
        window = re.split(r"(?<=[.;!?])\s", window, maxsplit=1)[0]  # within its sentence
        found = [
            expr
            for expr in time_expressions(window, meeting)
            if expr.resolved > meeting and not _VAGUE.fullmatch(expr.phrase)
        ]
        if found:
            events.setdefault(_event_key(match), found[0])
    return events


def _event_key(match: re.Match[str]) -> str:
    """The event noun, singular: "Meetings" and "meeting" are one ("talks" stays)."""
    noun = match.group("noun").lower()
    return noun if noun == "talks" else noun.rstrip("s")


def event_deadline(clause: str, events: dict[str, TimeExpression]) -> TimeExpression | None:
    """The date of the coming event a clause works towards ("to make preparations for the next
    summit"), when the text dates that event elsewhere; None otherwise."""
    if not events:
        return None
    match = _NEXT_EVENT.search(clause)
    return events.get(_event_key(match)) if match else None
