"""A bounded load on the web view (`tracker serve`): signed-in clients reading the board and
posting notes, for a fixed time, on 127.0.0.1.

    python bench/web_load.py --db postgresql+psycopg://root@127.0.0.1:5432/bench_web
    python bench/web_load.py --db URL --clients 50 --duration 60 --workers 2 --think 0.5-1 --runs 3

It starts `tracker serve` itself (TRACKER_SECRET_KEY set; --url uses a server already running
instead, with the same secret), waits for /healthz, adds the coordinator accounts it needs
(`tracker user add bench-web-N`) and takes owners' report links (`tracker owner link`), signs
every client in, warms each up with one board page, then for --duration seconds every client
loops, one request at a time, waiting --think seconds between requests:

- a coordinator client (all but --owner-clients of them) reads a board page (`GET /`: page 1,
  a later page, overdue, one owner, one area, a search word, another order), or with
  probability --notes-share posts a note with a unique text to a random commitment
  (`POST /c/ID/note`, expects 303) and then opens the commitment page it is sent to;
- an owner client reads its own list (`GET /r/TOKEN`) or one of its commitments, or with
  probability --notes-share posts a note to one of its commitments (`POST /r/TOKEN/c/ID/note`).

Every request's latency (sent to last byte read) and status are recorded; an error is any other
status than the one expected, or any exception (a timeout included). No lost write: every note
the server acknowledged (303) must be in table `event` exactly once (kind note, channel web),
and the count of web notes must have grown by exactly the number of notes written.

Exit status: 1 if any run had an error or a lost write, or the median board p95 is above
--max-p95 ms; 0 otherwise. See bench/README.md for the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg
from run import source_hash  # bench/run.py: the same hash of the code served

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-web-password"
SECRET = "bench-web-secret-key-0123456789abcdef"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LOG_LINE = re.compile(r"tracker\.web (GET|POST) (\S+) (\d{3}) (\d+) ms")
SEARCH_WORDS = ["roadmap", "credit", "nuclear", "tractors", "dairy", "visa", "solar", "grid"]
SORTS = ["late", "owner", "updated"]
EXPECTED = {
    "board": 200,
    "note": 303,
    "commitment": 200,
    "owner-page": 200,
    "owner-note": 303,
}
TIMEOUT_S = 30.0


@dataclass
class Sample:
    kind: str
    started: float  # seconds since the run began
    ms: float
    status: int | None  # None: an exception
    error: str = ""


@dataclass
class World:
    """What the clients pick from: owners, areas, commitment ids (all and by owner)."""

    owners: list[tuple[int, str]]
    areas: list[str]
    ids: list[int]
    by_owner: dict[int, list[int]]
    active_pages: int


@dataclass
class Client:
    number: int
    http: httpx.AsyncClient
    csrf: str = ""
    account: str = ""
    link: str = ""  # an owner client's /r/TOKEN path
    owner_id: int = 0
    notes: list[str] = field(default_factory=list)  # texts acknowledged with a 303


# --- the database, directly (setup and the lost-write check) -----------------------------------


def libpq_url(url: str) -> str:
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


def load_world(db: str) -> World:
    with psycopg.connect(libpq_url(db)) as conn:
        owners = conn.execute("SELECT id, name FROM owner ORDER BY id").fetchall()
        areas = conn.execute("SELECT DISTINCT area FROM commitment WHERE area <> ''").fetchall()
        rows = conn.execute("SELECT id, owner_id FROM commitment ORDER BY id").fetchall()
        active = conn.execute(
            "SELECT count(*) FROM commitment WHERE status IN ('open', 'in_progress', 'blocked')"
        ).fetchone()[0]
    by_owner: dict[int, list[int]] = {}
    for cid, oid in rows:
        by_owner.setdefault(oid, []).append(cid)
    return World(
        owners=[(int(i), str(n)) for i, n in owners],
        areas=sorted(str(a) for (a,) in areas),
        ids=[r[0] for r in rows],
        by_owner=by_owner,
        active_pages=max(1, math.ceil(active / 50)),
    )


def web_notes(db: str) -> int:
    with psycopg.connect(libpq_url(db)) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM event WHERE kind = 'note' AND channel = 'web'"
            ).fetchone()[0]
        )


def pg_sessions(db: str) -> int:
    """Sessions (connections) opened so far to the database (PostgreSQL 14 and later)."""
    with psycopg.connect(libpq_url(db)) as conn:
        found = conn.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return int(found[0]) if found and found[0] is not None else -1


def notes_found(db: str, prefix: str) -> Counter[str]:
    with psycopg.connect(libpq_url(db)) as conn:
        rows = conn.execute(
            "SELECT text, count(*) FROM event WHERE kind = 'note' AND channel = 'web' "
            "AND text LIKE %s GROUP BY text",
            (prefix + "%",),
        ).fetchall()
    return Counter({text: int(n) for text, n in rows})


# --- the server and its accounts ---------------------------------------------------------------


def tree_of(env: dict[str, str]) -> str:
    """The source tree tracker runs from: `python -m` puts the working folder first on the
    path, so the commands run there."""
    return env["PYTHONPATH"].split(os.pathsep)[0]


def tracker_cmd(db: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "tracker", "--db", db, *args]


def prepare_accounts(db: str, env: dict[str, str], count: int) -> list[str]:
    listed = subprocess.run(
        tracker_cmd(db, "user", "list", "--json"),
        env=env,
        cwd=tree_of(env),
        check=True,
        capture_output=True,
        text=True,
    )
    have = {a["name"] for a in json.loads(listed.stdout)}
    names = [f"bench-web-{i}" for i in range(1, count + 1)]
    for name in names:
        if name not in have:
            subprocess.run(
                tracker_cmd(db, "user", "add", name, "--role", "coordinator", "--password-stdin"),
                env=env,
                cwd=tree_of(env),
                input=PASSWORD + "\n",
                check=True,
                capture_output=True,
                text=True,
            )
    return names


def owner_links(db: str, env: dict[str, str], owners: list[tuple[int, str]]) -> list[str]:
    links = []
    for _, name in owners:
        out = subprocess.run(
            tracker_cmd(db, "owner", "link", name, "--days", "2"),
            env=env,
            cwd=tree_of(env),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        links.append("/r/" + out.strip().rsplit("/r/", 1)[1])
    return links


def start_server(
    db: str, env: dict[str, str], port: int, workers: int, log: Path
) -> subprocess.Popen[bytes]:
    cmd = tracker_cmd(
        db, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)
    )
    with log.open("wb") as out:
        return subprocess.Popen(
            cmd,
            env=env,
            cwd=tree_of(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own process group: the server's workers
        proc.wait()


async def wait_healthy(base: str, proc: subprocess.Popen[bytes] | None, log: Path) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=2) as http:
        for _ in range(300):
            if proc is not None and proc.poll() is not None:
                raise SystemExit(f"tracker serve exited {proc.returncode}:\n{log.read_text()}")
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("tracker serve did not answer /healthz within 30 s")


# --- CPU time, from /proc ----------------------------------------------------------------------


def _proc_stats() -> dict[int, tuple[str, int, int, str]]:
    """pid -> (command name, parent pid, user+system ticks, command line) of every process."""
    stats = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
            cmdline = Path(entry.path, "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        rest = raw[raw.rindex(")") + 2 :].split()
        ticks = int(rest[11]) + int(rest[12])
        if name == "postgres" and int(rest[1]) == 1:  # the postmaster: add its ended children's
            ticks += int(rest[13]) + int(rest[14])
        stats[int(entry.name)] = (name, int(rest[1]), ticks, cmdline)
    return stats


def cpu_snapshot(server_pid: int | None, database: str) -> dict:
    """CPU ticks so far, per process, of the server's process tree and of the PostgreSQL
    backends serving `database`; this process's CPU seconds; the machine's busy seconds."""
    stats = _proc_stats()
    tree: set[int] = set()
    if server_pid is not None:
        tree = {server_pid}
        grew = True
        while grew:
            more = {p for p, s in stats.items() if s[1] in tree} - tree
            tree |= more
            grew = bool(more)
    usage = os.times()
    # every core's busy time: user, nice, system, irq, softirq, steal
    busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return {
        "server": {p: stats[p][2] for p in tree if p in stats},
        # the backends serving `database`, and the postmaster's ended children (any
        # database's: a connection that opens and closes during the run counts there)
        "postgres": {
            p: s[2]
            for p, s in stats.items()
            if s[0] == "postgres" and (s[1] == 1 or f" {database} " in s[3].replace("\0", " "))
        },
        "load generator": usage.user + usage.system,
        "machine": sum(int(busy[i]) for i in (0, 1, 2, 5, 6, 7)) / os.sysconf("SC_CLK_TCK"),
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds between two snapshots (a process that started in between counts whole; one
    that ended is lost), and `other`: the machine's busy time that none of these used."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {
        kind: sum(t - before[kind].get(p, 0) for p, t in after[kind].items()) / tick
        for kind in ("server", "postgres")
    }
    used["load generator"] = after["load generator"] - before["load generator"]
    machine = after["machine"] - before["machine"]
    used["other"] = max(0.0, machine - sum(used.values()))
    used["machine"] = machine
    return {k: round(v, 1) for k, v in used.items()}


# --- the clients -------------------------------------------------------------------------------


async def sign_in(client: Client, account: str) -> None:
    form = await client.http.get("/login")
    match = CSRF.search(form.text)
    if form.status_code != 200 or match is None:
        raise RuntimeError(f"GET /login: {form.status_code}")
    done = await client.http.post(
        "/login", data={"name": account, "password": PASSWORD, "csrf": match[1], "next": "/"}
    )
    if done.status_code != 303 or "tracker_session" not in client.http.cookies:
        raise RuntimeError(f"POST /login as {account}: {done.status_code}")
    board = await client.http.get("/")
    match = CSRF.search(board.text)
    if board.status_code != 200 or match is None:
        raise RuntimeError(f"GET / after signing in: {board.status_code}")
    client.csrf, client.account = match[1], account


async def open_link(client: Client, world: World) -> None:
    first = world.by_owner[client.owner_id][0]
    page = await client.http.get(f"{client.link}/c/{first}")
    match = CSRF.search(page.text)
    if page.status_code != 200 or match is None:
        raise RuntimeError(f"GET {client.link[:12]}…/c/{first}: {page.status_code}")
    client.csrf = match[1]


def board_query(rng: random.Random, world: World) -> str:
    roll = rng.random()
    if roll < 0.35:
        query: dict[str, str | int] = {}
    elif roll < 0.55:
        query = {"page": rng.randint(2, world.active_pages)}
    elif roll < 0.65:
        query = {"overdue": "true", "page": rng.choice([1, 1, 1, 2, 3])}
    elif roll < 0.75:
        query = {"owner": rng.choice(world.owners)[1]}
    elif roll < 0.82:
        query = {"area": rng.choice(world.areas)}
    elif roll < 0.90:
        query = {"search": rng.choice(SEARCH_WORDS)}
    else:
        query = {"sort": rng.choice(SORTS), "page": rng.choice([1, 1, 2])}
    return "/?" + urlencode(query) if query else "/"


async def timed(
    client: Client, samples: list[Sample], t0: float, kind: str, method: str, url: str, **kw
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.http.request(method, url, **kw)
    except Exception as exc:  # a timeout or a dropped connection: an error, recorded
        samples.append(
            Sample(kind, started - t0, (time.perf_counter() - started) * 1000, None, repr(exc))
        )
        return None
    ms = (time.perf_counter() - started) * 1000
    status = response.status_code
    error = "" if status == EXPECTED[kind] else f"{method} {url[:60]} {status}"
    samples.append(Sample(kind, started - t0, ms, response.status_code, error))
    return response


async def run_client(
    client: Client,
    world: World,
    args: argparse.Namespace,
    samples: list[Sample],
    t0: float,
    prefix: str,
) -> None:
    rng = random.Random(f"{args.seed}-{client.number}-{prefix}")
    deadline = t0 + args.duration
    think_low, think_high = args.think
    mine = world.by_owner.get(client.owner_id, [])
    count = 0
    while time.perf_counter() < deadline:
        if rng.random() < args.notes_share:
            count += 1
            text = f"{prefix} c{client.number} n{count}: checked with the owner, on track"
            if client.link:
                target = rng.choice(mine)
                url = f"{client.link}/c/{target}/note"
                kind = "owner-note"
            else:
                target = rng.choice(world.ids)
                url = f"/c/{target}/note"
                kind = "note"
            response = await timed(
                client,
                samples,
                t0,
                kind,
                "POST",
                url,
                data={"text": text, "csrf": client.csrf},
            )
            if response is not None and response.status_code == 303:
                client.notes.append(text)
                if not client.link:  # a browser follows the redirect to the commitment
                    await timed(
                        client, samples, t0, "commitment", "GET", response.headers["location"]
                    )
        elif client.link:
            url = client.link if rng.random() < 0.5 else f"{client.link}/c/{rng.choice(mine)}"
            await timed(client, samples, t0, "owner-page", "GET", url)
        else:
            await timed(client, samples, t0, "board", "GET", board_query(rng, world))
        if think_high > 0:
            await asyncio.sleep(rng.uniform(think_low, think_high))


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def server_side(log: Path, start: int) -> dict[str, list[float]]:
    """The app's own per-request times (its log line `GET / 200 63 ms`), by route kind."""
    times: dict[str, list[float]] = {"board": [], "note": []}
    with log.open("rb") as f:
        f.seek(start)
        for line in f.read().decode(errors="replace").splitlines():
            match = LOG_LINE.search(line)
            if match is None:
                continue
            method, path, ms = match[1], match[2], float(match[4])
            if method == "GET" and path == "/":
                times["board"].append(ms)
            elif method == "POST" and path.endswith("/note"):
                times["note"].append(ms)
    return times


