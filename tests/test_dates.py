"""Date parsing: every accepted form, table-driven, against a fixed today."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.dates import add_months, apply_offset, parse_date
from tracker.errors import InvalidInput

TODAY = date(2026, 11, 27)  # a Friday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-06-30", date(2017, 6, 30)),
        (" 2017-06-30 ", date(2017, 6, 30)),
        ("today", TODAY),
        ("TODAY", TODAY),
        ("tomorrow", date(2026, 11, 28)),
        ("yesterday", date(2026, 11, 26)),
        ("friday", date(2026, 12, 4)),  # the next Friday after today, not today
        ("fri", date(2026, 12, 4)),
        ("saturday", date(2026, 11, 28)),
        ("monday", date(2026, 11, 30)),
        ("thursday", date(2026, 12, 3)),
        ("+0d", TODAY),
        ("+10d", date(2026, 12, 7)),
        ("+2w", date(2026, 12, 11)),
        ("+1m", date(2026, 12, 27)),
        ("+3m", date(2027, 2, 27)),
        ("+1y", date(2027, 11, 27)),
        ("-1w", date(2026, 11, 20)),
        ("eom", date(2026, 11, 30)),
        ("eoq", date(2026, 12, 31)),
        ("eoy", date(2026, 12, 31)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2017-02-30",
        "2017-13-01",
        "31/12/2017",
        "2017-6-30",
        "next week",
        "+5x",
        "+d",
        "fortnight",
        "20170630",
        "+999999d",
    ],
)
def test_refused_forms(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2017, 1, 31), 1, date(2017, 2, 28)),
        (date(2016, 1, 31), 1, date(2016, 2, 29)),
        (date(2017, 5, 16), 6, date(2017, 11, 16)),
        (date(2017, 5, 16), 12, date(2018, 5, 16)),
        (date(2017, 3, 31), -1, date(2017, 2, 28)),
        (date(2017, 12, 15), 1, date(2018, 1, 15)),
    ],
)
def test_month_arithmetic_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_end_of_quarter_in_each_quarter() -> None:
    ends = [parse_date("eoq", today=date(2026, m, 1)) for m in (1, 4, 7, 10)]
    assert ends == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]


def test_offsets_from_a_meeting_date() -> None:
    assert apply_offset("+90d", date(2017, 5, 16)) == date(2017, 8, 14)
    with pytest.raises(InvalidInput):
        apply_offset("+9999y", date(2017, 5, 16))
