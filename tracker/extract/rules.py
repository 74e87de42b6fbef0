"""The rules that turn sentences into commitment findings.

A sentence is a candidate when it holds a cue from `vocab.CUES`; `clauses.py` cuts it into one
clause per commitment. Each cue family says where the actor and the action are ("X agreed to
VERB", "X instructed Y to VERB", "X signed an agreement on Z", "X is interested in Y"), which
gives the owner (`owners.py`), an imperative title (`wording.py`), the kind of action and, from
the clause's first time expression after the meeting, the deadline (`when.py`).

What is not a commitment:
- history: past perfect ("had signed"), "recalled", a date before the meeting next to a
  document verb ("the treaty signed in 2011");
- negation ("will not"), questions, documents that are not agreements ("signed a decree");
- praise and opinion: a cue after "praised", "believe", "convinced" loses 0.4 confidence;
- rhetoric: a cue inside quoted speech loses 0.2, and 0.3 more with a first-person subject, so
  "We will analyze it at home" in a quoted compliment is dropped, while "A joint working group
  ... will add a new impetus" (a named body acting) is kept;
- predictions: "will" with no agent (a body, a country, the sides), with a verb that predicts
  an effect ("will become", "will help") or with no object ("will continue to develop") loses
  0.25 for each.
A finding is kept at confidence >= FLOOR; with a sentence model (`learned.py`), a sentence's
findings are dropped when the model finds the sentence unlikely, and a sentence with none
becomes one finding when it finds it likely. An instruction about "the issue" right after a
finding of the previous sentence merges with it into one commitment quoting both sentences.
A sentence repeated verbatim is processed once: it could only repeat its commitments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise

from tracker.extract.clauses import Hit, clauses, cue_hits, instructee
from tracker.extract.learned import SentenceModel, features
from tracker.extract.owners import (
    Parties,
    Sides,
    actor_of,
    find_bodies,
    joint_parties,
    resolve_parties,
)
from tracker.extract.places import countries_in
from tracker.extract.segment import LIST_MARKER, Sentence, iter_sentences
from tracker.extract.vocab import (
    ACTION_VERBS,
    ALL_VERBS,
    ANAPHORIC_OBJECT,
    BODY_HEADS,
    DESCRIPTIVE,
    FIRST_PERSON,
    HISTORY,
    KIND_VERBS,
    NEGATION,
    OPINION,
    PASSIVE_ACTIONS,
    PRAISE,
    PREDICTIVE_VERBS,
    REPORTING,
    Cue,
    word_set,
)
from tracker.extract.when import (
    TimeExpression,
    event_dates,
    event_deadline,
    find_deadlines,
    mentions_past,
)
from tracker.extract.wording import (
    area_of,
    drop_phrase,
    imperative,
    lemma,
    main_action,
    noun_title,
    shorten,
)

FLOOR = 0.5
_IT_IS = re.compile(
    r"\bit\s+is\s+(?:\w+\s+)?(?:essential|necessary|important|advisable|expedient|vital"
    r"|crucial|appropriate|desirable|useful|reasonable)\s+to\s+",
    re.IGNORECASE,
)
_THAT_MODAL = re.compile(r"\b(?:should|will|shall|must|would|need\s+to|are\s+to|is\s+to)\s+")
_MODAL_CUE = re.compile(r"\b(?:will|shall|expected|due|set|going|about|poised|slated|scheduled)\b")
_URGENT = re.compile(r"\b(?:priority|urgent(?:ly)?|without\s+delay|immediately)\b", re.IGNORECASE)
_GENERIC_AIM = re.compile(
    r"^(?:intensify|strengthen|deepen|develop|expand|promote|enhance|boost|step)\b.{0,40}"
    r"\b(?:cooperation|relations|ties|interaction|partnership|dialogue|contacts)\b",
    re.IGNORECASE,
)
# What one looks forward to out of courtesy: meeting, welcoming, a good relationship.
_COURTESY = re.compile(
    r"^\s*(?:\w+ing\s+(?:a|an|the|their|our|his|her)\s+(?:\w+\s+){0,2}?(?:working\s+)?"
    r"relationship|seeing|meeting\s+(?:him|her|you|them)|working\s+(?:\w+ly\s+)?with\s+(?:him|her"
    r"|them|you|(?:the\s+)?(?:new\s+)?(?:Prime\s+Minister|President|Chancellor|government"
    r"|administration)\b)"
    r"|welcoming|hosting)\b",
    re.IGNORECASE,
)
_ORDERED = re.compile(r"instruct|tasked|assigned|directed|ordered|charged")
# "The Prime Minister said he would ask ...": a reported "will".
_SAID_WOULD = re.compile(
    r"\b(?:said|told\s+\w+|added|announced|confirmed|promised)\s+(?:that\s+)?(?:he|she|they|it|we"
    r"|the\s+\w+)\s*$",
    re.IGNORECASE,
)
# "the two foreign secretaries would meet in May", "talks would be held in July": a reported
# plan, unlike "would help", "would be fruitful", "would like".
_WOULD_PLAN = re.compile(
    r"(?:meet|travel|visit|begin|start|commence|resume|hold|sign|launch|establish|set\s+up"
    r"|convene|host|organi[sz]e|send|submit|prepare|draft|work\s+(?:out|on|together|with)"
    r"|take\s+(?:all\s+|the\s+)?(?:necessary\s+|possible\s+)?(?:steps|measures|action)"
    r"|continue\s+to|cooperate|coordinate|conduct|implement|review|report|appoint|study|examine"
    r"|explore|discuss|consider"
    r"|be\s+(?:held|convened|organi[sz]ed|signed|launched|established|set\s+up|opened"
    r"|undertaken|submitted|sent|prepared|drafted|finali[sz]ed|concluded|resumed"
    r"|reviewed|implemented|announced))\b"
)
_HYPOTHESIS = re.compile(
    r"(?i)^\s*(?:if|unless|whether)\b|\b(?:hope[sd]?|hoping|believe[sd]?|thinks?|thought"
    r"|felt|feel|wish(?:ed)?|if|unless|without|otherwise)\b"
)
# Said before "should", these make it one side's demand or view of what others should do.
_DEMAND = re.compile(
    r"\b(?:made\s+(?:it\s+)?clear|insisted|demanded|called\s+(?:up)?on|urged|warned|believes?"
    r"|expressed|said|stated|stressed|emphasi[sz]ed|underlined|noted|pointed\s+out)\b",
    re.IGNORECASE,
)
# "The foreign ministers of the two countries believe that the two sides should abide by
# ...": both sides' view of what both will do, not a demand on others.
_SHARED_VIEW = re.compile(
    r"(?i)^(?=[^,;]*\b(?:two|both|we|they|sides|leaders)\b)[^;]*?\b(?:believe|agree|think"
    r"|consider|feel|felt|thought|noted|stressed|emphasi[sz]ed|underlined|said|stated"
    r"|expressed)\w*\s+(?:the\s+view\s+)?(?:that\s+)?(?P<own>(?:the\s+two|both)\s+(?:sides"
    r"|countries|parties|governments))\s*$"
)
_MEETING_OF = re.compile(r"\b(?:meeting|session|round|sitting)\s+of\b", re.IGNORECASE)
_BUNDLE = re.compile(
    r"\s*(?:a\s+)?(?:number|package|set|series|range)\s+of\s+(?:\w+\s+){0,2}?"
    r"(?:documents|agreements)\s*,?\s+(?:including|among\s+them|in\s+particular)\s+",
    re.IGNORECASE,
)
_VAGUE_ACTION = re.compile(r"^\s*(?:continue\s+to\s+)?\S+\s*\W*$", re.IGNORECASE)
_TAKE_PLACE = re.compile(r"^take\s+place\b", re.IGNORECASE)
_LEAD_IN = re.compile(
    r"(?:\bfollowing\b[^:]{0,60}|\bas\s+follows|\b(?:on|to|for|in|with|of|including|namely)):\s*$",
    re.IGNORECASE,
)
# "will make resolute efforts to uphold": an effort promised, not a prediction
_EFFORT = re.compile(
    r"^\s*(?:make|increase|redouble|step\s+up|intensify|strengthen)\s+(?:\w+\s+){0,2}?"
    r"(?:efforts?|commitments?|preparations|arrangements|progress|contributions?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One commitment found in the text, before keys and defaults are assigned."""

    start: int  # offsets of the quote in the whole text
    end: int
    cue: str
    kind: str
    title: str
    parties: Parties
    deadline: TimeExpression | None
    area: str
    priority: str
    confidence: float
    anaphoric: bool = False


