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

from tracker.digests.data import Digest, plural
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
# The area chart's stack (tracker.digests.data.CHART_BUCKETS): label, colour, text-bar character.
CHART_STYLE: dict[str, tuple[str, str, str]] = {
    "overdue": ("overdue", "#b91c1c", "█"),
    Status.BLOCKED: ("blocked", "#f59e0b", "▓"),
    Status.IN_PROGRESS: ("in progress", "#3b82f6", "▒"),
    Status.OPEN: ("open", "#9ca3af", "░"),
}
BAR_CHARS = 30
# SVG sizes: at most 340 px wide, so that a phone shows them unscaled; wider screens too.
BAR_PX = 300
ROW_PX = 34
TREND_W = 336
TREND_H = 90
BAR_W = 22  # a trend bar's width

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
    bucket: str
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
    """Stacked bars of the active commitments by area (overdue, blocked, in progress, open),
    scaled to the largest area. In HTML each area's name sits above its bar, so that the
    chart is narrow enough for a phone."""
    largest = max((a.total for a in digest.areas), default=0) or 1
    rows = []
    for index, area in enumerate(digest.areas):
        x, segments, text = 0, [], ""
        for bucket, (label, colour, char) in CHART_STYLE.items():
            count = area.counts.get(bucket, 0)
            if not count:
                continue
            width = max(1, round(BAR_PX * count / largest))
            segments.append(Segment(bucket, label, count, colour, x, width))
            x += width
            text += char * max(1, round(BAR_CHARS * count / largest))
        rows.append(ChartRow(area.area, area.total, segments, text, y=index * ROW_PX))
    return rows


@dataclass(frozen=True)
class TrendBar:
    week_end: str
    active: int
    overdue: int
    x: int
    active_y: int
    active_height: int
    overdue_y: int
    overdue_height: int
    label: str  # the axis label under the bar ("" for most)
    anchor: str  # how the label aligns: the first and last stay inside the chart
    label_x: int


@dataclass(frozen=True)
class Trend:
    bars: list[TrendBar]
    active_line: str  # text sparklines, one character a week
    overdue_line: str
    first: str
    last: str
    peak: int


SPARKS = "▁▂▃▄▅▆▇█"


def _spark(values: list[int], peak: int) -> str:
    return "".join(
        "·" if v == 0 else SPARKS[min(len(SPARKS) - 1, (len(SPARKS) - 1) * v // peak)]
        for v in values
    )


def trend(digest: Digest) -> Trend | None:
    """Weekly bars of active commitments with their overdue part, oldest week first."""
    points = digest.trend
    if not points:
        return None
    peak = max(max(p.active for p in points), 1)
    slot = TREND_W // len(points)
    bars = []
    for index, point in enumerate(points):
        active_h = round(TREND_H * point.active / peak)
        overdue_h = round(TREND_H * point.overdue / peak)
        labelled = index in (0, len(points) // 2, len(points) - 1)
        anchor = "start" if index == 0 else "end" if index == len(points) - 1 else "middle"
        bars.append(
            TrendBar(
                week_end=point.week_end.isoformat(),
                active=point.active,
                overdue=point.overdue,
                x=index * slot + 2,
                active_y=TREND_H - active_h,
                active_height=active_h,
                overdue_y=TREND_H - overdue_h,
                overdue_height=overdue_h,
                label=point.week_end.strftime("%d %b") if labelled else "",
                anchor=anchor,
                label_x=index * slot + 2 + {"start": 0, "middle": BAR_W // 2, "end": BAR_W}[anchor],
            )
        )
    return Trend(
        bars=bars,
        active_line=_spark([p.active for p in points], peak),
        overdue_line=_spark([p.overdue for p in points], peak),
        first=points[0].week_end.isoformat(),
        last=points[-1].week_end.isoformat(),
        peak=peak,
    )


@dataclass(frozen=True)
class Tile:
    count: int
    label: str
    background: str
    colour: str


ZERO_TILE = ("#f3f4f6", "#6b7280")  # a zero is no alarm: grey, whatever it counts


def tiles(digest: Digest) -> list[Tile]:
    """The headline's figures, each with what it counts and its colours."""
    h = digest.headline
    figures: list[tuple[int, str, str, str]] = [
        (h.overdue, "overdue", "#fee2e2", "#b91c1c"),
        (h.attention, "due soon / at risk", "#fef3c7", "#92400e"),
    ]
    for status in ACTIVE_STATUSES:
        label, _colour, _char, tint = STATUS_STYLE[status]
        figures.append((getattr(h, status.value), label, tint, "#111827"))
    figures += [
        (h.delivered, "delivered", "#d1fae5", "#065f46"),
        (h.slipped, "deadline slipped" if h.slipped == 1 else "deadlines slipped", "#ede9fe",
         "#5b21b6"),
    ]  # fmt: skip
    return [
        Tile(count, label, *(ZERO_TILE if count == 0 else (background, colour)))
        for count, label, background, colour in figures
    ]


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
    env.filters["plural"] = plural
    return env


def render(digest: Digest, fmt: Format, *, page_links: list[tuple[str, str]] | None = None) -> str:
    """`page_links`: (label, address) shown above the digest when it is a page of the web view
    rather than an e-mail or a file."""
    if fmt not in TEMPLATES:
        raise ValueError(f"unknown digest format {fmt!r}")
    context: dict[str, Any] = {
        "d": digest,
        "h": digest.headline,
        "chart": chart(digest),
        "trend": trend(digest),
        "legend": [(label, colour, char) for label, colour, char in CHART_STYLE.values()],
        "legend_text": "   ".join(f"{char} {label}" for label, _, char in CHART_STYLE.values()),
        "tiles": tiles(digest),
        "counts_note": "Open, in progress and blocked count every active commitment, overdue "
        "ones included; due soon / at risk counts the ones not overdue yet that are due within "
        f"{digest.due_soon_days} days, blocked, or without an update for "
        f"{digest.stale_after_days} days.",
        "chart_height": max(len(digest.areas), 1) * ROW_PX,
        "bar_px": BAR_PX,
        "trend_w": TREND_W,
        "trend_h": TREND_H,
        "bar_w": BAR_W,
        "page_links": page_links or [],
        "title": "Commitments digest" + (f" — {digest.owner}" if digest.owner else ""),
        "period": f"{digest.since.strftime('%Y-%m-%d %H:%M')} – "
        f"{digest.until.strftime('%Y-%m-%d %H:%M')} UTC",
    }
    return environment().get_template(TEMPLATES[fmt]).render(context)
