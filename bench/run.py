"""Whole-process timings of tracker at several data-set sizes, against Taskwarrior where installed.

    python bench/run.py                                   # 1,000 / 10,000 / 100,000, 5 runs each
    python bench/run.py --sizes 1000,10000 --runs 5 --json bench-results.json

For each size N and backend (SQLite; PostgreSQL too when TRACKER_TEST_POSTGRES_URL names a
server: a fresh database per size, dropped afterwards) it generates the data set with
bench/generate.py, then runs each command as its own process (`time.perf_counter` around
`subprocess.run`, peak RSS from `/usr/bin/time -v`), one untimed warm-up and then --runs timed
runs, and reports the median, min and max. `import N` is `tracker import` of one meeting file
holding all N commitments into an empty, initialised database (a fresh one per run).

Where `task` (Taskwarrior) is installed, the same commitments are loaded with `task import` into a
temporary TASKDATA, and `task overdue`, `task add`, `task done` and the import are timed the same
way; the ratio tracker/Taskwarrior is printed. See bench/README.md for the settings and targets.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIME = "/usr/bin/time"
MIB = 1024 * 1024

# Targets, medians at 100,000 commitments: figure -> (seconds, ratio to Taskwarrior, peak MiB)
TARGET_N = 100_000
TARGETS: dict[str, tuple[float | None, float | None, float | None]] = {
    "tracker --help": (0.3, None, None),
    "overdue --json": (1.2, 0.3, None),
    "add": (0.8, None, None),
    "close": (0.8, None, None),
    "digest --format html": (2.5, None, 300.0),
    "import N": (6.0, None, None),
}
TASKRC = """\
data.location={data}
confirmation=off
verbose=nothing
json.array=on
"""


@dataclass
class Figure:
    backend: str
    n: int
    figure: str
    runs: int = 0
    median_s: float | None = None
    min_s: float | None = None
    max_s: float | None = None
    rss_mib: float | None = None  # median of the runs' peak RSS
    times_s: list[float] = field(default_factory=list)
    tw_figure: str | None = None
    tw_median_s: float | None = None
    tw_runs: int = 0
    tw_rss_mib: float | None = None
    ratio: float | None = None
    target: str = ""
    verdict: str = ""
    note: str = ""
    load_1min: float | None = None  # 1-minute load average as the figure ended (ours included)


class CommandFailed(RuntimeError):
    pass


def run_timed(cmd: list[str], env: dict[str, str], *, cwd: Path) -> tuple[float, float | None]:
    """(wall seconds, peak RSS MiB) of one process; raises CommandFailed on a non-zero exit."""
    full = [TIME, "-v", *cmd] if os.path.exists(TIME) else cmd
    start = time.perf_counter()
    proc = subprocess.run(
        full, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise CommandFailed(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-800:]}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return elapsed, (int(match.group(1)) / 1024 if match else None)


def source_hash(root: Path = HERE.parent) -> str:
    """A hash of tracker's code, migrations and templates (below `root`): shows an edit made
    mid-benchmark."""
    digest = hashlib.sha256()
    for folder in ("tracker", "migrations", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def measure(
    cmds: list[list[str]],
    env: dict[str, str],
    *,
    cwd: Path,
    warmup: bool = True,
    before: list | None = None,
    budget_s: float | None = None,
) -> tuple[list[float], list[float], str]:
    """Run cmds[0] untimed (warm-up), then time the others; `before[i]` prepares run i."""
    code = source_hash()
    if warmup:
        subprocess.run(
            cmds[0],
            env=env,
            cwd=cwd,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        cmds = cmds[1:]
    times, rss, note = [], [], ""
    spent = 0.0
    for index, cmd in enumerate(cmds):
        if before is not None:
            before[index]()
        elapsed, peak = run_timed(cmd, env, cwd=cwd)
        times.append(elapsed)
        if peak is not None:
            rss.append(peak)
        spent += elapsed
        if budget_s is not None and spent > budget_s and index + 1 < len(cmds):
            note = f"stopped after {index + 1} of {len(cmds)} runs: {spent:.0f} s > budget"
            break
    if source_hash() != code:
        note = "; ".join(
            p for p in (note, "tracker's source changed during these runs: discard") if p
        )
        print(f"\n  warning: {note}", file=sys.stderr, flush=True)
    return times, rss, note


def load_1min() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def fill(fig: Figure, times: list[float], rss: list[float], note: str = "") -> Figure:
    fig.runs = len(times)
    fig.times_s = [round(t, 4) for t in times]
    fig.median_s = statistics.median(times)
    fig.min_s, fig.max_s = min(times), max(times)
    fig.rss_mib = statistics.median(rss) if rss else None
    fig.note = "; ".join(p for p in (fig.note, note) if p)
    fig.load_1min = load_1min()
    return fig


def judge(fig: Figure) -> None:
    target = TARGETS.get(fig.figure)
    if target is None:
        return
    secs, ratio, mib = target
    parts = [f"<={secs:g} s"] if secs is not None else []
    if ratio is not None:
        parts.append(f"<={ratio:g}x TW")
    if mib is not None:
        parts.append(f"<={mib:g} MiB")
    fig.target = ", ".join(parts)
    if fig.n != TARGET_N or fig.median_s is None:
        return
    misses = []
    if secs is not None and fig.median_s > secs:
        misses.append("time")
    if ratio is not None:
        if fig.ratio is None:
            misses.append("ratio n/a")
        elif fig.ratio > ratio:
            misses.append("ratio")
    if mib is not None and (fig.rss_mib is None or fig.rss_mib > mib):
        misses.append("memory")
    fig.verdict = "met" if not misses else "MISSED (" + ", ".join(misses) + ")"


# --- backends -------------------------------------------------------------------------------


class Backend:
    name = "sqlite"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def url(self, label: str) -> str:
        return f"sqlite:///{self.workdir / (label + '.db')}"

    def fresh(self, label: str) -> str:
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.workdir / label) + ".db" + suffix).unlink(missing_ok=True)
        return self.url(label)

    def drop(self, label: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.workdir / label) + ".db" + suffix).unlink(missing_ok=True)


class Postgres(Backend):
    name = "postgresql"

    def __init__(self, workdir: Path, base_url: str) -> None:
        super().__init__(workdir)
        from sqlalchemy.engine import make_url

        self.base = make_url(base_url)
        self.prefix = f"tracker_bench_{os.getpid()}_"

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        conninfo = self.base.set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(conninfo, autocommit=True)

    def url(self, label: str) -> str:
        return self.base.set(database=self.prefix + label).render_as_string(hide_password=False)

    def fresh(self, label: str) -> str:
        self.drop(label)
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.prefix + label}"')
        return self.url(label)

    def drop(self, label: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.prefix + label}" WITH (FORCE)')


# --- one size -------------------------------------------------------------------------------


def tracker_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_NOW", "TRACKER_DEBUG")}
    env["TRACKER_DATABASE_URL"] = url
    env["TRACKER_ACTOR"] = "bench"
    return env


def generate(n: int, url: str, out: Path, seed: int, today: date) -> dict:
    cmd = [
        sys.executable,
        str(HERE / "generate.py"),
        str(n),
        "--db",
        url,
        "--out-dir",
        str(out),
        "--seed",
        str(seed),
        "--today",
        today.isoformat(),
        "--single-file",
    ]
    subprocess.run(cmd, check=True)
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def bench_tracker(
    backend: Backend, n: int, args: argparse.Namespace, tracker: str, today: date
) -> tuple[list[Figure], dict]:
    label = f"n{n}"
    out = backend.workdir / f"data-{n}"
    url = backend.fresh(label)
    print(f"\n== {backend.name}, N = {n}: generating", flush=True)
    manifest = generate(n, url, out, args.seed, today)
    env = tracker_env(url)
    cwd = backend.workdir
    runs = args.runs
    count = runs + 1  # the warm-up, then the timed runs
    figures: list[Figure] = []

    def same(*argv: str) -> list[list[str]]:
        return [[tracker, *argv] for _ in range(count)]

    # A check before timing: the overdue list is the one the generator planned.
    proc = subprocess.run(
        [tracker, "overdue", "--json"], env=env, cwd=cwd, check=True, capture_output=True, text=True
    )
    got = len(json.loads(proc.stdout))
    if got != manifest["overdue_today"]:
        print(
            f"  warning: overdue --json gives {got}, generator planned {manifest['overdue_today']}",
            flush=True,
        )
    owner = manifest["owner"]
    close_ids = manifest["close_ids"]
    if len(close_ids) < count:
        raise SystemExit(f"--runs {runs} needs more open commitments than N = {n} has")
    plans = [
        ("tracker --help", same("--help")),
        ("list --json", same("list", "--json")),
        ("overdue --json", same("overdue", "--json")),
        ("show", same("show", str(manifest["show_id"]))),
        ("digest --format html", same("digest", "--format", "html")),
        (
            "add",
            [
                [
                    tracker,
                    "add",
                    f"Benchmark commitment {i}",
                    "--owner",
                    owner,
                    "--due",
                    "+30d",
                    "--area",
                    "finance",
                ]
                for i in range(count)
            ],
        ),
        (
            "close",
            [
                [tracker, "close", str(close_ids[i]), "--note", "Delivered (benchmark)"]
                for i in range(count)
            ],
        ),
    ]
    for name, cmds in plans:
        print(f"  {name:<22}", end=" ", flush=True)
        times, rss, note = measure(cmds, env, cwd=cwd)
        fig = fill(Figure(backend.name, n, name), times, rss, note)
        figures.append(fig)
        print(f"median {fig.median_s:7.3f} s  peak {fig.rss_mib or 0:6.1f} MiB", flush=True)

    # import of N: one meeting file of N commitments into an empty, initialised database
    big = manifest["single_file"]
    print(f"  {'import N':<22}", end=" ", flush=True)
    imp_label = f"{label}_imp"
    imp_url = backend.url(imp_label)

    def prepare() -> None:  # an empty, initialised database; not timed
        backend.fresh(imp_label)
        subprocess.run(
            [tracker, "--db", imp_url, "init"],
            env=env,
            cwd=cwd,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    cmds = [[tracker, "--db", imp_url, "import", big] for _ in range(runs)]
    times, rss, note = measure(
        cmds, env, cwd=cwd, warmup=False, before=[prepare] * runs, budget_s=args.import_budget
    )
    backend.drop(imp_label)
    fig = fill(Figure(backend.name, n, "import N"), times, rss, note)
    figures.append(fig)
    print(
        f"median {fig.median_s:7.3f} s  peak {fig.rss_mib or 0:6.1f} MiB"
        + (f"  ({note})" if note else ""),
        flush=True,
    )
    backend.drop(label)
    return figures, manifest


def bench_taskwarrior(
    n: int, tw_json: str, manifest: dict, args: argparse.Namespace, workdir: Path
) -> dict[str, Figure]:
    task = shutil.which("task")
    assert task
    runs = args.runs
    count = runs + 1
    results: dict[str, Figure] = {}
    base = workdir / f"tw-{n}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    print(f"== Taskwarrior, N = {n}", flush=True)

    def env_for(data: Path) -> dict[str, str]:
        data.mkdir(parents=True, exist_ok=True)
        rc = data.parent / (data.name + ".taskrc")
        rc.write_text(TASKRC.format(data=data), encoding="utf-8")
        env = dict(os.environ)
        env["TASKRC"] = str(rc)
        env["TASKDATA"] = str(data)
        return env

    # import: a fresh TASKDATA per run
    print(f"  {'task import':<22}", end=" ", flush=True)
    datas = [base / f"imp{i}" for i in range(runs)]
    times, rss = [], []
    for data in datas:
        shutil.rmtree(data, ignore_errors=True)
        env = env_for(data)
        elapsed, peak = run_timed([task, "import", tw_json], env, cwd=workdir)
        times.append(elapsed)
        if peak is not None:
            rss.append(peak)
    results["import N"] = fill(Figure("taskwarrior", n, "task import"), times, rss)
    print(f"median {results['import N'].median_s:7.3f} s", flush=True)
    data = datas[-1]
    env = env_for(data)
    for extra in datas[:-1]:
        shutil.rmtree(extra, ignore_errors=True)
        (extra.parent / (extra.name + ".taskrc")).unlink(missing_ok=True)
    proc = subprocess.run(
        [task, "+OVERDUE", "count"],
        env=env,
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    if int(proc.stdout.strip() or 0) != manifest["overdue_today"]:
        print(
            f"  warning: Taskwarrior counts {proc.stdout.strip()} overdue, tracker's data set "
            f"{manifest['overdue_today']}",
            flush=True,
        )
    uuids = manifest["done_uuids"]
    plans = [
        ("overdue --json", "task overdue", [[task, "overdue"] for _ in range(count)]),
        (
            "add",
            "task add",
            [
                [task, "add", f"Benchmark commitment {i}", "due:+30d", "project:finance"]
                for i in range(count)
            ],
        ),
        ("close", "task done", [[task, uuids[i], "done"] for i in range(count)]),
    ]
    for key, name, cmds in plans:
        print(f"  {name:<22}", end=" ", flush=True)
        times, rss, note = measure(cmds, env, cwd=workdir)
        results[key] = fill(Figure("taskwarrior", n, name), times, rss, note)
        print(f"median {results[key].median_s:7.3f} s", flush=True)
    shutil.rmtree(base, ignore_errors=True)
    return results


# --- the table ------------------------------------------------------------------------------


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_table(figures: list[Figure]) -> None:
    head = [
        "backend",
        "N",
        "figure",
        "runs",
        "median s",
        "min s",
        "max s",
        "peak MiB",
        "TW median s",
        "tracker/TW",
        "load",
        "target (at 100k)",
        "verdict",
    ]
    rows = [
        [
            f.backend,
            f"{f.n:,}",
            f.figure,
            str(f.runs),
            fmt(f.median_s, ".3f"),
            fmt(f.min_s, ".3f"),
            fmt(f.max_s, ".3f"),
            fmt(f.rss_mib, ".1f"),
            fmt(f.tw_median_s, ".3f"),
            fmt(f.ratio, ".2f"),
            fmt(f.load_1min, ".1f"),
            f.target,
            f.verdict,
        ]
        for f in figures
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    right = {1, 3, 4, 5, 6, 7, 8, 9, 10}

    def line(r: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)
        ).rstrip()

    print()
    print(line(head))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    notes = [f"{f.backend} {f.n:,} {f.figure}: {f.note}" for f in figures if f.note]
    for note in notes:
        print("note:", note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated N (default: 1000,10000,100000)",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument("--json", type=Path, help="write the table as JSON here")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="default: a temporary folder, removed after")
    parser.add_argument("--keep", action="store_true", help="keep the generated data sets")
    parser.add_argument(
        "--backends",
        default="auto",
        help="sqlite, postgresql or both (default: sqlite, plus postgresql when "
        "TRACKER_TEST_POSTGRES_URL is set)",
    )
    parser.add_argument("--postgres-sizes", help="sizes for PostgreSQL (default: --sizes)")
    parser.add_argument(
        "--import-budget",
        type=float,
        default=None,
        metavar="S",
        help="stop repeating `import N` once its runs took S seconds "
        "(at least one run; the table says so). Default: no limit",
    )
    parser.add_argument("--no-taskwarrior", action="store_true")
    parser.add_argument("--tracker", help="the tracker executable (default: beside this python)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    pg_sizes = [int(s) for s in args.postgres_sizes.split(",")] if args.postgres_sizes else sizes
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    tracker = args.tracker or str(Path(sys.executable).parent / "tracker")
    if not os.path.exists(tracker):
        tracker = shutil.which("tracker") or parser.error("tracker is not installed")
    if not os.path.exists(TIME):
        print(f"warning: {TIME} missing (apt-get install -y time): no peak RSS", file=sys.stderr)
    pg_url = os.environ.get("TRACKER_TEST_POSTGRES_URL")
    wanted = (
        (["sqlite"] + (["postgresql"] if pg_url else []))
        if args.backends == "auto"
        else [b.strip() for b in args.backends.split(",")]
    )
    if "postgresql" in wanted and not pg_url:
        parser.error("postgresql needs TRACKER_TEST_POSTGRES_URL")
    has_task = bool(shutil.which("task")) and not args.no_taskwarrior
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="tracker-bench-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    today = date.today()
    state = _source_state()
    print(
        f"tracker {tracker} at commit {str(state['commit'])[:10]}, source hash {source_hash()}"
        + (
            f", locally modified: {' '.join(state['modified_files'])}"  # type: ignore[arg-type]
            if state["modified_files"]
            else ""
        ),
        flush=True,
    )
    started = time.perf_counter()
    figures: list[Figure] = []
    datasets: list[dict] = []
    tw_cache: dict[int, dict[str, Figure]] = {}
    try:
        for name in wanted:
            backend: Backend = (
                Postgres(workdir, pg_url)
                if name == "postgresql"  # type: ignore[arg-type]
                else Backend(workdir)
            )
            for n in pg_sizes if name == "postgresql" else sizes:
                figs, manifest = bench_tracker(backend, n, args, tracker, today)
                datasets.append(
                    {
                        k: manifest[k]
                        for k in (
                            "n",
                            "meetings",
                            "owners",
                            "areas",
                            "events",
                            "statuses",
                            "overdue_today",
                            "phases_s",
                        )
                    }
                    | {"backend": name}
                )
                if has_task and n not in tw_cache:
                    tw_cache[n] = bench_taskwarrior(
                        n, manifest["taskwarrior_json"], manifest, args, workdir
                    )
                    figures += [f for f in tw_cache[n].values()]
                for fig in figs:
                    tw = tw_cache.get(n, {}).get(fig.figure)
                    if tw is not None and tw.median_s:
                        fig.tw_figure, fig.tw_median_s = tw.figure, tw.median_s
                        fig.tw_runs, fig.tw_rss_mib = tw.runs, tw.rss_mib
                        fig.ratio = fig.median_s / tw.median_s if fig.median_s else None
                    judge(fig)
                figures += figs
                if not args.keep:
                    shutil.rmtree(backend.workdir / f"data-{n}", ignore_errors=True)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    order = {"sqlite": 0, "postgresql": 1, "taskwarrior": 2}
    figures.sort(key=lambda f: (order.get(f.backend, 3), f.n))
    print_table(figures)
    total = time.perf_counter() - started
    print(
        f"\n{len(figures)} figures in {total:.0f} s; medians of {args.runs} runs after one "
        "untimed warm-up (import: a fresh database per run, no warm-up)"
    )
    if args.json:
        payload = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
            },
            "runs": args.runs,
            "source": _source_state() | {"hash_at_end": source_hash()},
            "taskwarrior": _task_version() if has_task else None,
            "taskrc": TASKRC.format(data="TASKDATA").splitlines() if has_task else None,
            "datasets": datasets,
            "targets_at": TARGET_N,
            "figures": [asdict(f) for f in figures],
            "total_s": round(total, 1),
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


def _source_state() -> dict[str, object]:
    """The commit measured and whether the tree had local changes (read-only git calls)."""
    root = HERE.parent

    def git(*argv: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "--no-optional-locks", "-C", str(root), *argv],
                capture_output=True,
                text=True,
                check=True,
            )
            return out.stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    changed = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": git("rev-parse", "HEAD"),
        "modified_files": [line.split()[-1] for line in changed.splitlines()] if changed else [],
    }


def _task_version() -> str | None:
    try:
        out = subprocess.run(["task", "--version"], capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


if __name__ == "__main__":
    sys.exit(main())
