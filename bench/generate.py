"""A realistic synthetic data set of N commitments, loaded through tracker's own import path.

    python bench/generate.py 10000 --out-dir /tmp/bench-10k            # SQLite in the out-dir
    python bench/generate.py 10000 --db postgresql+psycopg://root@127.0.0.1:5432/bench --seed 7

What it makes (deterministic for a given --seed and --today; --today defaults to the system date
because Taskwarrior's `overdue` reads the real clock):

- one meeting per 500 commitments, held over the last ~220 days, each as a meeting file
  (`meetings/*.toml`, the format of `tracker import`) beside its readout (`meetings/*.txt`);
  every quote is a sentence generated into the readout and quoted verbatim;
- 50 owners with e-mails, 12 areas, priorities, tags, counterparts, some descriptions;
- deadlines spread ±200 days around --today (the final deadline, after any slips);
- a follow-up history: ~20 % closed (15 % done with a resolution, 5 % dropped with a reason),
  status changes (in progress, blocked), deadline slips with reasons and progress notes — about
  3 events per commitment, `created` included, dated between the meeting and yesterday;
- `taskwarrior.json`: the same commitments as Taskwarrior import lines (one JSON object a line);
- `all/bench-all.toml` (+ readout) with --single-file: all N commitments in one meeting file,
  to time `tracker import` of N;
- `manifest.json`: ids and names the benchmark needs (open ids to close, an id to show, …).

Loading goes through the product's own code: the meeting files are parsed and checked by
`tracker.meetingfile.load_meeting_file` and written by `tracker.services.meetings.import_meeting`
in one write transaction per file, exactly as `tracker import` does (`--via-cli` runs
`tracker import` itself for each file instead); the follow-up goes through the service functions
(`update_commitment`, `add_note`, `close_commitment`, `drop_commitment`) in bulk transactions.
Each phase's time is printed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tomli_w  # noqa: E402  (a dependency of tracker)

PER_MEETING = 500
FOLLOW_UP_CHUNK = 2000  # commitments per follow-up transaction
ACTOR = "bench-coordinator"

OWNERS = [
    "Ministry of Foreign Affairs",
    "Ministry of Finance",
    "Ministry of Economy",
    "Ministry of Energy",
    "Ministry of Agriculture and Food",
    "Ministry of Industry",
    "Ministry of Transport and Communications",
    "Ministry of Education",
    "Ministry of Health",
    "Ministry of Culture",
    "Ministry of Sport and Tourism",
    "Ministry of Justice",
    "Ministry of Defence",
    "Ministry of Internal Affairs",
    "Ministry of Emergency Situations",
    "Ministry of Natural Resources and Environmental Protection",
    "Ministry of Architecture and Construction",
    "Ministry of Housing and Utilities",
    "Ministry of Labour and Social Protection",
    "Ministry of Information",
    "Ministry of Taxes and Duties",
    "Ministry of Antimonopoly Regulation and Trade",
    "Ministry of Communications and Informatisation",
    "Ministry of Forestry",
    "State Committee on Science and Technology",
    "State Property Committee",
    "State Committee for Standardisation",
    "State Authority for Military Industry",
    "State Border Committee",
    "State Customs Committee",
    "State Security Committee",
    "State Secretariat of the Security Council",
    "National Bank",
    "National Academy of Sciences",
    "Development Bank",
    "National Investment and Privatisation Agency",
    "Great Stone Industrial Park Administration",
    "Export Credit Agency",
    "Presidential Administration",
    "Office of the Council of Ministers",
    "Minsk Regional Executive Committee",
    "Brest Regional Executive Committee",
    "Gomel Regional Executive Committee",
    "Grodno Regional Executive Committee",
    "Mogilev Regional Executive Committee",
    "Vitebsk Regional Executive Committee",
    "Minsk City Executive Committee",
    "Chamber of Commerce and Industry",
    "Belarusian Railways",
    "Belneftekhim Concern",
]
assert len(OWNERS) == 50

AREAS = {
    "trade": [
        "a roadmap to raise mutual trade turnover",
        "the list of priority export goods",
        "the opening of a joint trading house",
        "the removal of barriers to mutual trade",
    ],
    "finance": [
        "a credit line for joint investment projects",
        "the settlement of payments in national currencies",
        "financing for the modernisation of the oil refineries",
        "an agreement on avoiding double taxation",
    ],
    "energy": [
        "a programme of cooperation in nuclear power",
        "long-term supplies of oil and gas",
        "the construction of solar power plants",
        "the modernisation of the power grid",
    ],
    "industry": [
        "the assembly of tractors and lorries at a joint plant",
        "industrial cooperation in machine building",
        "the localisation of production of buses",
        "a joint venture in the chemical industry",
    ],
    "agriculture": [
        "the supplies of dairy products and meat",
        "the veterinary certificates for poultry exports",
        "a joint centre for seed breeding",
        "the construction of agricultural logistics hubs",
    ],
    "transport": [
        "a direct air service between the capitals",
        "the container rail route across the border",
        "the road transport permits for carriers",
        "the reconstruction of the logistics centre",
    ],
    "tourism": [
        "the study of a mutual visa-free regime",
        "a programme of tourism exchanges",
        "the joint promotion of health resorts",
        "a simplified visa procedure for students",
    ],
    "security": [
        "an agreement on cooperation in investigative work",
        "an agreement on migration policy",
        "the exchange of information on cross-border crime",
        "a plan of joint exercises of the emergency services",
    ],
    "education": [
        "the mutual recognition of diplomas",
        "a programme of student exchanges",
        "the opening of a joint university campus",
        "quotas for scholarships in technical subjects",
    ],
    "health": [
        "the registration of medicines and medical equipment",
        "a joint centre for cancer treatment",
        "the supplies of vaccines",
        "training of medical staff",
    ],
    "science": [
        "a joint laboratory for new materials",
        "a programme of research in space technologies",
        "a technology transfer centre",
        "joint research in artificial intelligence",
    ],
    "culture": [
        "the days of culture in both countries",
        "a joint film production",
        "the exchange of museum exhibitions",
        "the restoration of historical monuments",
    ],
}
assert len(AREAS) == 12

COUNTRIES = [
    "China",
    "Russia",
    "Kazakhstan",
    "Uzbekistan",
    "Vietnam",
    "Pakistan",
    "Indonesia",
    "Turkey",
    "Egypt",
    "India",
    "the United Arab Emirates",
    "Serbia",
    "Azerbaijan",
    "Armenia",
    "Cuba",
    "Venezuela",
]
COUNTERPART_BODIES = [
    "Ministry of Foreign Affairs",
    "Ministry of Commerce",
    "Ministry of Finance",
    "Ministry of Industry",
    "Ministry of Transport",
    "Ministry of Public Security",
    "Ministry of Education",
    "Ministry of Health",
    "National Development Bank",
    "Government",
]
ACTIONS = [
    ("prepare", "Prepare"),
    ("draft", "Draft"),
    ("sign", "Sign"),
    ("finalise", "Finalise"),
    ("agree on", "Agree on"),
    ("launch", "Launch"),
    ("study", "Study"),
    ("complete", "Complete"),
]
TIMEFRAMES = [
    "by the end of the year",
    "within six months",
    "before the next session of the intergovernmental commission",
    "in the coming months",
    "as soon as possible",
    "by the next visit at the highest level",
    "",
]
TEMPLATES = [
    "The {owner} and the {counterpart} of {country} agreed to {action} {obj} {when}.",
    "The heads of state instructed the {owner} to {action} {obj} {when}.",
    "The {owner} will {action} {obj} together with the {counterpart} of {country} {when}.",
    "The sides are gearing up to {action} {obj}; the {owner} is responsible {when}.",
    "It was agreed that the {owner} would {action} {obj} {when}.",
]
FILLER = [
    "The President noted the high level of mutual trust between the two countries.",
    "The parties recalled the history of their diplomatic relations.",
    "The talks were held in a warm and friendly atmosphere.",
    "The head of state thanked his counterpart for the hospitality.",
    "Both sides praised the results achieved over the past year.",
    "The leaders shared their impressions of the recent international forum.",
    "Particular attention was paid to the situation in the region.",
    "The delegations exchanged views on a wide range of issues.",
]
TAGS = ["agreement", "instructed", "visit", "loan", "roadmap", "investment", "study", "treaty"]
NOTES = [
    "Draft sent to the other side for comments",
    "Working group met; minutes circulated",
    "Comments received; second draft in preparation",
    "Awaiting the position of the Ministry of Finance",
    "Technical consultations held by video link",
    "Report submitted to the Council of Ministers",
    "Expert meeting scheduled",
]
SLIP_REASONS = [
    "The other side asked for more time",
    "Financing terms still under negotiation",
    "Awaiting approval by the Council of Ministers",
    "Technical consultations postponed",
    "Legal review took longer than planned",
]
DONE_NOTES = [
    "Agreement signed",
    "Roadmap approved by the Council of Ministers",
    "Report delivered to the Presidential Administration",
    "First deliveries made",
]
DROP_REASONS = [
    "Superseded by the new roadmap",
    "The other side withdrew from the project",
    "Merged into another commitment",
]


def slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in out.split("-") if part)


def owner_email(name: str) -> str:
    return slug(name).replace("-", ".")[:40] + "@example.org"


@dataclass
class Action:
    kind: str  # status | slip | note | close | drop
    value: str  # status name, new due (ISO), note text, resolution
    reason: str | None = None
    at: datetime | None = None


@dataclass
class Item:
    meeting: int
    key: str
    title: str
    quote: str
    owner: str
    counterpart: str | None
    due: date  # the deadline as first set (in the meeting file)
    final_due: date
    area: str
    priority: str
    tags: list[str]
    description: str | None
    created: datetime
    final_status: str
    actions: list[Action] = field(default_factory=list)
    uuid: str = ""


@dataclass
class Meeting:
    index: int
    slug: str
    title: str
    day: date
    country: str
    sentences: list[str] = field(default_factory=list)  # the readout, in order


def plan(n: int, seed: int, today: date) -> tuple[list[Meeting], list[Item]]:
    """Every commitment, its meeting and its follow-up; pure and deterministic."""
    rng = random.Random(seed)
    count = max(1, math.ceil(n / PER_MEETING))
    meetings = []
    for i in range(count):
        # spread over [today-220, today-5]
        offset = 220 - (215 * i // max(count - 1, 1)) if count > 1 else 100
        day = today - timedelta(days=offset)
        country = COUNTRIES[i % len(COUNTRIES)]
        kind = rng.choice(["Talks of the Presidents", "Intergovernmental commission"])
        meetings.append(
            Meeting(i, f"bench-{i + 1:04d}", f"{kind} of Belarus and {country}", day, country)
        )
    items: list[Item] = []
    yesterday_noon = datetime.combine(today - timedelta(days=1), datetime.min.time(), UTC)
    yesterday_noon += timedelta(hours=12)
    for k in range(n):
        m = meetings[k // PER_MEETING]
        area = rng.choice(list(AREAS))
        obj = rng.choice(AREAS[area])
        verb, title_verb = rng.choice(ACTIONS)
        owner = rng.choice(OWNERS)
        body = rng.choice(COUNTERPART_BODIES)
        when = rng.choice(TIMEFRAMES)
        sentence = rng.choice(TEMPLATES).format(
            owner=owner, counterpart=body, country=m.country, action=verb, obj=obj, when=when
        )
        sentence = " ".join(sentence.split()).replace(" .", ".").replace(" ;", ";")
        if rng.random() < 0.3:  # a few words of detail keep quotes varied and realistic
            sentence = sentence[:-1] + f", item {k + 1} of the joint plan."
        m.sentences.append(sentence)
        if rng.random() < 0.6:
            m.sentences.append(rng.choice(FILLER))
        created = datetime.combine(m.day, datetime.min.time(), UTC) + timedelta(hours=9)
        earliest = max(m.day + timedelta(days=14), today - timedelta(days=200))
        final_due = earliest + timedelta(
            days=rng.randint(0, (today + timedelta(200) - earliest).days)
        )
        r = rng.random()
        final_status = (
            "done"
            if r < 0.15
            else "dropped"
            if r < 0.20
            else "in_progress"
            if r < 0.20 + 0.8 * 0.35
            else "blocked"
            if r < 0.20 + 0.8 * 0.40
            else "open"
        )
        slips = rng.choices([0, 1, 2], weights=[70, 22, 8])[0]
        notes = rng.choices([0, 1, 2, 3], weights=[35, 35, 20, 10])[0]
        dues = [final_due]
        for _ in range(slips):
            dues.insert(0, dues[0] - timedelta(days=rng.randint(14, 90)))
        item = Item(
            meeting=m.index,
            key=f"c{k + 1:06d}",
            title=f"{title_verb} {obj}"[:300],
            quote=sentence,
            owner=owner,
            counterpart=f"{body} of {m.country}" if rng.random() < 0.7 else None,
            due=dues[0],
            final_due=final_due,
            area=area,
            priority=rng.choices(["high", "normal", "low"], weights=[15, 70, 15])[0],
            tags=sorted(set(rng.sample(TAGS, rng.choice([0, 1, 1, 2])))),
            description=(
                f"Follow-up of the {m.title.lower()}; see the readout."
                if rng.random() < 0.2
                else None
            ),
            created=created,
            final_status=final_status,
            uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        )
        actions: list[Action] = []
        if final_status in ("in_progress", "blocked") or (
            final_status in ("done", "dropped") and rng.random() < 0.6
        ):
            actions.append(Action("status", "in_progress"))
        middle = [Action("slip", d.isoformat(), rng.choice(SLIP_REASONS)) for d in dues[1:]]
        middle += [Action("note", rng.choice(NOTES)) for _ in range(notes)]
        rng.shuffle(middle)
        slip_dues = iter(dues[1:])  # the slips in deadline order, wherever they fell
        for action in middle:
            if action.kind == "slip":
                action.value = next(slip_dues).isoformat()
        actions += middle
        if final_status == "blocked":
            actions.append(Action("status", "blocked", "Waiting for the other side"))
        if final_status == "done":
            actions.append(Action("close", rng.choice(DONE_NOTES)))
        elif final_status == "dropped":
            actions.append(Action("drop", rng.choice(DROP_REASONS)))
        # times: strictly increasing, between a day after the meeting and yesterday noon
        start = created + timedelta(days=1)
        span = max((yesterday_noon - start).total_seconds(), 60.0)
        stamps = sorted(rng.uniform(0, span) for _ in actions)
        for action, s in zip(actions, stamps, strict=True):
            action.at = start + timedelta(seconds=int(s))
        item.actions = actions
        items.append(item)
    return meetings, items


def readout(meeting: Meeting, rng: random.Random) -> str:
    head = (
        f"{meeting.title}\n\n{meeting.title} took place on {meeting.day:%d %B %Y}. "
        f"{rng.choice(FILLER)}\n\n"
    )
    paragraphs, current = [], []
    for sentence in meeting.sentences:
        current.append(sentence)
        if len(current) >= rng.randint(2, 5):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return head + "\n\n".join(paragraphs) + "\n"


def meeting_doc(
    meeting: Meeting,
    items: list[Item],
    source: str,
    slug_: str | None = None,
    title: str | None = None,
) -> dict:
    used = sorted({i.owner for i in items})
    commitments = []
    for i in items:
        entry: dict = {
            "key": i.key,
            "title": i.title,
            "quote": i.quote,
            "owner": i.owner,
            "due": i.due,
            "area": i.area,
            "priority": i.priority,
        }
        if i.counterpart:
            entry["counterpart"] = i.counterpart
        if i.tags:
            entry["tags"] = i.tags
        if i.description:
            entry["description"] = i.description
        commitments.append(entry)
    return {
        "meeting": {
            "slug": slug_ or meeting.slug,
            "title": title or meeting.title,
            "date": meeting.day,
            "place": "Minsk",
            "participants": [
                "President of the Republic of Belarus",
                f"Delegation of {meeting.country}",
            ],
            "source": source,
        },
        "owners": [{"name": o, "email": owner_email(o)} for o in used],
        "commitments": commitments,
    }


def tw_time(value: datetime | date) -> str:
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time(), UTC)
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def taskwarrior_lines(items: list[Item]) -> list[str]:
    lines = []
    for i in items:
        status = {"done": "completed", "dropped": "deleted"}.get(i.final_status, "pending")
        last = i.actions[-1].at if i.actions else i.created
        task = {
            "uuid": i.uuid,
            "description": i.title,
            "status": status,
            "entry": tw_time(i.created),
            "modified": tw_time(last),
            # Taskwarrior keeps a due instant and calls a task overdue once it has passed;
            # tracker's deadline is a calendar day, overdue the day after: so the end of that
            # day where the user is (the counts of overdue then agree)
            "due": tw_time(
                datetime.combine(i.final_due, datetime.max.time())
                .replace(microsecond=0)
                .astimezone()
            ),
            "project": i.area,
            "tags": i.tags,
        }
        if status != "pending":
            task["end"] = tw_time(last)
        lines.append(json.dumps(task, ensure_ascii=False))
    return lines


class Phases:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._t = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.times[name] = now - self._t
        print(f"  {name:<28} {now - self._t:8.2f} s", flush=True)
        self._t = now


def write_files(
    out: Path, meetings: list[Meeting], items: list[Item], seed: int, single_file: bool
) -> tuple[list[Path], Path | None]:
    rng = random.Random(seed + 1)
    folder = out / "meetings"
    folder.mkdir(parents=True, exist_ok=True)
    by_meeting: dict[int, list[Item]] = {}
    for i in items:
        by_meeting.setdefault(i.meeting, []).append(i)
    files, texts = [], []
    for m in meetings:
        text = readout(m, rng)
        texts.append(text)
        (folder / f"{m.slug}.txt").write_text(text, encoding="utf-8")
        path = folder / f"{m.slug}.toml"
        doc = meeting_doc(m, by_meeting.get(m.index, []), f"{m.slug}.txt")
        path.write_text(tomli_w.dumps(doc), encoding="utf-8")
        files.append(path)
    big = None
    if single_file:
        folder = out / "all"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "bench-all.txt").write_text("\n".join(texts), encoding="utf-8")
        first = meetings[0]
        doc = meeting_doc(
            first,
            items,
            "bench-all.txt",
            slug_="bench-all",
            title=f"All {len(items)} benchmark commitments",
        )
        big = folder / "bench-all.toml"
        big.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return files, big


def load(
    url: str, files: list[Path], meetings: list[Meeting], via_cli: bool, phases: Phases
) -> None:
    from tracker import migrate
    from tracker.db import Database

    db = Database(url)
    migrate.upgrade(db)
    db.close()
    phases.done("init (migrations)")
    if via_cli:
        tracker = Path(sys.executable).parent / "tracker"
        for path, m in zip(files, meetings, strict=True):
            env = os.environ | {
                "TRACKER_NOW": f"{m.day.isoformat()}T09:00:00",
                "TRACKER_ACTOR": ACTOR,
            }
            subprocess.run(
                [str(tracker), "--db", url, "import", str(path)],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    else:
        # The code `tracker import` runs (tracker/cli/setup.py: import_), minus click.
        from tracker.meetingfile import load_meeting_file
        from tracker.services.meetings import import_meeting

        db = Database(url)
        for path, m in zip(files, meetings, strict=True):
            spec = load_meeting_file(path)
            now = datetime.combine(m.day, datetime.min.time(), UTC) + timedelta(hours=9)
            with db.write() as session:
                import_meeting(session, spec, actor=ACTOR, now=now)
        db.close()
    phases.done(f"import {len(files)} meeting files" + (" (CLI)" if via_cli else ""))


def follow_up(url: str, items: list[Item], ids: dict[str, int]) -> dict[str, int]:
    """Apply the planned history through the service functions, in bulk transactions."""
    from sqlmodel import select

    from tracker.db import Database
    from tracker.models import Commitment, CommitmentUpdate
    from tracker.services.commitments import (
        add_note,
        close_commitment,
        drop_commitment,
        update_commitment,
    )

    counts: dict[str, int] = {}
    db = Database(url)
    todo = [i for i in items if i.actions]
    for start in range(0, len(todo), FOLLOW_UP_CHUNK):
        chunk = todo[start : start + FOLLOW_UP_CHUNK]
        with db.write() as session:
            wanted = [ids[i.key] for i in chunk]
            # one query; the list keeps them in the session's (weak) identity map
            loaded = session.exec(select(Commitment).where(Commitment.id.in_(wanted))).all()
            for item in chunk:
                cid = ids[item.key]
                for a in item.actions:
                    assert a.at is not None
                    if a.kind == "status":
                        update_commitment(
                            session,
                            cid,
                            CommitmentUpdate(status=a.value),
                            reason=a.reason,
                            actor=ACTOR,
                            now=a.at,
                        )
                    elif a.kind == "slip":
                        update_commitment(
                            session,
                            cid,
                            CommitmentUpdate(due=date.fromisoformat(a.value)),
                            reason=a.reason,
                            actor=ACTOR,
                            now=a.at,
                        )
                    elif a.kind == "note":
                        add_note(session, cid, a.value, actor=ACTOR, now=a.at)
                    elif a.kind == "close":
                        close_commitment(
                            session, cid, note=a.value, evidence=None, actor=ACTOR, now=a.at
                        )
                    elif a.kind == "drop":
                        drop_commitment(session, cid, reason=a.value, actor=ACTOR, now=a.at)
                    counts[a.kind] = counts.get(a.kind, 0) + 1
            del loaded
    db.close()
    return counts


def key_ids(url: str) -> dict[str, int]:
    import sqlalchemy as sa

    from tracker.db import Database
    from tracker.models import Commitment, Meeting

    db = Database(url)
    with db.read() as session:
        rows = session.execute(
            sa.select(Commitment.key, Commitment.id)
            .join(Meeting, Meeting.id == Commitment.meeting_id)
            .where(Meeting.slug.like("bench-%"), Meeting.slug != "bench-all")
        ).all()
    db.close()
    return {k: i for k, i in rows}


def settle(url: str) -> bool:
    """On PostgreSQL, what autovacuum does within minutes of a bulk load: statistics for the
    planner and the visibility map that lets index-only scans skip the table. Measuring
    before it would time a state no running database stays in. SQLite needs nothing."""
    import sqlalchemy as sa

    if not url.startswith("postgresql"):
        return False
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")  # VACUUM refuses a transaction
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of commitments")
    parser.add_argument("--db", help="database URL (default: sqlite:///OUT_DIR/tracker.db)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out-dir", type=Path, default=None, help="default: $TMPDIR/tracker-bench-N"
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="the date deadlines spread around (default: the system date)",
    )
    parser.add_argument(
        "--single-file",
        action="store_true",
        help="also write all/bench-all.toml: all N commitments in one meeting file",
    )
    parser.add_argument(
        "--via-cli",
        action="store_true",
        help="run `tracker import` per file (a process each) instead of in-process",
    )
    parser.add_argument("--no-load", action="store_true", help="write the files only")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    today = args.today or date.today()
    out: Path = (args.out_dir or Path(tempfile.gettempdir()) / f"tracker-bench-{args.n}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    url = args.db or f"sqlite:///{out / 'tracker.db'}"
    print(f"generate: {args.n} commitments, seed {args.seed}, today {today}, into {out}")
    phases = Phases()
    meetings, items = plan(args.n, args.seed, today)
    phases.done("plan")
    files, big = write_files(out, meetings, items, args.seed, args.single_file)
    phases.done(f"write {len(files)} meeting files" + (" + single" if big else ""))
    tw = out / "taskwarrior.json"
    tw.write_text("\n".join(taskwarrior_lines(items)) + "\n", encoding="utf-8")
    phases.done("write taskwarrior.json")
    counts: dict[str, int] = {}
    ids: dict[str, int] = {}
    if not args.no_load:
        load(url, files, meetings, args.via_cli, phases)
        ids = key_ids(url)
        if len(ids) != len(items):
            print(
                f"error: {len(ids)} commitments in the database, {len(items)} planned",
                file=sys.stderr,
            )
            return 1
        counts = follow_up(url, items, ids)
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        phases.done(f"follow-up ({summary})")
        if settle(url):
            phases.done("vacuum analyze (PostgreSQL)")
    status_counts: dict[str, int] = {}
    for i in items:
        status_counts[i.final_status] = status_counts.get(i.final_status, 0) + 1
    events = len(items) + sum(len(i.actions) for i in items)
    overdue = sum(
        1
        for i in items
        if i.final_status in ("open", "in_progress", "blocked") and i.final_due < today
    )
    pick = random.Random(args.seed + 2)
    open_items = [i for i in items if i.final_status in ("open", "in_progress")]
    pending = [i for i in items if i.final_status not in ("done", "dropped")]
    richest = max(items, key=lambda i: (len(i.actions), -int(i.key[1:])))
    manifest = {
        "n": args.n,
        "seed": args.seed,
        "today": today.isoformat(),
        "db": url if not args.no_load else None,
        "meetings": len(meetings),
        "owners": len(OWNERS),
        "areas": len(AREAS),
        "events": events,
        "statuses": status_counts,
        "overdue_today": overdue,
        "owner": OWNERS[0],
        "close_ids": [ids[i.key] for i in pick.sample(open_items, min(200, len(open_items)))]
        if ids
        else [],
        "show_id": ids.get(richest.key),
        "done_uuids": [i.uuid for i in pick.sample(pending, min(200, len(pending)))],
        "meeting_files": [str(p) for p in files],
        "single_file": str(big) if big else None,
        "taskwarrior_json": str(tw),
        "phases_s": phases.times,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    print(
        f"  {len(items)} commitments, {events} events, {overdue} overdue today, "
        f"statuses {status_counts}; total {sum(phases.times.values()):.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