@dataclass
class _Context:
    meeting: date
    sides: Sides
    area: str | None = None  # the document's dominant area, if any
    previous_text: str = ""
    subject_parties: Parties | None = None
    minutes: bool = False
    list_subject: str | None = None  # the subject of a list's header, while its items last
    list_agreed: bool = False  # the header agreed or decided something ("We have agreed to:")
    events: dict[str, TimeExpression] = field(default_factory=dict)  # dated coming events
    instructions: bool = False  # someone has given instructions: "X should be done" is one
    roles: dict[str, str] = field(default_factory=dict)  # "secretary" -> "Gordon Glassford"
    ordered: Parties | None = None  # who the last order went to ("... and to ensure B")
    below: float | None = None  # the best confidence under FLOOR in the current sentence


def find_commitments(
    text: str,
    meeting: date,
    sides: Sides,
    area: str | None = None,
    *,
    minutes: bool = False,
    model: SentenceModel | None = None,
    observed: list[tuple[int, int, dict[str, float]]] | None = None,
) -> Iterator[Finding]:
    """Yield the commitments of `text` in order, one sentence at a time. `sides` are the
    meeting's parties (own side first), `area` the document's dominant area. With a `model`,
    each sentence's findings are second-guessed (`learned.py`); `observed` collects every
    sentence's span and model features, as the model's training reads them."""
    context = _Context(
        meeting,
        sides,
        area,
        minutes=minutes,
        events=event_dates(text, meeting),
        roles=_roles(text[:3000]) if minutes else {},
    )
    pending: list[Finding] = []
    pending_paragraph = -1
    seen: set[str] = set()  # the sentences met so far, at most the size of the text
    paragraph = -1
    for sentence in iter_sentences(text):
        sentence = _uncapitalised(sentence)
        first_in_paragraph = sentence.paragraph != paragraph
        paragraph = sentence.paragraph
        if sentence.paragraph != pending_paragraph:
            context.previous_text, context.subject_parties = "", None
        item = (first_in_paragraph and _list_item(text, sentence)) or (
            context.previous_text.rstrip().endswith(":") and bool(_INLINE_ITEM.match(sentence.text))
        )
        if first_in_paragraph and not item and not _header(sentence.text, context):
            context.list_subject = None
        # A sentence repeated verbatim would only repeat its commitments: process it once.
        normalised = " ".join(sentence.text.split())
        context.below = None
        after_colon = context.previous_text.rstrip().endswith(":")
        if normalised in seen:
            found = []
        elif item and context.list_subject is not None:
            found = list(_item_findings(sentence, context))
        else:
            found = list(_sentence_findings(sentence, context))
            _header(sentence.text, context, update=True)
        if normalised not in seen and (model is not None or observed is not None):
            found = _second_guess(sentence, found, context, model, observed, item, after_colon)
        seen.add(normalised)
        if (
            len(found) == 1
            and found[0].anaphoric
            and pending
            and pending_paragraph == sentence.paragraph
        ):
            pending[-1] = _merge(pending[-1], found[0])
            found = []
        yield from pending
        pending, pending_paragraph = found, sentence.paragraph
        context.previous_text = sentence.text
    yield from pending


def _second_guess(
    sentence: Sentence,
    found: list[Finding],
    context: _Context,
    model: SentenceModel | None,
    observed: list[tuple[int, int, dict[str, float]]] | None,
    item: bool,
    after_colon: bool,
) -> list[Finding]:
    """The rules' findings in a sentence, as the sentence model judges them: dropped when it
    finds the sentence unlikely to commit anyone, and one finding for the whole sentence when
    the rules found nothing and it finds a commitment likely."""
    seen = features(
        sentence.text,
        found=bool(found),
        below=context.below,
        minutes=context.minutes,
        item=item,
        after_colon=after_colon,
        speech=bool(sentence.speech),
    )
    if observed is not None:
        observed.append((sentence.start, sentence.end, seen))
    if model is None or len(sentence.text.split()) < 3:
        return found
    probability = model.probability(seen)
    if found and probability < model.drop:
        return []
    if not found and probability >= model.add:
        return [_model_finding(sentence, context, probability)]
    return found


# Where the predicate of a sentence the rules did not read starts: a modal or "to" before a
# verb ("Terry to contact both", "the ministry will prepare"); what comes before is the subject.
_PREDICATE = re.compile(
    r"\b(?:will|shall|should|must|would|is\s+to|are\s+to|to|agreed\s+to|ha(?:s|ve)\s+agreed\s+to)"
    r"\s+(?:(?:also|further|jointly|now|then|soon|continue\s+to)\s+)?(?:be\s+)?(?P<verb>[a-z]+)\b"
)
_AUXILIARY_END = re.compile(
    r"(?:\s+(?:is|are|was|were|has|have|had|also|further|then|now|jointly))+\s*$", re.IGNORECASE
)


