"""The formats a digest comes in: one list for the renderer, the schedules and the commands
(which import this module alone: it loads nothing else)."""

from __future__ import annotations

FORMATS = ("md", "html", "txt")
DEFAULT_FORMATS = ("md", "html")  # what a schedule writes into its folder unless told