async def one_run(
    args: argparse.Namespace,
    base: str,
    world: World,
    accounts: list[str],
    links: list[tuple[int, str]],
    server_pid: int | None,
    log: Path | None,
    number: int,
) -> dict:
    prefix = f"bench-web {uuid.uuid4().hex[:10]}"
    # An idle connection is dropped by the client after 3 s, before uvicorn closes it (5 s):
    # with both at 5 s (httpx's default), a request sent as the server closes is lost.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=3)
    clients = []
    for i in range(args.clients):
        http = httpx.AsyncClient(base_url=base, timeout=TIMEOUT_S, limits=limits)
        client = Client(i, http)
        if i < len(links):
            client.owner_id, client.link = links[i]
        clients.append(client)
    sign_ins = asyncio.Semaphore(4)  # argon2 per sign-in: not all 50 at once

    async def prepare(client: Client) -> None:
        async with sign_ins:
            if client.link:
                await open_link(client, world)
            else:
                await sign_in(client, accounts[client.number % len(accounts)])

    await asyncio.gather(*(prepare(c) for c in clients))
    before = web_notes(args.db)
    sessions_before = pg_sessions(args.db)
    log_start = log.stat().st_size if log is not None else 0
    database = args.db.rsplit("/", 1)[1].split("?")[0]
    cpu_before = cpu_snapshot(server_pid, database)
    load_before = os.getloadavg()[0]
    samples: list[Sample] = []
    t0 = time.perf_counter()
    await asyncio.gather(*(run_client(c, world, args, samples, t0, prefix) for c in clients))
    elapsed = time.perf_counter() - t0
    cpu_after = cpu_snapshot(server_pid, database)
    load_after = os.getloadavg()[0]
    for client in clients:
        await client.http.aclose()
    await asyncio.sleep(0.3)  # the server's log lines of the last requests

    sessions = pg_sessions(args.db) - sessions_before - 1  # less our own check's
    after = web_notes(args.db)
    acknowledged = [text for c in clients for text in c.notes]
    found = notes_found(args.db, prefix + " ")
    missing = [t for t in acknowledged if found.get(t, 0) == 0]
    doubled = [t for t in acknowledged if found.get(t, 0) > 1]
    unacknowledged = sorted(set(found) - set(acknowledged))
    errors = [s for s in samples if s.error]
    by_kind: dict[str, list[float]] = {}
    for s in samples:
        if not s.error:
            by_kind.setdefault(s.kind, []).append(s.ms)
    notes_ms = by_kind.get("note", []) + by_kind.get("owner-note", [])
    result = {
        "run": number,
        "prefix": prefix,
        "seconds": round(elapsed, 1),
        "requests": len(samples),
        "per_second": round(len(samples) / elapsed, 1),
        "errors": len(errors),
        "error_kinds": dict(
            Counter(f"{s.kind} {s.status or s.error.split('(')[0]}" for s in errors)
        ),
        "by_kind": {k: len(v) for k, v in sorted(by_kind.items())},
        "notes_acknowledged": len(acknowledged),
        "notes_found": sum(1 for t in acknowledged if found.get(t, 0) == 1),
        "notes_missing": len(missing),
        "notes_doubled": len(doubled),
        "notes_unacknowledged_in_db": len(unacknowledged),
        "web_notes_before": before,
        "web_notes_after": after,
        "web_notes_growth_matches": after - before == sum(found.values()),
        "cpu_s": cpu_used(cpu_before, cpu_after),
        # a worker that uvicorn's supervisor found hung (no answer to its ping in 5 s) is
        # killed and replaced, silently at the log level `tracker serve` sets
        "server_processes_new": len(set(cpu_after["server"]) - set(cpu_before["server"])),
        "error_examples": [f"{s.kind} at {s.started:.1f} s: {s.error}"[:200] for s in errors][:5],
        "load_1min": [round(load_before, 2), round(load_after, 2)],
        "source": source_hash((args.tree or ROOT).resolve()),
        "pg_sessions_opened": sessions,
    }
    for kind in ("board", "notes", "commitment", "owner-page"):
        values = notes_ms if kind == "notes" else by_kind.get(kind, [])
        result[kind] = {
            f"p{p}": round(v, 1) if (v := percentile(values, p)) is not None else None
            for p in (50, 95, 99)
        } | {"max": round(max(values), 1) if values else None, "n": len(values)}
    if log is not None:
        server = server_side(log, log_start)
        result["server_side"] = {
            kind: {f"p{p}": percentile(v, p) for p in (50, 95, 99)} | {"n": len(v)}
            for kind, v in server.items()
        }
        text = log.read_bytes()[log_start:].decode(errors="replace")
        result["server_errors_logged"] = len(re.findall(r"unexpected|database error", text))
    result["lost_write"] = bool(
        missing or doubled or unacknowledged or not result["web_notes_growth_matches"]
    )
    return result


