"""Plain-text rendering for the terminal: tables a person scans in seconds, and detail views."""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tracker.models import Event
    from tracker.services.views import CommitmentView

# A table at a narrow terminal: the last column (the title, a name) keeps at least this much
# before the other text columns shrink below their natural width; those keep their header.
FLEX_MIN = 20
CELL_MIN = 5

# Select Graphic Rendition codes: the only escape sequences tracker writes itself.
RED = "\x1b[31m"
YELLOW = "\x1b[33m"
RESET = "\x1b[0m"
SGR_CODES = (RED, YELLOW, RESET)
COLOR_CHOICES = ("auto", "always", "never")

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

    def write_styled(self, pieces: Iterable[tuple[str, bool]]) -> None:
        """Text pieces, each `(text, trusted)`: a trusted piece (a colour code this program
        built, never stored text) is written as it is, every other one escaped. One write."""
        self.inner.write("".join(text if trusted else visible(text) for text, trusted in pieces))

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


def table_width() -> int | None:
    """The width to fit tables to: the terminal's, or COLUMNS when it is set; None when the
    output goes to a pipe or a file (scripts read whole values there)."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return shutil.get_terminal_size((120, 24)).columns
    return None


def use_color(choice: str = "auto") -> bool:
    """`--color`: "always" and "never" say it all; "auto" colours a terminal, unless NO_COLOR
    is set to anything (https://no-color.org) or the terminal is dumb."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def fit(widths: Sequence[int], headers: Sequence[str], width: int, fixed: set[int]) -> list[int]:
    """Column widths that fit `width`: the last column gives way first, down to FLEX_MIN;
    then the other columns not in `fixed`, the widest first, down to their header; then the
    last column again. A terminal narrower than the fixed columns gets lines cut after."""
    out = list(widths)
    last = len(out) - 1
    seps = 2 * last

    def excess() -> int:
        return sum(out) + seps - width

    if excess() <= 0:
        return out
    out[last] = max(min(out[last], FLEX_MIN), out[last] - excess())
    floors = {
        i: min(w, max(len(headers[i]), CELL_MIN))
        for i, w in enumerate(out[:last])
        if i not in fixed
    }
    while excess() > 0:
        wide = [i for i, floor in floors.items() if out[i] > floor]
        if not wide:
            break
        out[max(wide, key=lambda i: out[i])] -= 1  # a few hundred steps at most
    if excess() > 0:
        out[last] = max(1, out[last] - excess())
    return out


def _lines(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: set[int],
    fixed: set[int],
) -> tuple[list[list[str]], int | None]:
    """Each line's cells, escaped, cut to fit and padded; and the width to cut lines to, when
    even the narrowest columns do not fit."""
    rows = [[visible(cell, cell=True) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                widths[i] = len(cell)
    width = table_width()
    natural = widths
    if width is not None:
        widths = fit(widths, headers, width, fixed)
    cut = [i for i, (w, n) in enumerate(zip(widths, natural, strict=True)) if w < n]
    last = len(widths) - 1
    lines = []
    for row in [list(headers), *rows]:
        for i in cut:
            row[i] = shorten(row[i], widths[i])
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row[:-1])
        ]
        lines.append([*cells, row[last]])
    overflow = width if width is not None and sum(widths) + 2 * last > width else None
    return lines, overflow


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: set[int] | None = None,
    fixed: set[int] | None = None,
) -> str:
    """Columns sized to their content, fitted to the terminal (`fit`); `fixed` columns (and
    the right-aligned ones, numbers) are never cut."""
    right = right or set()
    lines, overflow = _lines(headers, rows, right, (fixed or set()) | right)
    text = ["  ".join(cells).rstrip() for cells in lines]
    if overflow is not None:
        text = [shorten(line, overflow) for line in text]
    return "\n".join(text)


Styles = Sequence[Mapping[int, str]]  # per row: column -> colour code


