"""Plain-text rendering for the terminal: tables a person scans in seconds, and detail views."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tracker.models import Event
    from tracker.services.views import CommitmentView

OWNER_WIDTH = 34

# C0 controls but newline and tab, DEL and C1 controls: what a terminal may act on (ESC starts
# a sequence that can retitle the window, rewrite the screen or fake a prompt; U+009B is a
# one-character CSI). Stored text comes from meeting files and other people's commands.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# In a table cell newline and tab would break the row: shown as escapes there too.
_UNSAFE_IN_CELL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    # The JSON form: it is also what keeps a JSON document valid when the stream filter
    # below meets a C1 character inside one of its strings.
    return f"\\u{ord(match.group()):04x}"


def visible(text: str, *, cell: bool = False) -> str:
    """`text` with every control character a terminal could act on written as `\\u001b`."""
    if text.isprintable():  # the common case, and a fast one: a table has a cell per field
        return text
    pattern = _UNSAFE_IN_CELL if cell else _UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text


class EscapingStream:
    """A text stream that writes `visible(text)` to the stream it wraps: set as sys.stdout
    and sys.stderr for one command, so no stored text reaches the terminal raw, whichever
    command prints it. No `buffer` attribute, so click writes through it rather than
    around it."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes for a binary stream with b""
            raise TypeError("EscapingStream writes text")
        self.inner.write(visible(text))
        return len(text)

    def writelines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    def writable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:  # encoding, errors, closed, …
        if name == "buffer":  # bytes written there would pass unescaped
            raise AttributeError(name)
        return getattr(self.inner, name)


def shorten(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def when(status: str, days_left: int) -> str:
    """Days left or late, the way a person says it."""
    if status in ("done", "dropped"):
        return status
    if days_left < 0:  # active and past due: overdue
        return f"{-days_left}d late"
    if days_left == 0:
        return "today"
    return f"in {days_left}d"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: set[int] | None = None
) -> str:
    """Columns sized to their content; the last column is cut to the terminal on a tty."""
    right = right or set()
    rows = [[visible(cell, cell=True) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], len(cell))
    lines = []
    for row in [list(headers), *rows]:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row[:-1])
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    if sys.stdout.isatty():
        width = shutil.get_terminal_size((120, 24)).columns
        lines = [shorten(line, width) for line in lines]
    return "\n".join(lines)


def commitments_table(views: Sequence[Any]) -> str:
    """`views`: the light rows of `views.listed`."""
    rows = [
        [
            str(v.id),
            v.due,
            when(v.status, v.days_left),
            shorten(v.owner, OWNER_WIDTH),
            v.area or "-",
            v.status,
            v.title,
        ]
        for v in views
    ]
    return table(["ID", "DUE", "WHEN", "OWNER", "AREA", "STATUS", "TITLE"], rows, right={0})


def overdue_table(views: Sequence[Any]) -> str:
    rows = [
        [
            str(v.id),
            str(v.days_overdue),
            v.due,
            shorten(v.owner, OWNER_WIDTH),
            v.status,
            str(v.slips),
            v.title,
        ]
        for v in views
    ]
    return table(
        ["ID", "DAYS LATE", "DUE", "OWNER", "STATUS", "SLIPS", "TITLE"], rows, right={0, 1, 5}
    )


def summary_line(views: Sequence[Any], as_of: str) -> str:
    overdue = sum(1 for v in views if v.overdue)
    active = sum(1 for v in views if v.status in ("open", "in_progress", "blocked"))
    noun = "commitment" if len(views) == 1 else "commitments"
    return f"{len(views)} {noun} · {active} active · {overdue} overdue · as of {as_of}"


def _wrap(label: str, text: str) -> list[str]:
    body = textwrap.wrap(text, width=88) or [""]
    pad = " " * 14
    return [f"  {label:<12}{body[0]}"] + [pad + line for line in body[1:]]


def event_line(event: Event) -> str:
    at = event.at.strftime("%Y-%m-%d %H:%M")
    change = ""
    if event.field and (event.old_value is not None or event.new_value is not None):
        change = f"{event.field} {event.old_value or '-'} → {event.new_value or '-'}"
    elif event.kind == "created" and event.new_value:
        change = event.new_value
    detail = " · ".join(part for part in (change, event.text) if part)
    return f"  {at}Z  {shorten(event.actor, 16):<16}  {event.kind:<9} {detail}".rstrip()


def detail(view: CommitmentView, events: Sequence[Event]) -> str:
    a = view.assessment
    slips = f"{view.slips} slip" + ("" if view.slips == 1 else "s")
    lines = [f"#{view.id}  {view.title}"]
    if view.meeting:
        lines += _wrap("Meeting", f"{view.meeting}" + (f" (key {view.key})" if view.key else ""))
    owner = view.owner + (f" <{view.owner_email}>" if view.owner_email else "")
    lines += _wrap("Owner", owner)
    if view.counterpart:
        lines += _wrap("Counterpart", view.counterpart)
    lines += _wrap("Due", f"{view.due.isoformat()} ({when(view.status, a.days_left)}) · {slips}")
    lines += _wrap(
        "Status",
        f"{view.status} · health {a.health.value}"
        + (" · stale" if a.stale else "")
        + f" · as of {view.as_of.isoformat()}",
    )
    facts = [view.area or "no area", f"priority {view.priority}"]
    if view.tags:
        facts.append("tags " + ", ".join(view.tags))
    lines += _wrap("Area", " · ".join(facts))
    if view.description:
        lines += _wrap("Description", view.description)
    if view.quote:
        lines += _wrap("Quote", f"“{' '.join(view.quote.split())}”")
    if view.resolution:
        lines += _wrap("Resolution", view.resolution)
    if view.evidence:
        lines += _wrap("Evidence", view.evidence)
    lines.append("History")
    lines += [event_line(e) for e in events] or ["  (none)"]
    return "\n".join(lines)
