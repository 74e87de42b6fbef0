"""The layers: digests (building, schedules, runs, delivery, cron, the daemon) are one package
above the services, which never import it; templates take the windows and the statuses from
the code rather than spell them out."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, Runner
from test_digest import _digest

from tracker.digests.render import STATUS_STYLE, render
from tracker.health import AT_RISK_WINDOW_DAYS
from tracker.vocabulary import Status

PACKAGE = REPO / "tracker"
DIGESTS = {"cron", "data", "delivery", "formats", "leases", "links", "locks", "ondemand", "render",
           "runs", "scheduler", "schedules"}  # fmt: skip


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_digests_package_holds_the_digest_stack_and_nothing_below_imports_it() -> None:
    assert {p.stem for p in (PACKAGE / "digests").glob("*.py")} - {"__init__"} == DIGESTS
    for gone in ("digest", "delivery.py", "cron.py", "scheduler.py", "services/runs.py",
                 "services/schedules.py"):  # fmt: skip
        assert not (PACKAGE / gone).exists(), gone
    below = [
        path
        for path in PACKAGE.rglob("*.py")
        # The command line and the web view are the front ends: they may use the digests.
        if path.parent.name not in ("digests", "cli", "web") and path.name != "__main__.py"
    ]
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(n for n in _imports(path) if "digests" in n)
        for path in below
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_every_status_has_a_style() -> None:
    assert set(STATUS_STYLE) == {status.value for status in Status}


def test_templates_spell_out_no_window_and_no_status() -> None:
    for template in (REPO / "templates").glob("digest.*"):
        text = template.read_text()
        assert f"{AT_RISK_WINDOW_DAYS} days" not in text.lower(), template.name
        for label, *_ in STATUS_STYLE.values():
            assert f">{label}<" not in text and f"}} {label} ·" not in text, (template, label)


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_the_due_soon_window_comes_from_the_digest(seeded: Runner, db_url: str, fmt: str) -> None:
    digest = replace(_digest(db_url), due_soon_days=7)

    text = render(digest, fmt)  # type: ignore[arg-type]

    assert "7 days" in text and f"{AT_RISK_WINDOW_DAYS} days" not in text
    h = digest.headline
    assert f"{h.in_progress}" in text and "in progress" in text
