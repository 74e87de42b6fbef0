"""A plain (non-editable) install must carry the migrations, templates and the extraction's
sentence model inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import tracker
from tracker.migrate import migrations_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_migrations_and_templates(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("tracker-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    revisions = {p.name for p in (REPO / "migrations" / "versions").glob("*.py")}
    assert "tracker/_data/migrations/env.py" in names
    assert "tracker/_data/migrations/script.py.mako" in names
    assert {f"tracker/_data/migrations/versions/{r}" for r in revisions} <= names
    templates = {p.name for p in (REPO / "templates").iterdir() if p.is_file()}
    assert {f"tracker/_data/templates/{t}" for t in templates} <= names
    assert "tracker/cli/__init__.py" in names
    assert "tracker/extract/sentence_model.json" in names  # extraction's learned weights


def test_installed_package_finds_its_migrations() -> None:
    found = migrations_dir()
    assert (found / "env.py").is_file()
    package = Path(tracker.__file__).resolve().parent
    if package.parent != REPO:  # a wheel install: the copy inside the package is used
        assert found == package / "_data" / "migrations"
