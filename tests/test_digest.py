"""Digest content: the right items in each section, in order, safely rendered in every format."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SEED_FILE, Runner

from tracker.db import Database
from tracker.digests.data import build_digest, subject
from tracker.digests.render import render

AS_OF = date(2017, 9, 11)
SINCE = datetime(2017, 9, 4, tzinfo=UTC)
UNTIL = datetime(2017, 9, 12, tzinfo=UTC)


def _digest(db_url: str, **kwargs: object):
    db = Database(db_url)
    try:
        with db.read() as session:
            return build_digest(session, as_of=AS_OF, since=SINCE, until=UNTIL, **kwargs)
    finally:
        db.close()


@pytest.fixture
def week(run: Runner) -> Runner:
    """The seed meeting imported in May, and one week of follow-up before 11 September 2017."""
    seeded = run
    imported = run("import", SEED_FILE, env={"TRACKER_NOW": "2017-05-20T10:00:00Z"})
    assert imported.exit_code == 0, imported.stderr

    def at(day: int) -> dict[str, str]:
        return {"TRACKER_NOW": f"2017-09-{day:02d}T10:00:00Z"}

    assert (
        seeded(
            "update", "2", "--due", "2017-12-31", "--reason", "Terms under negotiation", env=at(5)
        ).exit_code
        == 0
    )
    assert (
        seeded(
            "close", "7", "--note", "Aid agreement in force", "--evidence", "Law 52-Z", env=at(6)
        ).exit_code
        == 0
    )
    assert seeded("note", "1", "Draft sent to the Chinese side", env=at(7)).exit_code == 0
    assert seeded("update", "8", "--status", "blocked", env=at(8)).exit_code == 0
    assert seeded("update", "3", "--status", "in_progress", env=at(8)).exit_code == 0
    # Before the period: a slip that must not be listed as this week's.
    assert (
        seeded(
            "update",
            "6",
            "--due",
            "2017-12-01",
            "--reason",
            "Older slip",
            env={"TRACKER_NOW": "2017-08-01T10:00:00Z"},
        ).exit_code
        == 0
    )
    return seeded


def test_sections_hold_exactly_the_expected_items_in_order(week: Runner, db_url: str) -> None:
    d = _digest(db_url)
    h = d.headline
    assert (h.open, h.in_progress, h.blocked, h.overdue, h.due_soon, h.delivered, h.slipped) == (
        6,  # 9 less one done, one blocked, one in progress
        1,
        1,
        2,
        2,
        1,
        1,
    )
    assert [(g.owner, [(i.id, i.days_overdue) for i in g.items]) for g in d.overdue] == [
        ("State Secretariat of the Security Council", [(4, 73)]),
        ("Ministry of Foreign Affairs", [(1, 28)]),
    ]
    # Due soon and at risk are one section: each item once, with every reason it is there.
    assert [(i.id, i.days_left, i.reason) for i in d.attention.items] == [
        # imported on 20 May, never touched since
        (5, 9, "due in 9 days, not started, no update for 114 days"),
        (3, 11, "due in 11 days"),
        (9, 66, "no update for 114 days"),
        (6, 81, "no update for 41 days"),
        (8, 247, "blocked"),
    ]
    assert (d.attention.total, h.attention) == (5, 5)
    assert [(s.id, s.old_due, s.new_due, s.reason) for s in d.slipped.items] == [
        (2, "2017-11-16", "2017-12-31", "Terms under negotiation")
    ]
    assert [(x.id, x.resolution) for x in d.delivered.items] == [
        (7, "Aid agreement in force · evidence: Law 52-Z")
    ]
    assert [(c.id, c.kind) for c in d.changes.items] == [(1, "note"), (8, "status"), (3, "status")]
    areas = {a.area: a.counts for a in d.areas}
    assert areas["security"] == {"overdue": 1, "open": 1}  # #4 is overdue
    assert "housing" not in areas  # its one commitment is done: the chart shows active ones
    assert areas["transport"] == {"blocked": 1}
    assert subject(d) == (
        "Commitments digest 2017-09-11: 2 overdue, 2 due within 14 days, 1 delivered, "
        "1 deadline slipped"
    )


def test_owner_digest_has_only_that_owners_items(week: Runner, db_url: str) -> None:
    from tracker.services.owners import resolve_owner

    db = Database(db_url)
    with db.read() as session:
        owner_id = resolve_owner(session, "Foreign Affairs").id
    db.close()
    d = _digest(db_url, owner_id=owner_id)
    assert d.owner == "Ministry of Foreign Affairs"
    assert [g.owner for g in d.overdue] == ["Ministry of Foreign Affairs"]
    assert d.headline.open == 2
    assert [c.id for c in d.changes.items] == [1]
    assert d.slipped.items == [] and d.delivered.items == []
    assert subject(d).startswith("Commitments digest 2017-09-11 for Ministry of Foreign Affairs:")


def test_long_sections_are_capped_with_and_n_more(week: Runner, db_url: str) -> None:
    d = _digest(db_url, cap=1)
    assert sum(len(g.items) for g in d.overdue) == 1 and d.overdue_more == 1
    assert len(d.attention.items) == 1 and d.attention.more == 4
    for fmt in ("md", "html", "txt"):
        assert "and 1 more" in render(d, fmt) and "and 4 more" in render(d, fmt)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.external.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_and_user_text_stays_text(seeded: Runner, db_url: str) -> None:
    for title in ("<script>alert(1)</script>", "{{ 7*7 }}", "Tom & Jerry **bold** [x](y)"):
        result = seeded("add", title, "--owner", "Finance", "--due", "2017-09-01")
        assert result.exit_code == 0, result.stderr
    d = _digest(db_url)
    html = render(d, "html")
    parser = _Collector()
    parser.feed(html)
    parser.close()
    assert "script" not in parser.tags
    assert parser.external == []
    assert "svg" in parser.tags and "rect" in parser.tags
    text = "".join(parser.text)
    assert "<script>alert(1)</script>" in text  # shown, as text
    assert "{{ 7*7 }}" in text and "49" not in text
    assert "&lt;script&gt;" in html
    md = render(d, "md")
    assert "<script>" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "{{ 7\\*7 }}" in md
    assert "Tom &amp; Jerry \\*\\*bold\\*\\* \\[x\\](y)" in md
    txt = render(d, "txt")
    assert "<script>alert(1)</script>" in txt and "{{ 7*7 }}" in txt


def test_digest_command_writes_markdown_and_html_files(week: Runner, tmp_path: Path) -> None:
    result = week("digest", "--as-of", "2017-09-11", "--format", "md,html", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    md = (tmp_path / "digest-2017-09-11.md").read_text()
    html = (tmp_path / "digest-2017-09-11.html").read_text()
    assert md.startswith("# Commitments digest — 2017-09-11")
    assert "**2 overdue · 5 due soon / at risk · 6 open" in md
    assert html.startswith("<!DOCTYPE html>")
    assert list(tmp_path.glob(".*tmp")) == []  # no temporary file left behind
    out = week("digest", "--as-of", "2017-09-11")
    assert out.stdout.splitlines()[0].startswith("Commitments digest — 2017-09-11")
    bad = week("digest", "--format", "pdf")
    assert (bad.exit_code, bad.stderr.count("\n")) == (2, 1)
    several = week("digest", "--format", "md,html")
    assert several.exit_code == 4
