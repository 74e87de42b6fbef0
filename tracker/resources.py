"""Files shipped beside the code: Alembic migrations and digest templates.

An installed wheel carries them in tracker/_data; a source checkout has them at the top level.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str, marker: str) -> Path:
    """The folder `name` (migrations, templates) holding `marker`, wherever it is installed."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if (candidate / marker).is_file():
            return candidate
    raise FileNotFoundError(f"the {name} folder is missing from this installation")
