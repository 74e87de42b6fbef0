"""Cues in a sentence and the clauses they govern.

`cue_hits` finds the commitment cues of `vocab.CUES` in a sentence, keeps the valid ones (an
instruction needs someone instructed, a signature needs a document) and drops overlaps.
`clauses` cuts the sentence into one clause per commitment: between cues of different verbs
joined by "and" or ";" ("agreed to A and instructed B to C"), and at "and to VERB" when the
second action has an object of its own ("to organise a forum and to launch a programme", but
not "to create a group and to hold its first meeting"). A clause starts after the ";" or
", and" before its cue, so "X did this; the Indonesian side promised to ..." quotes only the
promise. The same verb repeated ("will build ... and will start") stays one commitment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tracker.extract.vocab import (
    ALL_VERBS,
    COORDINATED_VERBS,
    COORDINATOR,
    CUES,
    DOCUMENT_NOUNS,
    PURPOSE_NOUNS,
    Cue,
    word_set,
)
from tracker.extract.wording import lemma

_DETERMINERS = word_set("the a an this that these those its their his her our all any some such")
_INSTRUCTEE_END = re.compile(r"\s(?:to|with)\s+(?!(?:the|a|an)\b)")
_DOC_WINDOW = 12
_CLAUSE_START = re.compile(r";\s+|,\s+(?:and|but|while|whereas)\s+")
_RELATIVE_WORD = re.compile(r"\b(?:that|which|who|whose|where)\b")
_GOAL_NOUN = re.compile(
    r"(?i)\b(?:commitments?|objective|goal|resolve|desire)\s+to\s"
    r"|\b(?:their|our|its|the|a)\s+(?:\w+\s+)?aim\s+to\s"
)
_THAT_SERIES = re.compile(r"(?:,\s+(?:and\s+)?|\s+and\s+)that\s+")
_ASYNDETIC = re.compile(r"(?i)(?:agreed|decided|resolved|pledged|undertook|committed)\b")
_AND_TO = re.compile(r",?\s+and\s+(?P<verb>to)\s+(?=[a-z])")
# "decided to act in consensus, to have open meetings, to meet quarterly": a series
_COMMA_TO = re.compile(r"[,;]\s+(?P<verb>to)\s+(?=(?P<word>[a-z]+)\b)")
# "..., strengthen cooperation" / "and jointly provide": a bare verb after a comma or "and".
_BARE_VERB = re.compile(
    r"(?:,\s+(?:and\s+)?|\s+and\s+)(?P<verb>(?:(?:jointly|further|also|together)\s+)?"
    r"(?P<word>[a-z]+))(?=\s+[a-z])"  # the space is not consumed: "and A and B"
)
# "(ii) fighting climate change": an inline item after a numbered one.
_MARKED_ITEM = re.compile(r",?\s+(?:and\s+)?\((?:[ivx]{1,4}|[a-h]|\d{1,2})\)\s+(?P<verb>)(?=[a-z])")
_GERUND_TASK = re.compile(r"\s*(?:\w+ly\s+)?[a-z]{3,}ing\b")
_GERUND_ITEM = re.compile(r"(?:[,;]\s+(?:and\s+)?|\s+and\s+)(?P<verb>)(?=(?P<word>[a-z]{3,}ing)\b)")
_PREPOSITIONS_ING = word_set(
    "including regarding concerning during according following notwithstanding"
)
_NOT_A_VERB = _DETERMINERS | word_set("which whom what whose him them us me you date")
_BACK_REFERENCE = word_set("it its them this these those")  # "their" is the subject's
_VISITS = word_set("visit attend come participate take join pay travel make speak address")


@dataclass(frozen=True)
class Hit:
    """A cue found in a sentence: its offsets, the cue and the matched text."""

    start: int
    end: int
    cue: Cue
    text: str


def cue_hits(text: str) -> list[Hit]:
    """The valid cues of a sentence, in order, without overlaps (the longest cue wins)."""
    lowered = " ".join(text.lower().split())
    cues = [cue for cue in CUES if cue.may_match(lowered)]
    raw = [
        Hit(m.start(), m.end(), cue, m.group()) for cue in cues for m in cue.pattern.finditer(text)
    ]
    raw.sort(key=lambda hit: (hit.start, hit.start - hit.end))
    accepted: list[Hit] = []
    for hit in raw:
        if accepted and hit.start < accepted[-1].end:
            continue
        if hit.text[:5].lower() in ("shoul", "would") and any(
            h.cue.family == "that" for h in accepted
        ):
            continue  # "agreed that X should ...": one commitment, the that-clause's
        if (
            hit.text[:4].lower() in ("will", "shal")
            and accepted
            and accepted[-1].cue.family == "that"
            and not re.search(
                r";|,\s+(?:and|but)\b|\bthat\b",
                text[accepted[-1].end : hit.start],
            )
        ):
            continue  # "agreed that A and B experts will convene": the that-clause's modal
        if _valid(text, hit):
            accepted.append(hit)
    return accepted


def _next_words(text: str, start: int, count: int) -> list[str]:
    return re.findall(r"[\w’'-]+", text[start : start + 200])[:count]


def _valid(text: str, hit: Hit) -> bool:
    family = hit.cue.family
    following = _next_words(text, hit.end, _DOC_WINDOW)
    if family == "verb_after":
        if re.match(r"(?:is|are)\s", hit.text) and _word_before(text, hit.start) in PURPOSE_NOUNS:
            return False  # "the aim is to ..."
        if _GOAL_NOUN.search(hit.text):  # "our commitment to keep ...", not "... to peace"
            return bool(following) and _verb_like(following[0])
        return bool(following) and following[0].lower() not in _DETERMINERS
    if family == "instruct":
        found = instructee(text, hit)
        if found is None:
            return False
        # "invited the President to visit": an invitation, not a task
        task = _next_words(text, found[1], 1)
        return not (
            hit.text.lower().startswith(("ask", "invit")) and task and task[0].lower() in _VISITS
        )
    if family == "document":
        if re.match(r"(?i)(?:agreed|decided|reached)", hit.text):
            return True
        window = (
            following[:8] if hit.text.lower().startswith(("resulted", "culminated")) else following
        )
        if any(word.lower() in DOCUMENT_NOUNS for word in window):
            return True
        # "Cabinet approved the lifting of the ban", "Approved the issuance of drafting
        # instructions": what a cabinet or board approves is its decision, whatever the noun
        return bool(
            re.match(r"(?i)approved|endorsed", hit.text)
            and _BODY_DECIDES.search(text[: hit.start])
            and not _RECORD.match(text, hit.end)
        )
    if family == "document_passive":
        before = re.findall(r"[\w’'-]+", text[max(0, hit.start - 200) : hit.start])[-14:]
        return any(word.lower() in DOCUMENT_NOUNS for word in before)
    return bool(following)


_BODY_DECIDES = re.compile(
    r"(?:^\W*|\b(?:Cabinet|Council\s+of\s+Ministers|Council|Board|Committee|Government"
    r"|Commission|Trustees|Senate)\s+(?:also\s+|further\s+|then\s+|has\s+|had\s+)?)$"
)
# What a body approves that needs no follow-up: the record, appointments made, nothing named.
_RECORD = re.compile(
    r"(?i)\s*(?:\W*$|\d|with\b|(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:minutes|agenda|report|accounts"
    r"|statements?|record|treasurer['’]s|appointments?|nominations?|applications)\b)"
)


# After "commitment to", a noun is an ideal ("to peace"), a verb a task ("to avoid barriers").
_NOUN_ENDING = re.compile(r"(?:tion|sion|ment|ity|ness|ance|ence|ism|ship|cy|ty|ry|ing|al|ics)$")
_IDEALS = word_set(
    """peace security stability democracy dialogue cooperation freedom growth prosperity
    justice law order trade unity sovereignty independence reform reforms values principles
    rights diplomacy"""
)


def _verb_like(word: str) -> bool:
    """True for a word that can start a task after "commitment to": a known verb, or a lowercase
    word that is no determiner, no ideal and has no noun ending."""
    lowered = word.lower()
    if lowered in ALL_VERBS:
        return True
    return (
        word.islower()
        and lowered not in _DETERMINERS
        and lowered not in _IDEALS
        and not _NOUN_ENDING.search(lowered)
    )


def _word_before(text: str, position: int) -> str:
    words = text[max(0, position - 40) : position].split()
    return words[-1].lower() if words else ""


def instructee(text: str, hit: Hit) -> tuple[str, int] | None:
    """The body instructed and where its task starts, for "instructed Y to VERB"; ("", start)
    for an instruction without a recipient ("the head of state instructed to ensure ...")."""
    bare = re.match(r"\s*to\s+(?=[a-z])", text[hit.end :])
    if bare and hit.text.lower().startswith(("instructed", "ordered", "gave", "urged")):
        return "", hit.end + bare.end()
    end = _INSTRUCTEE_END.search(text, hit.end, hit.end + 250)
    if end is None:
        return None
    who = text[hit.end : end.start()].strip()
    first = who.split()[0].lower() if who else ""
    if not first or first in ("at", "against", "towards", "toward", "by", "in", "on", "from"):
        return None  # "directed at", "requested by": no one is instructed
    return who, end.end()


def clauses(text: str, hits: list[Hit]) -> Iterator[tuple[int, int, Hit]]:
    """Clauses of a sentence, one per commitment: split between cues of different verbs, and
    at "and to VERB" with an object of its own; each starts after a ";" or ", and" before it."""
    if not hits:
        return
    spans: list[tuple[int, int, Hit]] = []
    start, current = 0, hits[0]
    for nxt in hits[1:]:
        gap = text[current.end : nxt.start]
        # "that A will be sent, that B will be held and that they will prepare": one each
        that = list(_THAT_SERIES.finditer(gap))
        coordinators = list(COORDINATOR.finditer(gap))
        if that:
            coordinators = that
        elif not coordinators and _ASYNDETIC.match(nxt.text):
            # "JPAC adopted Rules of Procedure, decided to act by consensus": a second verb
            coordinators = list(re.finditer(r",\s*$", gap))
        elif coordinators and (
            _verb_of(nxt) == _verb_of(current) and ";" not in gap and nxt.cue.family != "that"
        ):
            continue  # "will build ... and will start": one action; but "A decided that ...,
            # and B decided that ...": two
        if not coordinators:
            if not gap.strip() and nxt.cue.weight > current.cue.weight:
                current = nxt  # "will be asked to report": the request, not the bare "will"
            continue  # nothing joins the two cues: one clause
        split = coordinators[-1]
        spans.append((start, current.end + split.start(), current))
        start, current = current.end + split.end(), nxt
    spans.append((start, len(text), current))
    for start, end, hit in spans:
        boundaries = list(_CLAUSE_START.finditer(text, start, hit.start))
        if boundaries:
            start = boundaries[-1].end()
        yield from _infinitives(text, start, end, hit)


def _infinitives(text: str, start: int, end: int, hit: Hit) -> Iterator[tuple[int, int, Hit]]:
    """Split "agreed to organise a conference and to launch a programme" in two, unless the
    second action refers back to the first ("to create a group and to hold its meeting");
    likewise "agreed to hold a dialogue, strengthen cooperation and jointly provide ..." and
    "commit to work on: (i) ending ..., (ii) fighting ...", one commitment per action."""
    if hit.cue.family in ("document", "document_named"):
        yield from _documents(text, start, end, hit)
        return
    if hit.cue.family == "instruct":
        yield from _orders(text, start, end, hit)
        return
    if hit.cue.family not in ("verb_after", "that", "instruct_topic", "order_more"):
        yield start, end, hit
        return
    for match in _next_actions(text, hit.end, end):
        first_action = text[hit.end : match.start()].split()
        second = text[match.end() : end].split()[:8]
        has_verb = (
            match.group("verb") == "to"
            or match.re is _GERUND_ITEM
            or any(lemma(w) in ALL_VERBS for w in text[hit.start : match.start()].split())
        )  # "will shortly, and no later than May, sign": one action, said once
        if (
            len(first_action) >= 3
            and has_verb
            and not any(w.lower() in _BACK_REFERENCE for w in second)
        ):
            yield start, match.start(), hit
            begin = match.start("verb")
            yield from _infinitives(text, begin, end, Hit(begin, match.end(), hit.cue, hit.text))
            return
    yield start, end, hit


# The further orders of "directed them to implement A and to ensure B": the same people's
ORDER_MORE = Cue("order_more", re.compile(""), 0.85, ())


def _orders(text: str, start: int, end: int, hit: Hit) -> Iterator[tuple[int, int, Hit]]:
    """ "asked the Finance Department to sanction the funds within a week and to organise
    meetings": one order each, split only where "to" repeats (a bare verb may be the task's)."""
    found = instructee(text, hit)
    task = found[1] if found else hit.end
    # "told the RCs to resolve conflicts and encourage the public to ...": two orders
    further = (
        *_AND_TO.finditer(text, task, end),
        *_COMMA_TO.finditer(text, task, end),
        *_bare_actions(text, task, end),
    )
    for match in sorted(further, key=lambda m: m.start()):
        second = text[match.end() : end].split()[:8]
        if len(text[task : match.start()].split()) >= 3 and not any(
            w.lower() in _BACK_REFERENCE for w in second
        ):
            yield start, match.start(), hit
            begin = match.start("verb")
            yield from _infinitives(text, begin, end, Hit(begin, match.end(), ORDER_MORE, hit.text))
            return
    yield start, end, hit


