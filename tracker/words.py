"""Counted nouns in messages: "1 commitment", "2 commitments" (the command line, the scheduler's
errors)."""

from __future__ import annotations

# Nouns whose plural is not the singular with an "s".
_IRREGULAR = {"delivery": "deliveries", "entry": "entries", "summary": "summaries"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count` and `word`, the noun in the plural unless `count` is 1 (`many` names a plural
    that is not in the table of irregular ones)."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or _IRREGULAR.get(word) or word + 's'}"