def _predicate(text: str) -> tuple[str, str] | None:
    """(subject, action) of a sentence: at its first modal-and-verb, else at its first known
    verb that does not open it ("Following the meeting, ..." opens with a participle)."""
    for match in _PREDICATE.finditer(text):
        if lemma(match.group("verb")) in ALL_VERBS:
            return text[: match.start()], text[match.start("verb") :]
    for match in re.finditer(r"[A-Za-z]+", text):
        if match.start() and lemma(match.group().lower()) in ALL_VERBS:
            return _AUXILIARY_END.sub("", text[: match.start()]), text[match.start() :]
    return None


def _model_finding(sentence: Sentence, context: _Context, probability: float) -> Finding:
    """A finding for a whole sentence the model judged a commitment: the subject before its
    predicate acts, as the rules would read it; else the meeting's parties."""
    text = sentence.text
    predicate = _predicate(text)
    subject, action = predicate or ("", text)
    actor, _, named = _subject_parties(subject, context)
    parties = named or _unnamed_parties(actor, context.sides)
    deadline = _deadline(text, context)
    phrase = deadline.phrase if deadline else None
    title = imperative(action, without=phrase) if predicate else shorten(drop_phrase(text, phrase))
    return Finding(
        start=sentence.start,
        end=sentence.end,
        cue="sentence model",
        kind=_kind(action) if predicate else "deliver",
        title=title,
        parties=parties,
        deadline=deadline,
        area=area_of((text, context.previous_text), fallback=context.area),
        priority="normal",
        confidence=round(min(probability, 0.99), 2),
    )


def _subject_parties(subject: str, context: _Context) -> tuple[str, str | None, Parties | None]:
    """The actor a subject names (in minutes, the one who acts in a note), the antecedent of a
    pronoun, and the parties the actor stands for when the rules know who it is."""
    actor, antecedent = actor_of(subject)
    if context.minutes:
        actor = _minutes_actor(actor)
    parties = (
        (_someone(actor, context) if context.minutes else None)
        or _pronoun_parties(actor, context)
        or resolve_parties(actor, context.sides, context.subject_parties)
        or _agent(actor, minutes=context.minutes)
    )
    return actor, antecedent, parties


def _deadline(text: str, context: _Context) -> TimeExpression | None:
    """The first time expression of `text` after the meeting, else a coming event it names."""
    return next(iter(find_deadlines(text, context.meeting)), None) or event_deadline(
        text, context.events
    )


def _uncapitalised(sentence: Sentence) -> Sentence:
    """ "THE SUMMIT DIRECTED THE SECRETARIAT TO AVAIL ...": a sentence in capitals is read in
    lower case (the cues look for lowercase verbs), the first letter kept; offsets stay."""
    letters = [c for c in sentence.text if c.isalpha()]
    if len(letters) < 20 or sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return sentence
    lowered = sentence.text[:1] + sentence.text[1:].lower()
    lowered = _MONTH_WORD.sub(lambda month: month.group().capitalize(), lowered)  # "30th July"
    return replace(sentence, text=lowered) if len(lowered) == len(sentence.text) else sentence


_MONTH_WORD = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december)\b"
)


