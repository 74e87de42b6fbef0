"""The per-invocation context (settings, clock, one database handle) and shared parameter types.

Only light modules are imported here: `tracker --help` must not pay for SQLAlchemy.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

from tracker.config import Settings
from tracker.dates import parse_date
from tracker.errors import InvalidInput

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from tracker.db import Database


class App:
    """Built in the group callback; closed by `ctx.call_on_close`."""

    def __init__(self, settings: Settings, *, debug: bool = False) -> None:
        self.settings = settings
        self.debug = debug

    @cached_property
    def db(self) -> Database:
        from tracker.db import Database

        return Database(self.settings.database_url)

    @property
    def actor(self) -> str:
        return self.settings.actor

    def now(self) -> datetime:
        return self.settings.now()

    def today(self) -> date:
        return self.settings.today()

    def close(self) -> None:
        if "db" in self.__dict__:
            self.db.close()


pass_app = click.make_pass_decorator(App)


class DateParam(click.ParamType):
    """ISO dates and relative forms (today, friday, +2w, eom, …), resolved against the clock."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        app = ctx.find_object(App) if ctx else None
        today = app.today() if app else Settings.load().today()
        try:
            return parse_date(str(value), today=today)
        except InvalidInput as exc:
            self.fail(str(exc), param, ctx)


DATE = DateParam()


class IdParam(click.ParamType):
    """A commitment id: a positive whole number, as `tracker list` shows it."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip().lstrip("#")
        if not (text.isascii() and text.isdigit()) or int(text) < 1 or len(text) > 18:
            self.fail(f"not a commitment id: {value!r} (a number such as 3)", param, ctx)
        return int(text)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from tracker.cli.completion import complete_ids

        return complete_ids(ctx, incomplete)


COMMITMENT_ID = IdParam()


def print_json(data: Any) -> None:
    """Indented for a person at a terminal; compact for a pipe, where the C encoder makes
    100,000 rows several times faster."""
    indent = 2 if sys.stdout.isatty() else None
    click.echo(json.dumps(data, ensure_ascii=False, indent=indent))


def print_json_objects(objects: Iterable[str]) -> None:
    """A JSON array of objects the database wrote as text: passed through as they come to a
    pipe (one object a line, written in batches, so 100,000 of them are never one string),
    indented for a person at a terminal."""
    if sys.stdout.isatty():
        print_json([json.loads(text) for text in objects])
        return
    out = sys.stdout  # resolved now: a test runner may have replaced it
    first, batch = True, []
    for text in objects:
        batch.append(("[\n" if first else ",\n") + text)
        first = False
        if len(batch) == 1000:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch) + ("[]\n" if first else "\n]\n"))
    out.flush()