def show(result: dict, args: argparse.Namespace) -> None:
    def ms(block: dict) -> str:
        return " ".join(
            f"{k} {v:.0f}" if isinstance(v, float | int) else f"{k} -"
            for k, v in block.items()
            if k != "n"
        )

    r = result
    print(
        f"run {r['run']}: {r['requests']} requests in {r['seconds']} s = {r['per_second']}/s, "
        f"errors {r['errors']} {r['error_kinds'] or ''}".rstrip()
    )
    for example in r["error_examples"]:
        print(f"  error: {example}")
    print(f"  requests by kind: {r['by_kind']}")
    print(f"  board ms ({r['board']['n']}):       {ms(r['board'])}")
    print(f"  notes ms ({r['notes']['n']}):        {ms(r['notes'])}")
    if r["commitment"]["n"]:
        print(f"  commitment page ms ({r['commitment']['n']}): {ms(r['commitment'])}")
    if r["owner-page"]["n"]:
        print(f"  owner pages ms ({r['owner-page']['n']}):  {ms(r['owner-page'])}")
    if r.get("server_side", {}).get("board", {}).get("n"):  # logged by one worker only
        print(
            f"  server-side (app log) board ms: {ms(r['server_side']['board'])}; "
            f"note ms: {ms(r['server_side']['note'])}; "
            f"errors logged {r['server_errors_logged']}"
        )
    print(
        f"  notes acknowledged {r['notes_acknowledged']}, found once in the DB "
        f"{r['notes_found']}, missing {r['notes_missing']}, twice {r['notes_doubled']}, "
        f"in the DB but not acknowledged {r['notes_unacknowledged_in_db']}; web notes "
        f"{r['web_notes_before']} -> {r['web_notes_after']}"
        f"{'' if r['web_notes_growth_matches'] else ' (growth does not match!)'}"
    )
    cpu = ", ".join(f"{k} {v} s" for k, v in r["cpu_s"].items())
    print(f"  CPU seconds during the run: {cpu}; load {r['load_1min'][0]} -> {r['load_1min'][1]}")
    print(
        f"  PostgreSQL connections opened during the run: {r['pg_sessions_opened']}; "
        f"server processes started during the run: {r['server_processes_new']}"
    )
    if r["source"] != r["source_at_start"]:
        print(
            "  warning: tracker's source changed since the server started (it serves what it "
            "imported then; a module it imports later is the new one)"
        )
    verdict = []
    if r["errors"]:
        verdict.append("ERRORS")
    if r["lost_write"]:
        verdict.append("LOST WRITE")
    p95 = r["board"]["p95"]
    if p95 is None or p95 > args.max_p95:
        verdict.append(f"board p95 > {args.max_p95:.0f} ms")
    print(f"  verdict: {'; '.join(verdict) or 'ok'}", flush=True)


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    pair = (float(low), float(high or low))
    if pair[0] < 0 or pair[1] < pair[0]:
        raise argparse.ArgumentTypeError("--think: S or LOW-HIGH seconds, LOW <= HIGH")
    return pair


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the PostgreSQL URL the server uses")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--owner-clients", type=int, default=5, help="of --clients (default 5)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--runs", type=int, default=1, help="runs on the same server")
    parser.add_argument("--workers", type=int, default=1, help="server processes (1 did best here)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--think",
        type=think_range,
        default=(0.0, 0.0),
        help="seconds a client waits between requests: S, or LOW-HIGH drawn uniformly "
        "(default 0: none)",
    )
    parser.add_argument("--notes-share", type=float, default=0.2)
    parser.add_argument("--accounts", type=int, default=10, help="coordinator accounts")
    parser.add_argument("--max-p95", type=float, default=300.0, help="board p95 budget, ms")
    parser.add_argument("--url", help="a server already running (same secret and database)")
    parser.add_argument("--keep-server", action="store_true", help="leave the server running")
    parser.add_argument(
        "--tree",
        type=Path,
        help="run tracker (the server, and the commands making accounts and links) from "
        "this source tree instead of this repository: an A/B of a change",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the runs' figures here")
    args = parser.parse_args(argv)
    if not args.db.startswith("postgresql"):
        parser.error("--db: a PostgreSQL URL (postgresql+psycopg://…)")

    env = dict(os.environ)
    env.setdefault("TRACKER_SECRET_KEY", SECRET)
    tree = (args.tree or ROOT).resolve()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tree), env.get("PYTHONPATH")) if p)
    world = load_world(args.db)
    accounts = prepare_accounts(args.db, env, args.accounts)
    owners = world.owners[: min(args.owner_clients, args.clients, len(world.owners))]
    links = list(zip([o for o, _ in owners], owner_links(args.db, env, owners), strict=True))

    proc, log = None, None
    if args.url:
        base = args.url.rstrip("/")
    else:
        base = f"http://127.0.0.1:{args.port}"
        log = Path(tempfile.gettempdir()) / f"tracker-web-load-{os.getpid()}.log"
        proc = start_server(args.db, env, args.port, args.workers, log)
    think = "none" if args.think[1] == 0 else f"{args.think[0]:g}-{args.think[1]:g} s"
    print(
        f"web load: {args.clients} clients ({len(links)} by owners' links), "
        f"{args.duration:g} s x {args.runs}, think {think}, notes {args.notes_share:.0%}, "
        f"server {base} ({'given' if args.url else f'{args.workers} workers'}), "
        f"{len(world.ids)} commitments, {os.cpu_count()} cores",
        flush=True,
    )
    results = []
    code = source_hash(tree)
    try:
        asyncio.run(wait_healthy(base, proc, log or Path("/dev/null")))
        for number in range(1, args.runs + 1):
            result = asyncio.run(
                one_run(
                    args,
                    base,
                    world,
                    accounts,
                    links,
                    proc.pid if proc else None,
                    log,
                    number,
                )
            )
            result["source_at_start"] = code
            show(result, args)
            results.append(result)
    finally:
        if proc is not None and not args.keep_server:
            stop_server(proc)
        elif proc is not None:
            print(f"server left running: pid {proc.pid}, log {log}")

    board_p95 = [r["board"]["p95"] for r in results if r["board"]["p95"] is not None]
    median_p95 = statistics.median(board_p95) if board_p95 else math.inf
    if len(results) > 1:

        def med(get) -> str:  # type: ignore[no-untyped-def]
            values = [get(r) for r in results]
            values = [v for v in values if v is not None]
            return f"{statistics.median(values):.1f}" if values else "-"

        print(
            f"median of {len(results)} runs: {med(lambda r: r['per_second'])} requests/s, "
            f"board p50 {med(lambda r: r['board']['p50'])} p95 {median_p95:.1f} "
            f"p99 {med(lambda r: r['board']['p99'])} max {med(lambda r: r['board']['max'])} ms, "
            f"notes p50 {med(lambda r: r['notes']['p50'])} p95 {med(lambda r: r['notes']['p95'])} "
            f"p99 {med(lambda r: r['notes']['p99'])} ms"
        )
    if args.json:
        machine = {"cores": os.cpu_count(), "platform": platform.platform()}
        settings = {k: v for k, v in vars(args).items() if k != "json"}
        settings["think"] = list(args.think)
        args.json.write_text(
            json.dumps(
                {"settings": settings, "machine": machine, "runs": results}, indent=1, default=str
            )
        )
    failed = any(r["errors"] or r["lost_write"] for r in results) or median_p95 > args.max_p95
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
