"""Property: `show --json --as-of D` is the state a replay of the history up to D gives.

Random histories (add, update, note, close, reopen, drop, import, and re-imports of a changed
file) are written through the real command line with a clock that moves forward; then, for
random days D, every commitment shown as of D is compared, field by field, with an independent
fold over the event rows (read with plain SQL) that starts from each commitment's first state
(its created event's `data`).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import TABLES, Result, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

START = datetime(2017, 5, 10, 8, 0, tzinfo=UTC)
OWNERS = ["Ministry of Economy", "Ministry of Finance", "Ministry of Energy"]
TITLES = ["Prepare the roadmap", "Sign the agreement", "Open the park", "Fund the refinery"]
AREAS = ["finance", "industry", "energy"]
TAGS = ["a", "b", "c"]
TEXTS = ["Phase one", "Phase two", ""]  # "" clears the field: its old value becomes NULL
STEPS = [timedelta(minutes=7), timedelta(hours=5), timedelta(days=1), timedelta(days=6)]
COMPARED = (
    "title", "owner", "area", "priority", "tags", "description", "counterpart", "status", "due",
    "closed_at", "resolution", "evidence", "updated_at", "slips", "last_activity", "overdue",
)  # fmt: skip

EXAMPLES = settings(
    max_examples=60,  # about 15 s on SQLite, 45 s on PostgreSQL
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- a fresh database per example -------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Returns a function that gives an empty migrated database (each call empties it)."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")

        def sqlite() -> str:
            path = tmp_path / f"{uuid.uuid4().hex}.db"
            shutil.copy(template, path)
            return f"sqlite:///{path}"

        yield sqlite
        return
    url = request.getfixturevalue("postgres_migrated")
    engine = sa.create_engine(url)

    def postgresql() -> str:
        with engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        return url

    yield postgresql
    engine.dispose()


# --- writing a history ------------------------------------------------------------------------


@dataclass
class History:
    db_url: str
    folder: Path
    now: datetime = START
    imports: int = 0
    # What each meeting file gave, by (meeting slug, key): the first state of an imported
    # commitment whose created event carries no `data` (an importer that does not write it).
    from_files: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # Each meeting file as last written: its day and items, to change and import again.
    files: dict[str, tuple[date, list[dict[str, Any]]]] = field(default_factory=dict)

    def run(self, *args: object, expect: tuple[int, ...] = (0, 4, 5)) -> Result:
        """`tracker ARGS` at the history's clock. A refused change (closing a closed item,
        nothing to update) is fine by default: it changes nothing."""
        env = {"TRACKER_NOW": self.now.isoformat()}
        result = run_cli([str(a) for a in args], db_url=self.db_url, env=env)
        assert result.exit_code in expect, (args, result.stderr)
        return result

    def import_meeting(self, meeting_day: date, items: list[dict[str, Any]]) -> None:
        self.imports += 1
        slug = f"m{self.imports}"
        self.files[slug] = (meeting_day, items)
        self.write_and_import(slug)
        for i, item in enumerate(items):
            self.from_files[(slug, f"k{i}")] = item | {"quote": self._quote(slug, i)}

    @staticmethod
    def _quote(slug: str, i: int) -> str:
        return f"The side agreed to deliver item {slug}-{i}."

    def write_and_import(self, slug: str, *options: str) -> None:
        """Write the meeting file `slug` as it now stands and import it."""
        meeting_day, items = self.files[slug]
        quotes = [self._quote(slug, i) for i in range(len(items))]
        (self.folder / f"{slug}.txt").write_text(" ".join(quotes))
        parts = [
            f'[meeting]\nslug = "{slug}"\ntitle = "Meeting {slug}"\n'
            f'date = {meeting_day.isoformat()}\nsource = "{slug}.txt"\n'
        ]
        for i, (item, quote) in enumerate(zip(items, quotes, strict=True)):
            tags = json.dumps(item["tags"])
            parts.append(
                f'[[commitments]]\nkey = "k{i}"\ntitle = "{item["title"]}"\nquote = "{quote}"\n'
                f'owner = "{item["owner"]}"\ndue = {item["due"]}\narea = "{item["area"]}"\n'
                f'priority = "{item["priority"]}"\ntags = {tags}\n'
            )
        path = self.folder / f"{slug}.toml"
        path.write_text("\n".join(parts))
        assert self.run("import", path, *options).exit_code == 0


dues = st.dates(min_value=date(2017, 5, 1), max_value=date(2018, 3, 1)).map(date.isoformat)
new_items_fields: dict[str, st.SearchStrategy[Any]] = {
    "title": st.sampled_from(TITLES),
    "owner": st.sampled_from(OWNERS),
    "due": dues,
    "area": st.sampled_from(AREAS),
    "priority": st.sampled_from(["high", "normal", "low"]),
    "tags": st.lists(st.sampled_from(TAGS), unique=True, max_size=2),
}
new_items = st.fixed_dictionaries(new_items_fields)
UPDATES: dict[str, st.SearchStrategy[list[str]]] = {
    "title": st.sampled_from(TITLES).map(lambda v: ["--title", v]),
    "owner": st.sampled_from(OWNERS).map(lambda v: ["--owner", v]),
    "area": st.sampled_from(AREAS).map(lambda v: ["--area", v]),
    "priority": st.sampled_from(["high", "normal", "low"]).map(lambda v: ["--priority", v]),
    "tag": st.sampled_from(TAGS).map(lambda v: ["--tag", v]),
    "untag": st.sampled_from(TAGS).map(lambda v: ["--untag", v]),
    "description": st.sampled_from(TEXTS).map(lambda v: ["--description", v]),
    "counterpart": st.sampled_from(TEXTS).map(lambda v: ["--counterpart", v]),
    "due": dues.map(lambda v: ["--due", v, "--reason", "Moved"]),
    "status": st.sampled_from(["open", "in_progress", "blocked"]).map(lambda v: ["--status", v]),
}
ACTIONS = [
    "add", "import", "reimport", "update", "update", "update", "note", "close", "reopen", "drop",
]  # fmt: skip


def write_history(draw: st.DrawFn, history: History) -> None:
    for owner in OWNERS:
        history.run("owner", "add", owner)
    made = 0
    for _ in range(draw(st.integers(min_value=1, max_value=14))):
        history.now += draw(st.sampled_from(STEPS))
        action = draw(st.sampled_from(ACTIONS if made else ["add", "import"]))
        target = draw(st.integers(min_value=1, max_value=max(made, 1)))
        if action == "add":
            item = draw(new_items)
            tags = [arg for tag in item["tags"] for arg in ("--tag", tag)]
            history.run("add", item["title"], "--owner", item["owner"], "--due", item["due"],
                        "--area", item["area"], "--priority", item["priority"], *tags)  # fmt: skip
            made += 1
        elif action == "import":
            items = draw(st.lists(new_items, min_size=1, max_size=2))
            # Meetings held before the import, on its day, or (a replay) after it.
            offset = draw(st.integers(min_value=-20, max_value=3))
            history.import_meeting(history.now.date() + timedelta(days=offset), items)
            made += len(items)
        elif action == "reimport" and history.files:
            # The file changes some of its values and is imported again (forced or not): a
            # change the follow-up did not make is applied, a conflicting one kept or forced.
            slug = draw(st.sampled_from(sorted(history.files)))
            meeting_day, items = history.files[slug]
            changed = []
            for item in items:
                edits = draw(st.lists(st.sampled_from(sorted(new_items_fields)), max_size=2))
                changed.append(item | {name: draw(new_items_fields[name]) for name in edits})
            history.files[slug] = (meeting_day, changed)
            force = draw(st.booleans())
            history.write_and_import(slug, *(["--force"] if force else []))
        elif action == "update":
            chosen = draw(st.lists(st.sampled_from(sorted(UPDATES)), min_size=1, max_size=3))
            args = [arg for name in dict.fromkeys(chosen) for arg in draw(UPDATES[name])]
            history.run("update", target, *args)
        elif action == "note":
            history.run("note", target, "Progress")
        elif action == "close":
            closing = draw(st.sampled_from([["--note", "Done"], ["--evidence", "Decree"],
                                            ["--note", "Done", "--evidence", "Law"]]))  # fmt: skip
            history.run("close", target, *closing)
        elif action == "reopen":
            history.run("reopen", target, "--reason", "Not done after all")
        else:
            history.run("drop", target, "--reason", "Superseded")


# --- the reference: a fold over the event rows --------------------------------------------------


def instant(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def as_dict(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@dataclass
class Rows:
    commitments: list[Any]
    events: dict[int, list[Any]]
    owners: dict[int, str]
    meetings: dict[int, tuple[str, date]]


def read_rows(db_url: str) -> Rows:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            commitments = conn.execute(
                sa.text(
                    "SELECT id, meeting_id, key, created_at, updated_at,"
                    " imported IS NOT NULL AS from_file FROM commitment ORDER BY id"
                )
            ).all()
            events: dict[int, list[Any]] = {}
            for row in conn.execute(
                sa.text(
                    "SELECT commitment_id, at, kind, field, old_value, new_value, data"
                    " FROM event ORDER BY at, id"
                )
            ):
                events.setdefault(row.commitment_id, []).append(row)
            owners = {i: name for i, name in conn.execute(sa.text("SELECT id, name FROM owner"))}
            meetings = {
                row.id: (row.slug, date.fromisoformat(str(row.date)))
                for row in conn.execute(sa.text("SELECT id, slug, date FROM meeting"))
            }
    finally:
        engine.dispose()
    return Rows(commitments, events, owners, meetings)


def replay(rows: Rows, history: History, commitment: Any, day: date) -> dict[str, Any] | None:
    """The commitment at the end of `day` by folding its events, or None if it did not exist."""
    cut = datetime.combine(day + timedelta(days=1), time.min).astimezone()
    if commitment.from_file:
        exists = rows.meetings[commitment.meeting_id][1] <= day
    else:
        exists = instant(commitment.created_at) < cut
    if not exists:
        return None
    events = rows.events[commitment.id]
    created = events[0]
    assert created.kind == "created"
    first = as_dict(created.data)
    if first is None:  # an importer that does not write the first state: the file's values
        slug = rows.meetings[commitment.meeting_id][0]
        item = history.from_files[(slug, commitment.key)]
        owner_id = next(i for i, name in rows.owners.items() if name == item["owner"])
        first = item | {"owner_id": owner_id, "status": "open"}
    state: dict[str, Any] = {
        "title": first["title"],
        "owner_id": first["owner_id"],
        "area": first["area"],
        "priority": first["priority"],
        "tags": list(first["tags"]),
        "description": first.get("description"),
        "counterpart": first.get("counterpart"),
        "status": first["status"],
        "due": first["due"],
        "closed_at": None,
        "resolution": None,
        "evidence": None,
        "slips": 0,
    }
    before = [e for e in events if instant(e.at) < cut]
    for event in before:
        data = as_dict(event.data) or {}
        if event.kind == "changed":
            new = event.new_value
            state[event.field] = json.loads(new) if event.field == "tags" else new
        elif event.kind == "owner":
            state["owner_id"] = data["to"]
        elif event.kind == "due":
            state["due"], state["slips"] = event.new_value, state["slips"] + 1
        elif event.kind == "status":
            state["status"] = event.new_value
        elif event.kind in ("closed", "dropped"):
            state["status"] = event.new_value
            state["closed_at"] = iso(instant(event.at))
            state["resolution"] = data.get("resolution")
            if event.kind == "closed":
                state["evidence"] = data.get("evidence")
        elif event.kind == "reopened":
            state |= {"status": "open", "closed_at": None, "resolution": None, "evidence": None}
    last = max((instant(e.at) for e in before), default=None)
    changed_since = any(instant(e.at) >= cut for e in events)
    state["last_activity"] = iso(last)
    state["updated_at"] = iso(last) if changed_since else iso(instant(commitment.updated_at))
    state["owner"] = rows.owners[state.pop("owner_id")]
    active = state["status"] in ("open", "in_progress", "blocked")
    state["overdue"] = active and date.fromisoformat(state["due"]) < day
    return state


# --- the property -------------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data())
def test_show_as_of_is_the_replay_of_the_history(
    fresh_db: Callable[[], str], tmp_path: Path, data: st.DataObject
) -> None:
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    history = History(fresh_db(), folder)
    write_history(data.draw, history)
    rows = read_rows(history.db_url)
    first, last = START.date() - timedelta(days=25), history.now.date() + timedelta(days=2)
    days = data.draw(st.lists(st.dates(min_value=first, max_value=last), min_size=1, max_size=3))
    for day in days:
        # The list reads the same state: the commitments that existed, as they stood.
        listed = history.run("list", "--all", "--json", "--as-of", day.isoformat()).json()
        by_id = {row["id"]: row for row in listed}
        for commitment in rows.commitments:
            want = replay(rows, history, commitment, day)
            args = ("show", commitment.id, "--json", "--as-of", day.isoformat())
            shown = history.run(*args, expect=(0, 3))
            assert shown.exit_code == (3 if want is None else 0), (commitment.id, day)
            if want is None:
                assert commitment.id not in by_id, (commitment.id, day)
                continue
            got = shown.json()
            assert got | {"history": None} == by_id[commitment.id] | {"history": None}
            assert {k: got[k] for k in COMPARED} == {k: want[k] for k in COMPARED}, (
                commitment.id,
                day,
            )
