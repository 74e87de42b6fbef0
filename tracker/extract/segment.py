"""Split a readout into paragraphs and sentences, keeping offsets and quoted speech.

Sentences come out one at a time, so memory stays bounded by the longest paragraph. Offsets
refer to the original text, so every quote is a verbatim span of it. Quoted speech (“...”)
is recorded per sentence: what a leader says in quotation marks is rhetoric more often than
a commitment, and the rules weigh it accordingly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tracker.extract.vocab import word_set

# Longer "sentences" are tables, lists run together or binary junk: no commitment is that long.
MAX_SENTENCE = 2000

_BOUNDARY = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s|$)")
_ABBREVIATIONS = word_set(
    """mr mrs ms dr prof no nos art st vs etc e.g i.e approx gen gov sen rep inc ltd co corp
    jsc llc u.s u.k a.m p.m jan feb mar apr jun jul aug sep sept oct nov dec fig para pp mt ft
    lt col capt cllr cllrs hon amb sr jr dept govt messrs br bro sis fr rev revd"""
)
LIST_MARKER = re.compile(r"\s*(?:\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivx]{1,5}\)|[•▪·*–—-])\s+")
_TERMINAL = tuple('.!?:;"”»)')
_QUOTE_CHARS = re.compile(r"[“”«»\"]")
_SPEECH_WORDS = 6
_UNWRAPPED = 110  # hard-wrapped copies keep their lines shorter than this


@dataclass(frozen=True)
class Sentence:
    """A sentence: offsets in the whole text, its paragraph, and quoted-speech spans."""

    start: int
    end: int
    text: str
    paragraph: int
    speech: tuple[tuple[int, int], ...] = ()  # offsets relative to `text`

    def in_speech(self, offset: int) -> bool:
        """True when the character at `offset` (relative to `text`) is inside quoted speech."""
        return any(start <= offset < end for start, end in self.speech)


def iter_paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each paragraph: blank lines separate them, and so do line breaks
    after a full stop or before a list item; a hard-wrapped line is joined to the next, even
    across a blank line when the line stops mid-sentence (double-spaced copies of a page)."""
    start: int | None = None
    blank_at: int | None = None  # where a run of blank lines began inside a paragraph
    previous = ""
    pos = 0
    length = len(text)
    while pos < length:
        newline = text.find("\n", pos)
        line_end = length if newline < 0 else newline
        line = text[pos:line_end].strip()
        if not line:
            if start is not None and blank_at is None:
                blank_at = pos
        elif start is None:
            start = pos
        elif blank_at is not None and not _wrapped(previous, line):
            yield start, _rstrip_end(text, start, blank_at)
            start = pos
        elif _breaks(previous, line):
            yield start, _rstrip_end(text, start, pos)
            start = pos
        if line:
            previous, blank_at = line, None
        pos = line_end + 1
    if start is not None:
        yield start, _rstrip_end(text, start, length)


def _wrapped(previous: str, line: str) -> bool:
    """True when a blank line falls inside a sentence: a long line that stops on a word (not
    a heading, not the end of a sentence) and a next line that is no list item."""
    return (
        len(previous) >= 60
        and previous[-1:].isalpha()
        and previous[-1:].islower()
        and not LIST_MARKER.match(line)
    )


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _breaks(previous: str, line: str) -> bool:
    if previous.endswith(_TERMINAL) or LIST_MARKER.match(line) or _ASSIGNED.match(line):
        return True
    if line[:1].islower() or (_capitals(previous) and _capitals(line)):
        return False  # a sentence goes on; in a text set in capitals, every line looks so
    last_word = previous.rsplit(None, 1)[-1]
    # a heading or a dateline; or a line longer than any wrapping width, which ends where its
    # writer pressed Enter ("... as delegates to this years congress" / "We will donate £100")
    return len(previous) < 60 or last_word[:1].isupper() or len(previous) > _UNWRAPPED


# "SB to find out from Nicole ...", "Carolyn Martin to update website": a line of its own in
# minutes' action lists, though the line before ends without a full stop
_ASSIGNED = re.compile(r"(?:[A-Z]{2,3}|[A-Z][a-z]+\s+[A-Z][a-z]+)\s+to\s+[a-z]+\s")


def _capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 8 and all(c.isupper() for c in letters)


def iter_sentences(text: str) -> Iterator[Sentence]:
    """Yield the sentences of `text` in order."""
    for index, (p_start, p_end) in enumerate(iter_paragraphs(text)):
        paragraph = text[p_start:p_end]
        marker = LIST_MARKER.match(paragraph)
        offset = marker.end() if marker else 0
        speech = _speech_spans(paragraph)
        for s_start, s_end in _split(paragraph, offset):
            if s_end - s_start > MAX_SENTENCE:
                continue
            clipped = tuple(
                (max(a, s_start) - s_start, min(b, s_end) - s_start)
                for a, b in speech
                if a < s_end and s_start < b
            )
            yield Sentence(
                p_start + s_start, p_start + s_end, paragraph[s_start:s_end], index, clipped
            )


def _split(paragraph: str, offset: int) -> Iterator[tuple[int, int]]:
    start = offset
    for match in _BOUNDARY.finditer(paragraph, offset):
        end = match.end()
        following = paragraph[end : end + 3].lstrip()
        if following and not (following[0].isupper() or following[0] in "“\"«(['‘0123456789"):
            continue
        if _is_abbreviation(paragraph, match.start()):
            continue
        if paragraph[start:end].strip():
            yield _trimmed(paragraph, start, end)
        start = end
    if paragraph[start:].strip():
        yield _trimmed(paragraph, start, len(paragraph))


def _is_abbreviation(paragraph: str, dot: int) -> bool:
    if paragraph[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and not paragraph[word_start - 1].isspace():
        word_start -= 1
    word = paragraph[word_start:dot].lstrip("(“\"'‘").lower()
    last = word.rsplit("-", 1)[-1]  # "India-U.S. Initiative"
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def _trimmed(paragraph: str, start: int, end: int) -> tuple[int, int]:
    while start < end and paragraph[start].isspace():
        start += 1
    while end > start and paragraph[end - 1].isspace():
        end -= 1
    return start, end


def _speech_spans(paragraph: str) -> list[tuple[int, int]]:
    """Spans of quoted speech; a short quoted name ("Great Stone") is not speech."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for match in _QUOTE_CHARS.finditer(paragraph):
        char, pos = match.group(), match.start()
        if opened is None and char in '“«"':
            opened = pos
        elif opened is not None and char in '”»"':
            spans.append((opened, pos + 1))
            opened = None
    if opened is not None:
        spans.append((opened, len(paragraph)))
    return [(a, b) for a, b in spans if _is_speech(paragraph[a:b])]


def _is_speech(quoted: str) -> bool:
    return len(quoted.split()) >= _SPEECH_WORDS or any(c in quoted for c in ".,!?")