def echo_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: set[int] | None = None,
    fixed: set[int] | None = None,
    styles: Styles = (),
    color: bool = False,
) -> None:
    """`table`, printed, with the cells in `styles` coloured when `color` is on."""
    right = right or set()
    if not color or not any(styles):
        sys.stdout.write(table(headers, rows, right=right, fixed=fixed) + "\n")
        return
    lines, overflow = _lines(headers, rows, right, (fixed or set()) | right)
    if overflow is not None:  # cut lines would cut codes: plain text then
        sys.stdout.write(table(headers, rows, right=right, fixed=fixed) + "\n")
        return
    pieces: list[tuple[str, bool]] = []
    for n, cells in enumerate(lines):
        style = styles[n - 1] if 0 < n <= len(styles) else {}
        cells[-1] = cells[-1].rstrip()
        for i, cell in enumerate(cells):
            if i:
                pieces.append(("  ", False))
            code = style.get(i)
            if code:
                # The code wraps the text, not the padding: alignment is unchanged.
                text = cell.rstrip()
                lead = len(text) - len(text.lstrip())
                pieces += [
                    (text[:lead], False),
                    (code, True),
                    (text[lead:], False),
                    (RESET, True),
                    (cell[len(text) :], False),
                ]
            else:
                pieces.append((cell, False))
        pieces.append(("\n", False))
    out = sys.stdout
    if isinstance(out, EscapingStream):
        out.write_styled(pieces)
    else:  # no escaping layer (a library caller): the cells are escaped already
        out.write("".join(text for text, _ in pieces))


def _late_style(v: Any, column: int) -> dict[int, str]:
    """Red for overdue, yellow for at risk, on the column that says when."""
    if v.overdue:
        return {column: RED}
    if getattr(v, "health", None) == "at_risk":
        return {column: YELLOW}
    return {}


def commitments_table(views: Sequence[Any], *, color: bool = False) -> None:
    """Print `views` (the light rows of `views.listed`) as the board."""
    rows = [
        [str(v.id), v.due, when(v.status, v.days_left), v.owner, v.area or "-", v.status, v.title]
        for v in views
    ]
    styles = [_late_style(v, 2) | ({5: RED} if v.status == "blocked" else {}) for v in views]
    echo_table(
        ["ID", "DUE", "WHEN", "OWNER", "AREA", "STATUS", "TITLE"],
        rows,
        right={0},
        fixed={1, 2, 5},
        styles=styles,
        color=color,
    )


def overdue_table(views: Sequence[Any], *, color: bool = False) -> None:
    """Print the overdue review: days late in red, as on the board, and blocked in red."""
    rows = [
        [str(v.id), str(v.days_overdue), v.due, v.owner, v.status, str(v.slips), v.title]
        for v in views
    ]
    styles = [{1: RED} | ({4: RED} if v.status == "blocked" else {}) for v in views]
    echo_table(
        ["ID", "DAYS LATE", "DUE", "OWNER", "STATUS", "SLIPS", "TITLE"],
        rows,
        right={0, 1, 5},
        fixed={2, 4},
        styles=styles,
        color=color,
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
    via = "via the web" if getattr(event, "channel", "cli") == "web" else None
    detail = " · ".join(part for part in (change, event.text, via) if part)
    return f"  {at}Z  {shorten(event.actor, 16):<16}  {event.kind:<9} {detail}".rstrip()


def pending_proposal(events: Sequence[Event]) -> Event | None:
    """The owner's proposal to close that no closing, drop, reopening or decline has settled."""
    pending = None
    for event in events:
        if event.kind == "proposed":
            pending = event
        elif event.kind in ("closed", "dropped", "reopened", "declined"):
            pending = None
    return pending


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
    pending = pending_proposal(events)
    if pending is not None:
        lines += _wrap(
            "Proposal",
            f"{pending.actor} proposes closing it ({pending.text}): "
            f"`tracker confirm {view.id}` or `tracker decline {view.id} --reason …`",
        )
    lines.append("History")
    lines += [event_line(e) for e in events] or ["  (none)"]
    return "\n".join(lines)