_HEADER_CUE = re.compile(
    r"^(?P<subject>.*?)\b(?:(?:have|has)\s+)?(?:(?:jointly|also|further)\s+)?(?:agreed|decided"
    r"|resolved|committed|pledged|undertook|undertake|commit|agree|decide|will|shall"
    r"|adopted|approved|recommended|declare|declares|hereby\s+declare"
    # "The Council's tasks include:", "The task force is responsible for:"
    r"|(?:[’']s\s+)?(?:tasks|duties|mandate|responsibilities|functions)\s+(?:include|are|will\s+be)"
    r"|(?:is|are|will\s+be)\s+(?:tasked\s+with|responsible\s+for|charged\s+with))\b(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ITEM_START = re.compile(r"(?:[Tt]o\s+)?(?P<verb>[A-Za-z]+)\b")
# An inline item marker: "(ii) fighting ...", ", and (iv) promoting ...".
_INLINE_ITEM = re.compile(r"(?:^|,?\s+(?:and\s+)?)\((?:[ivx]{1,4}|[a-h]|\d{1,2})\)\s+")
_ITEM_CUE = Cue("verb_after", re.compile(""), 0.8, ())


def _list_item(text: str, sentence: Sentence) -> bool:
    """True when the sentence opens a list item: after a marker on its line, or a line that
    starts with a lowercase word or with "To VERB"."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    prefix = text[line_start : sentence.start]
    if prefix.strip():
        return bool(LIST_MARKER.fullmatch(prefix))
    first = sentence.text.split(None, 1)[0] if sentence.text.split() else ""
    return first[:1].islower() or bool(re.match(r"To\s+[a-z]", sentence.text))


def _header(text: str, context: _Context, *, update: bool = False) -> bool:
    """True for a list's header: "Both sides agreed:", "We have agreed to:", or a bare subject
    line ("The Deputies"); with `update`, it becomes the subject of the items that follow."""
    stripped = text.strip()
    words = stripped.split()
    titled = len(words) <= 10 and sum(w[:1].isupper() for w in words) * 2 > len(words)
    bare = (len(words) <= 6 or titled) and not stripped.endswith((".", ";", ",", "?", "!"))
    if not (stripped.endswith(":") or bare):
        return False
    if update:
        cue = _HEADER_CUE.match(stripped.rstrip(":"))
        if cue:
            context.list_subject, context.list_agreed = cue.group("subject"), True
        elif bare and stripped[:1].isupper() and context.list_agreed:
            pass  # "In the Field of Higher Education": a section of what was agreed above
        elif bare and stripped[:1].isupper():
            context.list_subject, context.list_agreed = stripped, False
        else:
            context.list_subject, context.list_agreed = None, False
    return True


def _item_findings(sentence: Sentence, context: _Context) -> Iterator[Finding]:
    """An item of a list under a header: its own cues with the header's subject, else, under
    a header that agreed something, the item itself ("To launch ...", "Adopt ...")."""
    subject = context.list_subject or ""
    hits = cue_hits(sentence.text)
    if hits and not sentence.text[: hits[0].start].strip():
        for start, end, hit in clauses(sentence.text, hits):
            finding = _finding(sentence, start, end, hit, subject, context)
            if finding is not None:
                yield finding
        return
    if hits:
        yield from _sentence_findings(sentence, context)
        return
    if not context.list_agreed:
        return
    # "(i) ending the pandemic, (ii) fighting climate change, and (iii) ...": one each
    bounds = [0, *(m.start() for m in _INLINE_ITEM.finditer(sentence.text) if m.start()), None]
    for start, end in pairwise(bounds):
        part = sentence.text[start:end]
        marker = _INLINE_ITEM.match(part)
        offset = start + (marker.end() if marker else 0)
        verb = _ITEM_START.match(sentence.text, offset)
        if not (verb and _is_action_verb(lemma(verb.group("verb")))):
            continue
        hit = Hit(verb.start("verb"), verb.start("verb"), _ITEM_CUE, "")
        stop = start + len(part.rstrip(" ;,."))
        finding = _finding(sentence, offset, stop, hit, subject, context)
        if finding is not None:
            yield replace(finding, cue="list item")


# An action in minutes starts the sentence, follows an item number ("2.6") or "Action:".
_ACTION_ITEM = re.compile(
    r"(?:^|(?:(?<=\s)|^)\d{1,2}(?:\.\d{1,2})+\s+|\b(?:[Aa]ctions?|ACTIONS?)\s*[:\-–]\s*)"
    r"(?P<who>(?:[A-Z][\w.’'&/-]*|[a-z]+)(?:,?\s+(?:[A-Z][\w.’'&/-]*|and|of|the|&)){0,5})"
    r"(?:\s+also)?\s+to\s+(?:be\s+asked\s+to\s+)?(?P<verb>[a-z]+)\b"
)


_ASKER = re.compile(r"(?:^|:\s*)(?P<who>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?)\s+to\s*$")


def _is_motion(cue: str) -> bool:
    return "motion" in cue or cue.startswith(("moved", "voted"))


# A motion about the meeting itself: approving its minutes or agenda, adjourning.
_PROCEDURAL = re.compile(
    r"\b(?:adjourn\w*|(?:approv\w*|accept\w*|adopt\w*|attach|attatch)\s+(?:of\s+)?(?:the\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:minutes|agenda|document|corrections|report\s+as\s+read)"
    r"|table\s+the|carry\s+over\s+(?:the\s+)?(?:remaining\s+)?items"
    # "a motion to add #3 to the agenda", "to move the budget to the top of the agenda"
    r"|(?:to|on|from|off)\s+(?:the\s+)?(?:top\s+of\s+(?:the\s+)?)?agenda|amend\s+the\s+motion"
    r"|discuss\s+(?:the\s+)?request)\b",
    re.IGNORECASE,
)


_OWN_RECORD = re.compile(
    r"(?i)\b(?:minutes|reports?)\b(?:\s+of\s+(?:the\s+)?(?:previous\s+|last\s+)?(?:meeting\s+)?"
    r"(?:of\s+|on\s+|held\s+on\s+)?[\w ,]{0,25}?)?[:\s]+"
    r"(?:were\s+|was\s+|be\s+)?(?:\w+\s+and\s+)?(?:approved|adopted|accepted|confirmed|signed)\b"
)
_WITH_COUNTERPART = re.compile(r"agreed\s+with\s+\w+\s+(?:[\w-]+\s+)?counterpart")
_NEXT_MEETING = re.compile(r"(?i)^\W*(?:the\s+)?next\s+(?:\w+\s+)?meeting\b")
_BARE_ACTION = re.compile(
    r"^\s*(?:Action(?:\s+items?)?\s*:\s*)?(?:To\s+(?P<verb>[a-z]{2,})"
    # not "Present were: ...", "Open Access – Cabinet minute summary" (a heading)
    r"|(?P<imperative>[A-Z][a-z]+)\s+(?!of\b|and\b|were\b|was\b|is\b|are\b|\w+\s+[–—]\s"
    r"|[A-Z][a-z]+,)\S)"  # nor "Present Roy, Lyn, John": a list of names
)


def _bare_action_verb(match: re.Match[str]) -> bool:
    """ "To follow up": any verb but "be" and the like; "Follow up on": a known action verb
    (a capitalised word before "on" is more often a heading than an order)."""
    if match.group("verb"):
        return match.group("verb") not in _NOT_ACTION
    return match.group("imperative").lower() in ALL_VERBS  # the base form: not "Meeting with"


# "Action item: Forward the letter (Lise)": who is named in brackets at the end; "(all)" is
# everyone at the meeting.
_ASSIGNEE = re.compile(r"\((?P<who>[A-Z][\w.’' &/-]{1,40}|all|everyone)\)\W*$")


def _assignee(text: str) -> Parties | None:
    match = _ASSIGNEE.search(text)
    if match is None or match.group("who").lower() in ("all", "everyone"):
        return None
    return Parties(match.group("who").strip(), None, True)


_NOT_ACTION = frozenset(("be", "the", "a", "an", "date", "this", "that", "which", "do"))


def _headline(text: str) -> bool:
    """ "Moon, Trump Agree to Push for N. Korea Summit as Scheduled": a headline, which the
    body repeats in full; most of its words are capitalised and it has no full stop."""
    words = re.findall(r"[A-Za-z][\w’'-]*", text)
    if len(words) < 5 or text.rstrip().endswith((".", ";", ":")):
        return False
    small = {"a", "an", "the", "of", "to", "for", "and", "in", "on", "at", "as", "with", "by"}
    content = [w for w in words if w.lower() not in small]
    return sum(w[0].isupper() for w in content) >= 0.8 * len(content)


def _action_items(sentence: Sentence, context: _Context) -> Iterator[Finding]:
    """Minutes' actions: "PJM to provide a copy ...", "Action: secretariat to prepare ..."."""
    for match in _ACTION_ITEM.finditer(sentence.text):
        who = match.group("who")
        verb = match.group("verb")
        # in minutes "David to collect keys" is a task whatever the verb; elsewhere the verb
        # must be a known action ("Ukraine to join talks" is a headline, not a task)
        if not (_is_action_verb(verb) or (context.minutes and verb not in _NOT_ACTION)):
            continue
        if not (who[:1].isupper() or context.minutes):
            continue
        hit = Hit(match.start("verb"), match.start("verb"), _ITEM_CUE, "")
        finding = _finding(sentence, match.start(), len(sentence.text), hit, who, context)
        if finding is not None:
            parties = finding.parties
            if not parties.named and not resolve_parties(who, context.sides):
                parties = Parties(_capitalised(who), None, True)  # initials, a post
            yield replace(finding, cue="action", parties=parties, priority="normal")


def _is_action_verb(word: str) -> bool:
    lowered = word.lower()
    return lowered in KIND_VERBS or lowered in ACTION_VERBS


def _merge(first: Finding, second: Finding) -> Finding:
    return replace(
        first,
        end=second.end,
        cue=f"{first.cue}; {second.cue}",
        kind=second.kind,
        parties=second.parties if second.parties.named else first.parties,
        deadline=second.deadline or first.deadline,
        priority=second.priority if second.priority == "high" else first.priority,
        confidence=max(first.confidence, second.confidence),
    )


def _sentence_findings(sentence: Sentence, context: _Context) -> Iterator[Finding]:
    text = sentence.text
    if text.rstrip('”"’ ').endswith("?") or _headline(text):
        return
    hits = cue_hits(text)
    bare = _BARE_ACTION.match(text) if not hits and context.minutes else None
    if bare and len(text.split()) < 3:
        bare = None  # "Finance Report", "Open Issues": headings
    if bare and _bare_action_verb(bare):
        # minutes' action list: "To follow up on the criteria", "Follow up on the lighting"
        start = bare.start("verb") if bare.group("verb") else bare.start("imperative")
        hit = Hit(start, start, _ITEM_CUE, "")
        finding = _finding(sentence, 0, len(text), hit, "", context)
        if finding is not None:
            yield replace(finding, cue="action", parties=_assignee(text) or finding.parties)
        return
    if not hits:
        yield from _action_items(sentence, context)
        return
    subject = ""
    for start, end, hit in clauses(text, hits):
        own_subject = text[start : hit.start]
        if own_subject.strip():
            subject = own_subject
        finding = _finding(sentence, start, end, hit, subject, context)
        if finding is not None:
            yield finding


def _finding(
    sentence: Sentence, start: int, end: int, hit: Hit, subject: str, context: _Context
) -> Finding | None:
    text = sentence.text
    clause = text[start:end]
    family = hit.cue.family
    cue_text = " ".join(hit.text.lower().split())
    if NEGATION.search(text[hit.start : hit.end + 20]) or NEGATION.search(subject):
        return None
    if _LEAD_IN.search(clause):
        return None  # a list's header ("agreed to take the following actions:"): items follow
    if (
        cue_text.startswith("would")
        and not context.minutes
        and not _SAID_WOULD.search(subject)
        and not (_WOULD_PLAN.match(text, hit.end) and not _HYPOTHESIS.search(subject))
    ):
        return None  # outside minutes "would" is a conditional, not a reported "will"
    if cue_text.startswith("agreed") and _PROCEDURAL.match(text[hit.end :]):
        return None  # "agreed to carry over remaining items to future meetings"
    if _is_motion(cue_text) and (
        _PROCEDURAL.search(text[hit.end : hit.end + 60]) or _PROCEDURAL.search(text[: hit.start])
    ):
        return None  # "Motion to adjourn", "made motion to accept document": procedure
    if context.minutes and (
        _OWN_RECORD.search(text[max(0, hit.start - 40) : hit.end + 60])
        or _OWN_RECORD.match(text.lstrip())
    ):
        return None  # "RESOLVED that the minutes of the meeting be approved", "reports were
        # discussed and approved": the meeting's own record
    if context.minutes and _NEXT_MEETING.match(subject):
        return None  # "The next meeting will take place on 22nd June": the calendar
    shared = _SHARED_VIEW.match(subject) if cue_text.startswith("should") else None
    if shared:
        subject = shared.group("own")  # the sides' own view: they are who acts
    elif cue_text.startswith("should") and _DEMAND.search(subject) and not context.instructions:
        return None  # "made clear that Russia should release ...": a demand, not a commitment
    if HISTORY.search(subject + hit.text):
        return None
    if family.startswith("document") and (
        mentions_past(text[hit.end : hit.end + 60], context.meeting)
        or mentions_past(subject, context.meeting)
    ):
        return None
    deadline = _deadline(clause, context)
    phrase = deadline.phrase if deadline else None
    actor, antecedent, subject_parties = _subject_parties(subject, context)
    if _is_motion(cue_text) and context.minutes:
        subject_parties = joint_parties(context.sides)  # the mover proposes; the body decides
    if _WITH_COUNTERPART.match(cue_text):
        subject_parties = joint_parties(context.sides)  # "X agreed with his counterpart to"
    confidence = hit.cue.weight
    action = text[hit.end : end]

    if family == "order_more":  # "... and to ensure B": what the order before asked of them
        parties = context.ordered or _instructor_government(subject_parties, context.sides)
        title, kind = imperative(action, without=phrase), _kind(action)
    elif family == "instruct":
        instructed, task_start = instructee(text, hit) or ("", hit.end)
        action = text[task_start:end]
        if instructed.lower() in ("them", "him", "her"):
            # "Holding a conference with Union Ministers, Modi directed them to": the body
            # named before, in this sentence or the one before
            named = find_bodies(text[: hit.start]) or find_bodies(context.previous_text)
            parties = (
                Parties(_capitalised(named[-1]), None, True)
                if named
                else context.subject_parties or _instructor_government(None, context.sides)
            )
        elif instructed:
            parties = resolve_parties(instructed, context.sides) or subject_parties
            if parties is None:  # someone outside the known parties: named as written
                parties = Parties(_capitalised(instructed), None, True)
        else:  # no one named: the government of the one who instructs
            parties = _instructor_government(subject_parties, context.sides)
        context.ordered = parties
        assigned = _ASKER.search(subject)
        if assigned and context.minutes:  # "Action: Tom to ask Pierre to ...": Tom's task
            parties = _someone(assigned.group("who"), context) or Parties(
                assigned.group("who"), None, True
            )
        title, kind = imperative(action, without=phrase), _kind(action)
    elif family == "that":
        that = _that_clause(action, phrase, subject_parties, context)
        if that is None:
            return None
        title, kind, parties = that
    elif family.startswith("document"):
        kind, parties = "implement", subject_parties
        obj = subject if family == "document_passive" else _document_object(action)
        prefix = "Implement the agreement on" if cue_text.startswith("reached") else "Implement"
        title = noun_title(prefix, actor_of(obj)[0], without=phrase)
    elif family == "progressive":
        gerund = list(re.finditer(r"\w+ing\b", hit.text))[-1]  # "are considering"
        action = text[hit.start + gerund.start() : end]
        title, kind = imperative(action, without=phrase), _kind(action)
        parties = subject_parties
    elif family == "instruct_topic":
        who = hit.cue.pattern.match(hit.text)  # the cue names the recipient itself
        recipient = who.group("who") if who else ""
        parties = resolve_parties(recipient, context.sides) or Parties(
            _capitalised(recipient), None, True
        )
        title, kind = shorten("Act on " + drop_phrase(action, phrase)), "deliver"
        if re.match(r"\s*[a-z]{3,}ing\b", action):  # "concern developing a roadmap"
            kind = _kind(action)
    elif family == "scheduled":
        title = shorten(f"Hold {_noun_phrase(actor)} {drop_phrase(action, phrase)}")
        kind, parties = "event", None
    elif family == "pledge":
        title = shorten("Provide " + drop_phrase(action, phrase))
        kind, parties = "deliver", subject_parties
    elif family == "interest":
        title = shorten("Explore " + drop_phrase(action, phrase))
        kind, parties = "explore", subject_parties
    elif family == "gerund":
        if cue_text.startswith("look") and _COURTESY.match(action):
            return None  # "looked forward to developing a close working relationship"
        title, kind, parties = imperative(action, without=phrase), _kind(action), subject_parties
    elif family == "noun":
        verb, kind = _noun_verb(cue_text)
        title, parties = noun_title(verb, action, without=phrase), subject_parties
    else:
        ordered = (
            context.instructions
            and subject_parties is None
            and cue_text.startswith(("should", "must"))
            and action.startswith("be ")
        )
        if ordered:  # "the issues of the population should be solved quickly", in instructions
            subject_parties = _instructor_government(None, context.sides)
        title, kind, confidence, passive = _verb_after(
            hit, action, actor, phrase, subject_parties, antecedent
        )
        # "A committee will be established": the subject is what is acted on, not who acts,
        # except the body whose meeting will be held.
        parties = None if passive and not _MEETING_OF.search(actor) else subject_parties
        if ordered:
            parties = subject_parties

    if family in ("instruct", "instruct_topic") or _ORDERED.search(cue_text):
        context.instructions = True
    named = bool(parties and parties.named)
    ordering = context.instructions and cue_text.startswith(("should", "must"))
    if sentence.in_speech(hit.start) and not ordering:  # a quoted order is still an order
        confidence -= 0.2
        if FIRST_PERSON.match(actor.lstrip('“"« ')) and deadline is None:
            confidence -= 0.3  # rhetoric, unless it names a time ("We will finalize it in May")
    if OPINION.search(subject) or PRAISE.search(subject):
        confidence -= 0.4
    elif REPORTING.search(subject) and not sentence.speech:
        confidence -= 0.05
    if ANAPHORIC_OBJECT.search(clause.rstrip()) and family != "instruct":
        confidence -= 0.15
    confidence = round(confidence + 0.05 * bool(deadline) + 0.05 * named, 2)
    if confidence < FLOOR:
        context.below = max(confidence, context.below or confidence)
        return None
    if subject_parties is not None and _names_someone(subject):
        context.subject_parties = subject_parties
    return Finding(
        start=sentence.start + start,
        end=sentence.start + end,
        cue=cue_text,
        kind=kind,
        title=title,
        parties=parties or _unnamed_parties(actor, context.sides),
        deadline=deadline,
        area=area_of((clause, text, context.previous_text), fallback=context.area),
        priority=_priority(family, hit, action, clause),
        confidence=min(confidence, 0.99),
        anaphoric=family == "instruct" and bool(ANAPHORIC_OBJECT.search(clause.rstrip())),
    )


_NOUN_VERBS = (
    ("establishment", "Establish", "establish"),
    ("creation", "Create", "establish"),
    ("setting up", "Set up", "establish"),
    ("launch", "Launch", "establish"),
    ("resumption", "Resume", "establish"),
    ("opening", "Open", "establish"),
    ("start", "Start", "establish"),
    ("holding", "Hold", "event"),
    ("convening", "Hold", "event"),
    ("planning", "Prepare", "prepare"),
    ("plan", "Prepare", "prepare"),
    ("commitment", "Work towards", "continue"),
    ("development", "Develop", "establish"),
    ("strengthening", "Strengthen", "deliver"),
    ("implementation", "Implement", "implement"),
    ("support", "Support", "continue"),
    ("assistance", "Support", "continue"),
    ("cooperation", "Cooperate", "continue"),
    ("help", "Support", "continue"),
    ("committed to", "Carry out", "deliver"),
)


def _noun_verb(cue: str) -> tuple[str, str]:
    """The action a noun cue stands for: "welcomed the establishment of" -> Establish."""
    for word, verb, kind in _NOUN_VERBS:
        if word in cue:
            return verb, kind
    if cue.startswith("agreed to"):
        return "Carry out", "deliver"  # "agreed to the relocation of 40,000 persons"
    return "Hold", "event"  # "welcomed further discussions"


def _instructor_government(instructor: Parties | None, sides: Sides) -> Parties:
    if instructor is not None and instructor.owner.startswith("Government of "):
        return Parties(instructor.owner, None, False)
    countries = sides.countries
    if countries:
        return Parties(f"Government of {countries[0]}", None, False)
    return joint_parties(sides)


_PROPER_SUBJECT = re.compile(r"^(?:[Tt]he\s+)?(?P<name>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,4})$")


def _unnamed_parties(actor: str, sides: Sides) -> Parties:
    """The meeting's parties; when none are known, the capitalised subject itself ("The
    Deputies", "The Executive Team") rather than a nameless "The parties"."""
    proper = _PROPER_SUBJECT.match(" ".join(actor.split()).strip(" ,"))
    if (
        not sides.parties
        and proper
        and not re.match(r"(?:we|i|it|they|these|those|this|that|he|she)\b", proper.group(), re.I)
    ):
        return Parties(proper.group("name"), None, True)
    return joint_parties(sides)


# Who can be given a task though no vocabulary names it: people by title ("Cllrs Simpson and
# Green", "Mr Tan"), an acronym ("The SREWG"), a body by its common noun ("a special
# commission", "the steering committee", "staff").
_AGENT_TITLE = re.compile(
    r"^(?:cllrs?|councillors?|mr|mrs|ms|dr|prof|professor|secretary|minister|director|chair"
    r"(?:man|woman|person)?|mayor|governor|ambassador|commissioner|clerk|officer)\b\.?\s",
    re.IGNORECASE,
)
_AGENT_NOUN = re.compile(
    r"\b(?:committee|commission|council|group|team|task\s+force|secretariat|staff|officials"
    r"|experts|delegations?|boards?|panel|forum|clerk|working\s+party|subcommittee|sub-group"
    r"|teams|groups|committees|commissions|association|society|club|union|trust|foundation"
    r"|negotiators|ministers|councillors|members|officers)$",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,7}s?$")


# "David", "Lӧtter", "Sergeant Adrian O’Regan", "Pastor Sarah and Kara": people in minutes
_FIRST_NAMES = re.compile(
    r"^(?:(?:Sergeant|Sgt|Pastor|Father|Rev|Revd|Deacon|Bro|Brother|Sister|Officer|Chief|Inspector"
    r"|Constable|Captain|Capt|Major|Chair|Chairman|Treasurer|Secretary|President|Principal)\.?\s+)?"
    r"[A-Z][^\W\d_]*(?:[’'-][A-Z]?[^\W\d_]+)?"
    r"(?:\s+(?:and\s+)?[A-Z][^\W\d_]*(?:[’'-][A-Z]?[^\W\d_]+)?){0,2}$"
)


# "Secretary: Gordon Glassford" at the head of minutes: who "the secretary" is below.
_ROLE_LINE = re.compile(
    r"(?im)^\W*(chair(?:man|woman|person)?|secretary|treasurer|clerk|president|vice[- ]?chair"
    r"(?:man|person)?)\s*[:\-–]\s*(?:(?:mr|mrs|ms|dr|cllr)\.?\s+)?([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,2})"
)


def _roles(head: str) -> dict[str, str]:
    """Who holds a role, and who initials or a first name stand for, in minutes' head:
    "Sean Chambers (SC)" -> "sc", "Paul Johnson" -> "paul" (when no other Paul is there)."""
    people: dict[str, str] = {}
    taken: set[str] = set()
    for match in _FULL_NAME.finditer(head):
        first, last = match.group("first"), match.group("last")
        if first in _NOT_NAMES or last in _NOT_NAMES:
            continue
        name = f"{first} {last}"
        keys = {(match.group("initials") or first[0] + last[0]).lower(), first.lower()}
        for key in keys:
            if key in people and people[key] != name:
                taken.add(key)  # two Pauls: "Paul" names neither
            people.setdefault(key, name)
    roles = {key: name for key, name in people.items() if key not in taken}
    roles.update((m.group(1).lower(), m.group(2)) for m in _ROLE_LINE.finditer(head))
    return roles


_FULL_NAME = re.compile(
    r"\b(?P<first>[A-Z][a-z]+)\s+(?:[A-Z]\.\s+)?(?P<last>(?:Mc|Mac|O[’'])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
    r"\b(?!\s+(?:Street|Road|Lane|Avenue|Park|Hall|Club|Council|Committee|Church|School|Centre"
    r"|Center|Ltd|Inc|Group|Society|Association|Trust)\b)(?:\s*\((?P<initials>[A-Z]{2,3})\))?"
)
_NOT_NAMES = word_set(
    """The This That These Minutes Meeting Meetings Present Apologies Absent Attendees Agenda
    Item Items Action Actions Chair Chairman Chairperson Secretary Treasurer Clerk President
    Council Committee Board Club Church Parish Town City County District Village Community
    Annual General Monthly Regular Special Matters Arising Any Other Business Date Next Time
    Place Venue Welcome Approval Reports Report Financial Finance January February March April
    May June July August September October November December Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday Street Road Hall Centre Center School Park North South East West
    New Old Mr Mrs Ms Dr Cllr Rev Revd Pastor Father Sister Brother Bro Members Member Vice
    Also In On At For Of And Resolved Agreed Proposed Seconded Carried Motion Noted Thanks"""
)


def _role_holder(actor: str, roles: dict[str, str]) -> Parties | None:
    """ "The secretary will write to ..." in minutes whose head names the secretary; "SC" or
    "Paul" where the head names Sean Chambers (SC) or one Paul."""
    role = re.sub(r"(?i)^\W*the\s+", "", " ".join(actor.split())).strip(" ,")
    if role.lower() in BODY_HEADS or countries_in(role):
        return None  # "Cabinet", "Belize": not a first name
    return Parties(roles[role.lower()], None, True) if role.lower() in roles else None


_PERSON = re.compile(
    r"^\W*(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Prof|Br|Bro|Sr|Sis|Fr|Rev|Revd|Pastor|Father)\.?\s+"
    r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?\W*$"
)


def _someone(actor: str, context: _Context) -> Parties | None:
    """A person minutes name: "Mr Hutchinson", "the secretary", "SC"."""
    return _person(actor) or _role_holder(actor, context.roles)


# "Football Friends – SC was still waiting ... but would telephone": the item's heading goes,
# and the subject of the first predicate is the second's.
_ITEM_HEADING = re.compile(r"^[^–—:]{1,60}?\s[–—]\s+|^[^:]{1,40}:\s+")
_BUT_SECOND = re.compile(
    r"^(?P<who>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,2})\s+(?:was|were|had|has|is|are)\b[^,;]*"
    r"\s+but\s*$"
)


# "NZ Post, mailbox charges, Lynda will check", "The club has $50,000 on deposit and Alan will
# move ...": the name after the last comma or "and" is the subject, what comes before a note.
_LAST_NAMED = re.compile(r"^(?P<before>.+?)(?:,\s+|\s+and\s+)(?P<who>[^,]+?)\s*$")


def _minutes_actor(actor: str) -> str:
    actor = actor.strip().lstrip("-–—*•·>Ø ")  # "-Lyn will start a page": a bullet glued on
    actor = _ITEM_HEADING.sub("", actor, count=1) or actor
    second = _BUT_SECOND.match(actor)
    if second:
        return second.group("who")
    last = _LAST_NAMED.match(actor)
    if (
        last
        and _FIRST_NAMES.match(last.group("who"))
        and not all(  # "Tom and Lyn", "Yvonne, Chris, Martin and Keith": all of them
            _FIRST_NAMES.match(part.strip())
            for part in re.split(r",\s*|\s+and\s+", last.group("before"))
            if part.strip()
        )
    ):
        return last.group("who")
    return actor


def _person(actor: str) -> Parties | None:
    """In minutes "Mr Hutchinson agreed to write" is his task, not the meeting's."""
    name = " ".join(actor.split()).strip(" ,")
    return Parties(name, None, True) if _PERSON.match(name) else None


def _agent(actor: str, *, minutes: bool = False) -> Parties | None:
    """The subject as written when it is someone who can act (a person by title, an acronym,
    a body by its common noun), though no vocabulary names it; None for anything else ("the
    charter", "these steps"), which only a prediction has as subject."""
    words = " ".join(actor.split()).strip(" ,;:")
    bare = re.sub(r"^(?:the|a|an)\s+", "", words, flags=re.IGNORECASE)
    if not bare or len(bare.split()) > 6 or not bare[:1].isalpha():
        return None
    if _AGENT_TITLE.match(bare + " ") or _ACRONYM.match(bare) or _AGENT_NOUN.search(bare):
        return Parties(_capitalised(bare), None, True)
    if minutes and _FIRST_NAMES.match(bare):  # "David will lead the walk"
        return Parties(bare, None, True)
    return None


def _pronoun_parties(actor: str, context: _Context) -> Parties | None:
    """In "It will report ...", "it" is the last body named in the sentence before."""
    if actor.strip().lower() != "it":
        return None
    bodies = find_bodies(context.previous_text)
    return Parties(_capitalised(bodies[-1]), None, True) if bodies else None


def _capitalised(name: str) -> str:
    name = " ".join(name.split())
    return name[:1].upper() + name[1:]


def _names_someone(subject: str) -> bool:
    """True when a subject names someone (not only a pronoun), so later pronouns refer to it."""
    return bool(subject.strip()) and not re.fullmatch(r"\W*(?:they|it|he|she)\W*", subject, re.I)


def _kind(action: str) -> str:
    words = main_action(action).split()
    if not words:
        return "deliver"
    verb = lemma(words[0])
    if verb == "be" and len(words) > 1:
        verb = lemma(words[1])
    return KIND_VERBS.get(verb, "deliver")


def _verb_after(
    hit: Hit,
    action: str,
    actor: str,
    phrase: str | None,
    parties: Parties | None,
    antecedent: str | None = None,
) -> tuple[str, str, float, bool]:
    """Title, kind, confidence and passiveness for "X will/agreed to/is ready to VERB ..."."""
    confidence = hit.cue.weight
    words = action.split()
    if antecedent and words:
        words.insert(1, antecedent)
        action = " ".join(words)
    passive = _passive_title(action, actor, phrase)
    if passive:
        return passive[0], passive[1], confidence, True
    verb = lemma(words[0]) if words else ""
    kind = KIND_VERBS.get(verb, "deliver")
    title = imperative(action, without=phrase)
    if DESCRIPTIVE.match(action):
        confidence -= 0.3  # "the committee will be chaired by": what it is, not a task
    if _MODAL_CUE.search(hit.text.lower()):
        named = bool(parties and parties.named)
        if verb in PREDICTIVE_VERBS and not named and not _EFFORT.match(action):
            confidence -= 0.25
        if _VAGUE_ACTION.match(drop_phrase(action, phrase)):
            confidence -= 0.25  # "the Union will continue to develop": a wish, no task
        if parties is None:
            confidence -= 0.25
        if verb in PREDICTIVE_VERBS and parties and parties.named and _indefinite(actor):
            title, kind = shorten(f"Set up {_noun_phrase(actor)}"), "establish"
    return title, kind, confidence, False


def _passive_title(
    action: str, subject: str, phrase: str | None, *, any_participle: bool = False
) -> tuple[str, str] | None:
    """("Hold the next meeting in Astana", "event") for "[the next meeting] will be held in
    Astana" or "will take place in Astana"; None when the action is not passive. After "will
    be" only known actions count ("will be useful" is not one); `any_participle` accepts any
    "-ed" form ("that the tractors should be assembled")."""
    words = action.split()
    participle = words[1].lower() if len(words) > 1 else ""
    if any_participle and participle.endswith(("ed", "en")):
        participle_ok = True
    else:
        participle_ok = participle in PASSIVE_ACTIONS
    if _TAKE_PLACE.match(action):
        done, rest = "hold", " ".join(words[2:])
    elif words[:1] == ["be"] and participle_ok:
        done, rest = lemma(words[1]), " ".join(words[2:])
    else:
        return None
    title = shorten(f"{done} {_noun_phrase(subject)} {drop_phrase(rest, phrase)}")
    return title, KIND_VERBS.get(done, "deliver")


def _indefinite(actor: str) -> bool:
    """True for "A joint working group ... will add impetus": the body is yet to be set up."""
    return bool(re.match(r"(?i)\W*an?\s", actor))


# "agreed that the agreement is an important component": an assessment, nothing to do.
_ASSESSMENT = re.compile(
    r"^\s*(?:[\w’'-]+\s+){1,12}?(?:(?:is|are|was|were|remains?|has\s+been|have\s+been)\s+"
    r"(?!to\b|being\b|expected\b|due\b|set\b|ready\b)|(?:has|have)\s+not\b)",
    re.IGNORECASE,
)


def _that_clause(
    action: str, phrase: str | None, parties: Parties | None, context: _Context
) -> tuple[str, str, Parties | None] | None:
    """Title, kind and owner for "agreed that it is essential to ..." / "recommended that"."""
    it_is = _IT_IS.search(action)
    if it_is:
        task = action[it_is.end() :]
        return imperative(task, without=phrase), _kind(task), parties
    modal = _THAT_MODAL.search(action)
    if modal and NEGATION.search(action[modal.start() : modal.end() + 12]):
        return None  # "agreed that the importance of the relations will not change"
    inner_subject = action[: modal.start()] if modal else ""
    inner = None
    if inner_subject.strip():
        inner = (context.minutes and _someone(inner_subject, context)) or resolve_parties(
            inner_subject, context.sides
        )
    owner = inner if inner and inner.named else parties
    if modal:
        rest = action[modal.end() :]
        passive = _passive_title(rest, inner_subject, phrase, any_participle=True)
        if passive:
            return passive[0], passive[1], owner
        return imperative(rest, without=phrase), _kind(rest), owner
    bodies = find_bodies(action)
    if bodies:
        task = action[action.rfind(bodies[-1]) + len(bodies[-1]) :]
        recommended = resolve_parties(
            action[: action.rfind(bodies[-1]) + len(bodies[-1])], context.sides
        )
        return imperative(task, without=phrase), _kind(task), recommended or parties
    if _ASSESSMENT.match(action):
        return None
    return shorten(drop_phrase(action, phrase)), "deliver", parties


def _document_object(action: str) -> str:
    """What was signed: "the signing of X" -> X; "a number of documents, including X" -> X."""
    obj = re.sub(r"^\s*(?:the\s+)?signing\s+of\s+", "", action, flags=re.IGNORECASE)
    bundle = _BUNDLE.match(obj)
    return obj[bundle.end() :] if bundle else obj


def _noun_phrase(subject: str) -> str:
    phrase = " ".join(subject.split()).strip('“”"« ,')
    return re.sub(r"^(?:The|A|An)\b", lambda m: m.group().lower(), phrase)


def _priority(family: str, hit: Hit, action: str, clause: str) -> str:
    if family == "instruct" or _URGENT.search(clause):
        return "high"
    if family == "interest" or hit.cue.weight < 0.7 or _GENERIC_AIM.match(action.strip()):
        return "low"
    return "normal"
