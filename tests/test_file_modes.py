"""New SQLite databases are private: the file (and its -wal and -shm) 0600, the data folder
the default path creates 0700; an existing folder keeps its mode."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import run_cli

from tracker.db import Database


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common umask (022), under which files come out world-readable unless made private."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_creates_the_default_data_folder_0700_and_the_database_0600(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    result = run_cli(
        ["init"],
        db_url="",
        env={"TRACKER_DATABASE_URL": "", "XDG_DATA_HOME": str(xdg)},
    )
    assert result.exit_code == 0, result.stderr
    folder = xdg / "tracker"
    assert oct(mode(folder)) == oct(0o700)
    assert oct(mode(folder / "tracker.db")) == oct(0o600)


def test_an_existing_folder_keeps_its_mode_and_the_new_file_is_0600(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    path = folder / "tracker.db"
    result = run_cli(["init"], db_url=f"sqlite:///{path}")
    assert result.exit_code == 0, result.stderr
    assert oct(mode(folder)) == oct(0o755)
    assert oct(mode(path)) == oct(0o600)


def test_the_wal_and_shm_files_are_0600(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    assert run_cli(["init"], db_url=f"sqlite:///{path}").exit_code == 0
    db = Database(f"sqlite:///{path}")
    try:
        with db.engine.connect() as conn:  # open: the -wal and -shm files exist meanwhile
            conn.execute(sa.text("SELECT count(*) FROM owner")).scalar()
            with db.engine.begin() as writer:
                writer.execute(sa.text("INSERT INTO owner (name, kind) VALUES ('A', 'body')"))
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                assert side.exists(), suffix
                assert oct(mode(side)) == oct(0o600), suffix
    finally:
        db.close()


def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    assert run_cli(["init"], db_url=f"sqlite:///{path}").exit_code == 0
    os.chmod(path, 0o640)  # the owner shared it with a group on purpose
    result = run_cli(["owner", "add", "Finance"], db_url=f"sqlite:///{path}")
    assert result.exit_code == 0, result.stderr
    assert oct(mode(path)) == oct(0o640)
