"""What a digest shows and how it reads: each item once in "due soon / at risk" with its
reasons, honest headline figures, a chart of active commitments with overdue apart, grey zero
tiles, the weekly trend, and counts with their nouns in the right number."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import Runner
from test_digest import _digest, week  # noqa: F401  (the fixture of one week of follow-up)

from tracker.db import Database
from tracker.digests.data import build_digest, subject
from tracker.digests.render import render
from tracker.vocabulary import ACTIVE_STATUSES

FORMATS = ("md", "txt", "html")
ACTIVE = {s.value for s in ACTIVE_STATUSES}


def _mentions(text: str, item: int) -> int:
    return len(re.findall(rf"#{item}\b", text))


def _words(text: str) -> str:
    """The text a reader sees: tags out, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _section(text: str, heading: str, following: str) -> str:
    lower = text.lower()
    start = lower.index(heading)
    return text[start : lower.index(following, start)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_item_due_soon_and_at_risk_is_listed_once_with_all_its_reasons(
    week: Runner,  # noqa: F811
    db_url: str,
    fmt: str,
) -> None:
    text = render(_digest(db_url), fmt)  # type: ignore[arg-type]

    assert "at risk and stale" not in text.lower() and "due within 14 days\n" not in text.lower()
    listed = _section(text, "due soon / at risk", "deadlines that slipped")
    # #5 is due in 9 days, not started and quiet since May: one entry, three reasons.
    assert _mentions(text, 5) == 1
    assert "due in 9 days, not started, no update for 114 days" in listed
    # #3 is in progress: due soon, and nothing else.
    assert _mentions(listed, 3) == 1 and "due in 11 days" in listed
    assert [_mentions(listed, n) for n in (5, 3, 9, 6, 8)] == [1] * 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_headline_says_what_each_figure_counts(
    week: Runner,  # noqa: F811
    db_url: str,
    fmt: str,
) -> None:
    digest = _digest(db_url)
    h = digest.headline
    assert (h.overdue, h.attention, h.due_soon) == (2, 5, 2)

    text = _words(render(digest, fmt))  # type: ignore[arg-type]

    assert "5 due soon / at risk" in text
    assert "count every active commitment, overdue ones included" in text
    # The subject keeps its narrower figure and says which one it is.
    assert "2 due within 14 days" in subject(digest)


def test_the_area_chart_shows_active_commitments_with_overdue_apart(
    week: Runner,  # noqa: F811
    db_url: str,
) -> None:
    digest = _digest(db_url)
    areas = {a.area: a.counts for a in digest.areas}
    assert areas["security"] == {"overdue": 1, "open": 1}
    assert areas["tourism"] == {"overdue": 1}
    assert areas["transport"] == {"blocked": 1}
    assert "housing" not in areas  # done: nothing active there
    assert sum(sum(c.values()) for c in areas.values()) == 8  # every active one, once

    html = render(digest, "html")
    assert "<title>security: 1 overdue</title>" in html
    assert "<title>security: 1 open</title>" in html
    assert "housing:" not in html
    txt = render(digest, "txt")
    (security,) = [line for line in txt.splitlines() if line.strip().startswith("security ")]
    assert "█" in security and "░" in security  # overdue stacked before open
    assert security.index("█") < security.index("░")
    assert "█ overdue   ▓ blocked   ▒ in progress   ░ open" in txt


def test_zero_headline_tiles_are_grey_and_figures_keep_their_colour(
    seeded: Runner, db_url: str
) -> None:
    db = Database(db_url)
    try:
        with db.read() as session:
            quiet = build_digest(
                session,
                as_of=date(2017, 5, 20),
                since=datetime(2017, 5, 13, tzinfo=UTC),
                until=datetime(2017, 5, 21, tzinfo=UTC),
            )
    finally:
        db.close()
    h = quiet.headline
    assert (h.overdue, h.due_soon, h.delivered, h.slipped, h.open) == (0, 0, 0, 0, 9)

    html = render(quiet, "html")

    for alarm in ("#fee2e2", "#b91c1c", "#fef3c7", "#d1fae5", "#ede9fe"):  # tile colours
        assert alarm not in html.split("<h2")[0], alarm
    assert html.count("background:#f3f4f6;") >= 6  # the zero tiles, and the page


def test_the_trend_counts_active_and_overdue_at_each_weeks_end(
    week: Runner,  # noqa: F811
    db_url: str,
) -> None:
    digest = _digest(db_url)

    points = [(p.week_end.isoformat(), p.active, p.overdue) for p in digest.trend]

    assert len(points) == 12
    assert points[0] == ("2017-06-26", 9, 0)
    assert points[1] == ("2017-07-03", 9, 1)  # #4 was due on 30 June
    assert points[8] == ("2017-08-21", 9, 2)  # #1 was due on 14 August
    assert points[-1] == ("2017-09-11", 8, 2)  # #7 closed on 6 September
    html = render(digest, "html")
    assert "week ending 2017-07-03: 1 overdue" in html
    assert "week ending 2017-09-11: 8 active" in html
    for fmt in ("md", "txt"):
        text = render(digest, fmt)  # type: ignore[arg-type]
        assert "2017-06-26" in text and "2017-09-11" in text
        assert re.search(r"active\s+\S{12}\s+9 → 8", text), text
        assert re.search(r"overdue\s+·\S{11}\s+0 → 2", text), text


def test_an_owners_trend_counts_only_their_commitments(week: Runner, db_url: str) -> None:  # noqa: F811
    from tracker.services.owners import resolve_owner

    db = Database(db_url)
    with db.read() as session:
        owner_id = resolve_owner(session, "Foreign Affairs").id
    db.close()

    digest = _digest(db_url, owner_id=owner_id)

    assert [(p.active, p.overdue) for p in digest.trend][-1] == (2, 1)
    assert [p.overdue for p in digest.trend][:8] == [0] * 8


@pytest.mark.parametrize("fmt", FORMATS)
def test_counts_take_the_noun_in_the_right_number(seeded: Runner, db_url: str, fmt: str) -> None:
    def at(day: int) -> dict[str, str]:
        return {"TRACKER_NOW": f"2017-09-{day:02d}T10:00:00Z"}

    late = seeded("add", "A report due yesterday", "--owner", "Finance", "--due", "2017-09-10",
                  env=at(5))  # fmt: skip
    assert late.exit_code == 0, late.stderr
    moved = seeded("update", "2", "--due", "2017-12-31", "--reason", "Terms", env=at(5))
    assert moved.exit_code == 0, moved.stderr

    digest = _digest(db_url)
    text = _words(render(digest, fmt))  # type: ignore[arg-type]

    assert digest.headline.slipped == 1
    assert "1 deadline slipped" in text and not re.search(r"\b1 deadlines\b", text)
    assert "1 day late" in text and not re.search(r"\b1 days\b", text)
    assert subject(digest).endswith(", 1 deadline slipped")


def test_the_trend_is_what_the_counts_as_of_each_week_say(
    week: Runner,  # noqa: F811
    db_url: str,
) -> None:
    """The trend rewinds the history itself (in two reads, not twelve counting queries): it
    must agree with `board_counts` as of each week's end, for everyone and for each owner,
    through owner changes, reopenings, drops, hand-added items and moved deadlines."""
    from tracker.services.views import Filters, active_trend, board_counts

    def at(month: int, day: int) -> dict[str, str]:
        return {"TRACKER_NOW": f"2017-{month:02d}-{day:02d}T10:00:00Z"}

    steps = [
        (("update", "9", "--owner", "Finance"), at(7, 20)),
        (("close", "6", "--note", "Done early"), at(7, 1)),
        (("reopen", "6", "--reason", "Not done after all"), at(8, 2)),
        (("drop", "5", "--reason", "Merged into #4"), at(8, 15)),
        (("add", "Hand-added in July", "--owner", "Finance", "--due", "2017-08-01"), at(7, 5)),
        (("update", "4", "--due", "2017-08-20", "--reason", "Extended"), at(7, 10)),
        (("update", "1", "--due", "2017-07-01", "--reason", "Pulled in"), at(6, 20)),
    ]
    for args, env in steps:
        done = week(*args, env=env)
        assert done.exit_code == 0, (args, done.stderr)
    days = [date(2017, 9, 11) - timedelta(weeks=n) for n in reversed(range(12))]
    db = Database(db_url)
    try:
        with db.read() as session:
            conn = session.connection()
            owners = [None, *conn.execute(sa.text("SELECT id FROM owner")).scalars()]
            for owner in owners:
                filters = Filters(owner_ids=(owner,)) if owner else Filters()
                expected = []
                for day in days:
                    rows = board_counts(conn, as_of=day, filters=filters)
                    active = sum(r.n for r in rows if r.status in ACTIVE)
                    expected.append((day, active, sum(r.n * r.overdue for r in rows)))
                assert active_trend(conn, days=days, owner_id=owner) == expected, owner
    finally:
        db.close()