# "signed an agreement on maritime delimitation, an agreement on the embassies and a letter of
# intent on trade": each document signed is one commitment to implement
_NEXT_DOCUMENT = re.compile(
    r"(?:[,;]\s+(?:and\s+|as\s+well\s+as\s+)?|\s+(?:and|as\s+well\s+as)\s+)(?=(?:an?|the)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:agreements?|memorand(?:um|a)|protocols?|treaty|treaties|letters?\s+of"
    r"|declarations?|conventions?|contracts?|MoUs?|accords?|programmes?|plans?)\b)",
    re.IGNORECASE,
)


def _documents(text: str, start: int, end: int, hit: Hit) -> Iterator[tuple[int, int, Hit]]:
    cut = start
    for match in _NEXT_DOCUMENT.finditer(text, hit.end, end):
        if len(text[max(cut, hit.end) : match.start()].split()) < 3:
            continue  # "the agreement and the protocol": one object, named twice
        yield cut, match.start(), hit
        cut = match.end()
    yield cut, end, hit


def _next_actions(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Where a further action of the same cue starts, in order."""
    found = [*_AND_TO.finditer(text, start, end), *_MARKED_ITEM.finditer(text, start, end)]
    found += [m for m in _COMMA_TO.finditer(text, start, end) if m.group("word") not in _NOT_A_VERB]
    if _GERUND_TASK.match(text, start):  # "tasked with completing A, developing B and ..."
        found += [
            m
            for m in _GERUND_ITEM.finditer(text, start, end)
            if m.group("word") not in _PREPOSITIONS_ING
            and not text.startswith("taking into account", m.end())
        ]
    found += _bare_actions(text, start, end)
    yield from sorted(found, key=lambda m: m.start())


def _bare_actions(text: str, start: int, end: int) -> list[re.Match[str]]:
    """ "..., strengthen cooperation and jointly provide ...": further actions as bare verbs,
    but not the verbs of a relative clause ("practices that lead to X, create Y")."""
    return [
        match
        for match in _BARE_VERB.finditer(text, start, end)
        if match.group("word").lower() in COORDINATED_VERBS
        and not _RELATIVE_WORD.search(text, start, match.start())
    ]


def _verb_of(hit: Hit) -> str:
    words = [w for w in hit.text.lower().split() if w not in ("have", "has", "is", "are", "been")]
    return words[0] if words else ""
