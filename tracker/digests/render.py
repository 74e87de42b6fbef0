"""Rendering a Digest with the Jinja2 templates in templates/ (Markdown, HTML, plain text).

The templates only format: chart geometry and labels are prepared here. User text is always
data (autoescaped in HTML, escaped in Markdown), never part of a template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tracker.digests.data import Digest
from tracker.digests.formats import FORMATS
from tracker.resources import bundled
from tracker.vocabulary import ACTIVE_STATUSES, Status

Format = Literal["md", "html", "txt"]
TEMPLATES = {fmt: f"digest.{fmt}" for fmt in FORMATS}

# How each status looks: its label, its colour in the HTML chart, its character in text bars,
# and the tint of its figure in the HTML headline. Every status has one (a test checks it), so
# the templates never name a status themselves.
STATUS_STYLE: dict[str, tuple[str, str, str, str]] = {
    Status.OPEN: ("open", "#9ca3af", "░", "#f3f4f6"),
    Status.IN_PROGRESS: ("in progress", "#3b82f6", "▒", "#dbeafe"),
    Status.BLOCKED: ("blocked", "#ef4444", "▓", "#fecaca"),
    Status.DONE: ("done", "#10b981", "█", "#d1fae5"),
    Status.DROPPED: ("dropped", "#d1d5db", "·", "#f3f4f6"),
}
BAR_CHARS = 30
BAR_PX = 360

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>&])")


def md_escape(value: object) -> str:
    """User text in Markdown: no emphasis, links or raw HTML sneak in through a title."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(
        lambda m: (
            f"\\{m.group(1)}"
            if m.group(1) not in "<>&"
            else {"<": "&lt;", ">": "&gt;", "&": "&amp;"}[m.group(1)]
        ),
        text,
    )


@dataclass(frozen=True)
class Segment:
    status: str
    label: str
    count: int
    colour: str
    x: int
    width: int


@dataclass(frozen=True)
class ChartRow:
    area: str
    total: int
    segments: list[Segment]
    text_bar: str
    y: int


def chart(digest: Digest) -> list[ChartRow]:
    """Stacked bars of status by area, scaled to the largest area."""
    largest = max((a.total for a in digest.areas), default=0) or 1
    rows = []
    for index, area in enumerate(digest.areas):
        x, segments, text = 0, [], ""
        for status, (label, colour, char, _tint) in STATUS_STYLE.items():
            count = area.counts.get(status, 0)
            if not count:
                continue
            width = max(1, round(BAR_PX * count / largest))
            segments.append(Segment(status, label, count, colour, x, width))
            x += width
            text += char * max(1, round(BAR_CHARS * count / largest))
        rows.append(ChartRow(area.area, area.total, segments, text, y=index * 22))
    return rows


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(bundled("templates", "digest.html"))),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["one_line"] = lambda value: " ".join(str(value).split())
    return env


def render(digest: Digest, fmt: Format) -> str:
    if fmt not in TEMPLATES:
        raise ValueError(f"unknown digest format {fmt!r}")
    context: dict[str, Any] = {
        "d": digest,
        "h": digest.headline,
        "chart": chart(digest),
        "legend": [(label, colour, char) for label, colour, char, _ in STATUS_STYLE.values()],
        # The headline's figures per status still being worked on: (label, count, tint).
        "status_counts": [
            (
                STATUS_STYLE[status][0],
                getattr(digest.headline, status.value),
                STATUS_STYLE[status][3],
            )
            for status in ACTIVE_STATUSES
        ],
        "chart_height": max(len(digest.areas), 1) * 22,
        "bar_px": BAR_PX,
        "title": "Commitments digest" + (f" — {digest.owner}" if digest.owner else ""),
        "period": f"{digest.since.strftime('%Y-%m-%d %H:%M')} – "
        f"{digest.until.strftime('%Y-%m-%d %H:%M')} UTC",
    }
    return environment().get_template(TEMPLATES[fmt]).render(context)
