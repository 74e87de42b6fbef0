"""The few SQL expressions that SQLite and PostgreSQL spell differently: day arithmetic, ISO
text for dates and instants, and JSON objects.

Read queries compute derived state and build JSON in the database, so that listing 100,000
commitments does not turn each value into a Python object and back into text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

Expr = Any  # a SQLAlchemy column expression


class SQL:
    """Expressions for one backend (`sqlite` or `postgresql`)."""

    def __init__(self, backend: str) -> None:
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported backend {backend!r}")
        self.sqlite = backend == "sqlite"

    def day(self, value: date) -> Expr:
        """A date constant (typed: PostgreSQL cannot infer a parameter's type inside a function)."""
        return sa.literal(value, sa.Date) if self.sqlite else sa.cast(sa.literal(value), sa.Date)

    def as_date(self, text: Expr) -> Expr:
        """An ISO date stored as text (an event's old value) as a date."""
        return text if self.sqlite else sa.cast(text, sa.Date)

    def json_field(self, stored_json: Expr, key: str) -> Expr:
        """One key of a stored JSON object, as SQL text (numbers as numbers on SQLite)."""
        if not key.isidentifier():
            raise ValueError(f"not a plain key: {key!r}")
        if self.sqlite:
            return sa.func.json_extract(stored_json, f"$.{key}")
        return sa.func.json_extract_path_text(stored_json, key)

    def as_int(self, value: Expr) -> Expr:
        return value if self.sqlite else sa.cast(value, sa.Integer)

    def as_instant(self, text: Expr) -> Expr:
        """An instant written as ISO text in UTC (in an event's details) as the columns hold it."""
        return text if self.sqlite else sa.cast(text, sa.DateTime)

    def as_json(self, text: Expr) -> Expr:
        """JSON stored as text (an event's old value) as a JSON column holds it."""
        return text if self.sqlite else sa.cast(text, sa.JSON)

    def days_between(self, later: Expr, earlier: Expr) -> Expr:
        """Whole days from `earlier` to `later` (negative when `later` is before)."""
        if self.sqlite:
            # SQLite keeps dates as ISO text; julian days of two dates differ by whole days.
            return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)
        return later - earlier

    def iso_date(self, value: Expr) -> Expr:
        return value if self.sqlite else sa.func.to_char(value, "YYYY-MM-DD")

    def iso_instant(self, value: Expr) -> Expr:
        """A stored UTC instant as `2017-09-12T10:00:00Z`, the form of every JSON output."""
        if self.sqlite:
            return sa.func.strftime("%Y-%m-%dT%H:%M:%SZ", value)
        return sa.func.to_char(value, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')

    def json_bool(self, condition: Expr) -> Expr:
        if self.sqlite:  # SQLite has no boolean: embed the JSON literal
            return sa.func.json(sa.case((condition, "true"), else_="false"))
        return sa.func.coalesce(condition, sa.false())

    def json_value(self, stored_json: Expr) -> Expr:
        """A JSON column's value embedded as JSON, not as a string."""
        return sa.func.json(stored_json) if self.sqlite else stored_json

    def json_object(self, fields: dict[str, Expr]) -> Expr:
        """One JSON object as text, keys in the given order."""
        pairs: list[Expr] = []
        for key, value in fields.items():
            if not key.isidentifier():
                raise ValueError(f"not a plain key: {key!r}")
            pairs += [sa.literal_column(f"'{key}'"), value]  # constants in the SQL text
        if self.sqlite:
            return sa.func.json_object(*pairs)
        return sa.cast(sa.func.json_build_object(*pairs), sa.Text)
