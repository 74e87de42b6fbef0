"""Vocabularies of the readout extractor: commitment cues, vetoes, kinds, bodies and areas.

Everything the rules in `rules.py` know about English readouts is data here, so that a reviewer
can read, extend or correct it without touching control flow.

- CUES: the phrases that make a sentence a commitment candidate, grouped in *families* that say
  where the actor and the action are found ("X agreed to VERB", "X instructed Y to VERB",
  "X signed an agreement on Z", ...), each with a base confidence.
- Vetoes and penalties: praise, opinion, history and negation markers.
- KIND_VERBS / DEFAULT_MONTHS: the kind of an action (sign, study, implement, ...) and the
  deadline a follow-up unit sets when the text states none.
- Bodies: head nouns and modifiers of named bodies (ministries, councils, companies, ...).
- AREAS: keyword stems per area of cooperation, with weights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ADV = (
    r"(?:(?:also|further|jointly|now|then|both|again|actively|already|soon|all|each|duly|\w+ly)"
    r"\s+){0,3}"
)


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`: vocabularies read better as prose blocks."""
    return frozenset(text.split())


@dataclass(frozen=True)
class Cue:
    """A commitment cue: `family` tells the rules where to find the actor and the action.

    `anchors` are lowercase substrings of which one must occur for the pattern to match: a
    cheap test that spares most sentences the regular expression."""

    family: str
    pattern: re.Pattern[str]
    weight: float
    anchors: tuple[str, ...]

    def may_match(self, lowered: str) -> bool:
        return any(anchor in lowered for anchor in self.anchors)


def _cue(family: str, pattern: str, weight: float, anchors: str) -> Cue:
    words = tuple(anchor.replace("_", " ") for anchor in anchors.split())  # "_" is a space
    return Cue(family, re.compile(pattern, re.IGNORECASE), weight, words)


# Families:
#   verb_after  the action verb follows the match; the actor is the subject before it
#   that        "agreed that ..."; the action is inside the that-clause
#   instruct    "X instructed Y to VERB" / "tasked Y with VERBing"; the actor is Y
#   document    a document signed or reached at the meeting; the action is to implement it
#   document_named  the same, where the cue itself says what was approved or launched (no
#               document noun needed after it)
#   progressive "are considering/discussing ..."; the progressive verb is the action
#   interest    "shows interest in X"; the action is to explore X
CUES: tuple[Cue, ...] = (
    _cue(
        "verb_after",
        r"\b(?:have\s+|has\s+)?(?:agreed|decided|resolved|undertook|undertaken|pledged|vowed"
        r"|decides|agrees|resolves|agree|decide|agreeing|consented|consents"
        r"|promised|commit(?:s|ted)?(?:\s+(?:themselves|itself|ourselves))?"
        r"|agreed\s+(?:up)?on\s+(?:was|is))\s+"
        + _ADV
        # "agreed during their morning conversation to maintain close contact", "agreed with his
        # Russian counterpart, Sergei Lavrov, to hold"
        + r"(?:(?:during|at|in|after)\s+(?:the|their|its|this|today['’]s)\s+[\w\s-]{1,40}?\s+"
        + r"|with\s+(?:his|her|their|the)\s+[\w\s’',.-]{1,60}?,\s+)?"
        + r"to\s+(?!by\b)(?=[a-z])",  # not "agreed to by all"
        0.9,
        "agree decide resolved undert pledged vowed promised commit resolves consent",
    ),
    _cue(
        "verb_after",
        r"\b(?:(?:is|are|was|were|remains?|remained)\s+"
        + _ADV
        + r"(?:planning|expected|determined)"
        r"|planned|plans|plan)\s+to\s+(?=[a-z])",
        0.75,
        "planned planning plan expected determined",
    ),
    _cue("noun", r"\b(?:planning|plans?|planned)\s+for\s+(?=(?:a|an|the)\s)", 0.7, "for"),
    _cue(
        "verb_after",
        r"\b(?:aim(?:s|ed)?|seek(?:s)?|sought|strive(?:s)?|endeavou?r(?:s)?)\s+to\s+(?=[a-z])",
        0.7,
        "aim seek sought strive endeavo",
    ),
    # "both sides need to abide by ...", not "stressed the need to": the article makes a noun
    _cue("verb_after", r"(?<!the\s)(?<!\ba\s)\bneeds?\s+to\s+(?=[a-z])", 0.65, "need"),
    _cue(
        "verb_after",
        r"\b(?:our|their|its)\s+(?:\w+\s+)?commitments?\s+to\s+(?=[a-z])",
        0.65,
        "commitment",
    ),
    _cue(
        "scheduled",
        r"\b(?:is|are|was|were)\s+(?:\w+ly\s+)?(?:scheduled|planned|set|slated)\s+for\b",
        0.7,
        "scheduled planned set slated",
    ),
    _cue(
        "verb_after",
        r"\bto\s+(?=be\s+(?:held|convened|organi[sz]ed|launched|signed|established|hosted"
        # minutes' passive actions: "First Aid Courses to be booked", "Drafts to be re-circulated"
        r"|opened|set\s+up|booked|checked|sent|(?:re-?)?circulated|arranged|prepared|updated"
        r"|contacted|ordered|purchased|placed|posted|published|replaced|repaired|fixed"
        r"|installed|cleaned|sought|drafted|finali[sz]ed|submitted|distributed|invited)\b)",
        0.7,
        "to_be",
    ),
    _cue(
        "instruct_topic",
        r"\b[Ii]nstructions\s+(?:for|to)\s+(?=the\s+[A-Z]|[A-Z])(?P<who>[^.;:]{3,160}?)\s*,?\s+"
        r"(?:concerns?|ha(?:ve|s)\s+to\s+do\s+with|deals?\s+with|relates?,?\s+(?:in\s+particular,\s+)?to"
        r"|includes?|covers?|involves?)\s+",
        0.85,
        "instructions",
    ),
    _cue(
        "gerund",
        r"\b(?:look(?:s|ed|ing)?\s+forward\s+to|committed\s+to|commitment\s+to|dedicated\s+to"
        # "agreed on further strengthening cooperation", "was also keen on meeting"
        r"|agreed\s+(?:up)?on(?:\s+further)?|keen\s+on)"
        r"\s+(?=[a-z]+ing\b)",
        0.7,
        "forward committed commitment dedicated agreed keen",
    ),
    _cue(
        "noun",
        r"\b(?:reaffirm(?:s|ed)?|reiterat(?:es|ed)|confirm(?:s|ed)?|renew(?:s|ed)?|underlin(?:es|ed)"
        r"|restat(?:es|ed))"
        r"\s+(?:its|their|our|his|her)\s+(?:\w+\s+){0,2}?commitments?\s+to\s+(?=(?:the|an?)\s)",
        0.7,
        "commitment",
    ),
    _cue(
        "noun",
        r"\b(?:welcom(?:ed|es|e)|announc(?:ed|es|e)|agreed\s+(?:on|to)|decided\s+on)\s+(?:the\s+)?"
        r"(?:(?:establishment|launch|launching|resumption|creation|setting\s+up|start|holding"
        r"|convening|opening)\s+of\s+|(?:further|continued|future|upcoming)\s+(?=(?:discussions?"
        r"|talks|consultations|dialogue|meetings?|negotiations)\b))",
        0.75,
        "welcom announc agreed decided",
    ),
    _cue(
        "verb_after",
        r"\b(?:was|were|has\s+been|have\s+been|is|are)\s+(?:established|set\s+up|created"
        r"|formed|launched)\s+to\s+(?=[a-z])",
        0.8,
        "established set_up created formed launched",
    ),
    _cue(
        "verb_after",
        r"\b(?:an?\s+)?(?:agreement|decision|understanding|consensus)\s+(?:was|has\s+been)\s+"
        r"(?:reached|made|taken|adopted)\s+to\s+(?=[a-z])"
        r"|\b(?:made|took|taken|make|take)\s+(?:a|the)\s+(?:joint\s+)?decision\s+to\s+(?=[a-z])"
        # "They came to an agreement to stir up the commission's work"
        r"|\b(?:came|come|comes|coming)\s+to\s+(?:an?\s+)?(?:agreement|understanding|consensus)"
        r"\s+to\s+(?=[a-z])",
        0.9,
        "agreement decision understanding consensus",
    ),
    _cue(
        "that",
        r"\b(?:agreed|decided|resolved|agrees|decides|resolves|determined|concurred"
        r"|(?:proposed|moved)\s+and\s+(?:accepted|agreed|carried)|moved"
        # "Motion made by Councilman Drew, seconded by Councilman Stevenson that the Board ..."
        r"|motion\s+(?:was\s+)?(?:made|moved)\s+by\s+[^.;]{1,80}?)\s+that\b",
        0.85,
        "agree decide resolve determined proposed moved motion concurred",
    ),
    _cue(
        "verb_after",
        r"\b(?:agreed|decided)\s+(?:up)?on\s+the\s+(?:need|necessity|urgency)\s+(?:to|of)\s+(?=[a-z])"
        # "agreed for talks to take place between our teams"
        r"|\bagreed\s+for\s+(?:[\w-]+\s+){1,4}?to\s+(?=[a-z])",
        0.75,
        "need necessity urgency agreed_for",
    ),
    _cue("that", r"\b(?:further\s+)?(?:requests?|requested)\s+that\b", 0.75, "request"),
    _cue("that", r"\brecommended\s+that\b", 0.75, "recommended"),
    # "The Board directed that the policy be placed in electronic form"
    _cue(
        "that", r"\b(?:directed|instructed|ordered)\s+that\b", 0.85, "directed instructed ordered"
    ),
    _cue(
        "document",
        r"\b(?:agreed|decided)\s+(?:up)?on\s+(?!the\s+(?:following|importance|need|necessity"
        r"|significance|value|urgency)\b)(?=(?:a|an|the|new|joint)\s)",
        0.8,
        "agreed decided",
    ),
    _cue(
        "document",
        r"\b(?:agreed(?:\s+to)?|approved|endorsed|supported)\s+(?=(?:the|a|an|its|their)\s+"
        r"(?:[\w’'-]+\s+){0,4}(?:approach|plan|budget|proposals?|text|terms|recommendations?"
        r"|programme|program|strategy|framework|timetable|schedule|paper|draft|roadmap|work\s*plan"
        r"|[Ss]ubmission|[Rr]esponse)\b)",
        0.8,
        "agreed approved endorsed supported",
    ),
    _cue(
        "document",
        r"\breached\s+(?:an?\s+|the\s+)?(?:agreements?|understanding|arrangements?)\s+"
        r"(?:on|to|that|regarding)\b",
        0.85,
        "reached",
    ),
    _cue(
        "verb_after",
        r"\b(?:will|shall|(?:is|are)\s+to)\s+" + _ADV + r"(?=[a-z])",
        0.7,
        "will shall is_to are_to",
    ),
    _cue("verb_after", r"\b(?:should|would)\s+" + _ADV + r"(?=[a-z])", 0.6, "should would"),
    # "The work on the college software has to be completed"
    _cue(
        "verb_after", r"\b(?:has|have)\s+to\s+(?=be\s+[a-z]+(?:ed|en|t)\b)", 0.6, "has_to have_to"
    ),
    # a resolution: "RESOLVED 1. That Recreation and Parks Department submit a presentation"
    _cue(
        "that",
        r"(?:^|\bRESOLVED\b\W*(?:\d+\.\s*)?)\W*(?-i:That(?=\s+(?:the\s+)?[A-Z][a-z]))",
        0.7,
        "that",
    ),
    # A council's motion: "it was MOVED by Foy, seconded by Buchanan, to adopt Item A"
    _cue(
        "verb_after",
        r"\b(?:moved\s+(?:by\s+[^,.;]{1,60},\s*)?(?:(?:and\s+)?seconded\s+by\s+[^,.;]{1,60},?\s*)?"
        r"|voted\s+(?:unanimously\s+)?|motioned\s+"
        r"|motion\s+(?:was\s+)?(?:(?:made|moved)\s+by\s+[^,.;]{1,40}?\s+)?)"
        r"to\s+(?=[a-z])",
        0.85,
        "moved voted motion",
    ),
    _cue("verb_after", r"\bexpects?\s+to\s+(?=[a-z])", 0.65, "expect"),
    _cue(
        "verb_after",
        r"\b(?:are|is|am)\s+" + _ADV + r"(?:gearing\s+up|preparing|getting\s+ready|set|about"
        r"|going|poised|planning|intending|working|scheduled|expected|due|slated|looking)\s+to\s+",
        0.8,
        "gearing preparing ready set going about poised looking"
        " planning intending working scheduled expected due slated",
    ),
    _cue(
        "progressive",
        r"\b(?:are|is|am)\s+" + _ADV + r"(?:considering|discussing|negotiating|studying"
        r"|exploring|examining|drafting|finali[sz]ing|elaborating|preparing|weighing"
        r"|working\s+(?:on|out)|looking\s+into|resuming|launching|establishing|setting\s+up"
        r"|organi[sz]ing|developing|expanding|opening)\b",
        0.75,
        "considering discussing negotiating studying exploring examining drafting"
        " finalising finalizing elaborating preparing weighing working looking resuming"
        " launching establishing setting organising organizing developing expanding opening",
    ),
    _cue(
        "verb_after",
        r"\b(?:intends?|plans?|(?:has|have)\s+(?:the\s+)?intention)\s+to\s+(?=[a-z])",
        0.7,
        "intend plan intention",
    ),
    _cue(
        "verb_after",
        r"\b(?:(?:is|are|was|were|stands?)\s+" + _ADV + r"(?:ready|prepared|willing)"
        r"|offered|volunteered|(?:expressed|confirmed|reaffirmed|affirmed|reiterated|restated|shared|renewed"
        r"|pledged|expressing|confirming|reaffirming|reiterating|reiterates|reaffirms|confirms"
        r"|expresses|underlined|underscored|underlines|underscores)\s+"
        r"(?:its\s+|their\s+|his\s+|her\s+|our\s+|a\s+|the\s+"
        r"|(?:the\s+)?(?:[A-Z][\w.-]*\s+){0,2}[A-Z][\w-]*[’'](?:s\b)?\s+)?(?:\w+\s+)?(?:readiness|commitments?|obligations?|pledges?|decision|keenness|eagerness"
        r"|determination|preparedness|promise"
        r"|intention|objective|goal|resolve|willingness|desire|aim|will)"
        # "reiterated the commitment of both the countries to promote"
        r"(?:\s+of\s+(?:the\s+|both\s+(?:the\s+)?)?(?:[\w-]+\s+){0,2}?[\w-]+(?=\s+to\s))?)\s+to\s+"
        r"(?=[a-z])",
        0.65,
        "ready prepared willing offered volunteered readiness commitment obligation determination"
        " intention"
        " preparedness promise"
        " objective goal"
        " resolve willingness desire aim pledge decision keenness eagerness",
    ),
    # "vowed all possible support to nationals", "assured all possible cooperation for its early
    # realization", "committed to the development of LAPSSET": support or work promised
    _cue(
        "noun",
        r"\b(?:vowed|pledged|assured|promised|offered|reaffirmed)\s+(?:(?:all|every|full|its|their"
        r"|his|her|continued|possible|strong|unwavering|firm)\s+){0,3}(?:support|assistance"
        r"|cooperation|help)\s+(?:to|for|in)\s+"
        r"|\bcommitted\s+(?:themselves\s+|itself\s+)?to\s+the\s+(?=(?:development|implementation"
        r"|establishment|construction|completion|realization|realisation|expansion|upgrading"
        r"|modernization|modernisation|rehabilitation)\s+of\b)",
        0.7,
        "support committed",
    ),
    _cue(
        "interest",
        r"\b(?:(?:shows?|showed|shown|expressed|has|have|displayed|confirmed|reaffirmed)\s+"
        + _ADV
        + r"(?:(?:its|their|his|her|a|an|great|keen|strong|particular|special|mutual)\s+){0,2}"
        r"interest|(?:is|are|was|were)\s+" + _ADV + r"interested)\s+(?:in\b|to\s+(?=[a-z]))",
        0.65,
        "interest",
    ),
    _cue(
        "instruct",
        r"\b(?:instructed|tasked|mandated|charged|directed|requested|requests|commissioned|entrusted"
        r"|ordered|obliged|authori[sz]ed|gave\s+(?:\w+\s+)?(?:instructions?|directives?)(?=\s+to\s)"
        r"|assign(?:s|ed)?"
        r"|urged(?=\s+to\s)|approved\s+for(?=\s+(?:the\s+)?[A-Z])|ask(?:s|ed)?|expect(?:s|ed)?"
        # "told the RCs to resolve", not "told reporters" or "told a press conference"
        r"|advised(?!\s+that)|exhorted(?!\s+\w+\s+for)|told(?=\s+(?:the\s+|all\s+|them\b|[A-Z]))"
        r"(?!\s+(?:the\s+)?(?:reporters|journalists|newsmen|press|media|a\s+(?:joint\s+)?(?:press"
        r"|news)))"
        r"|invit(?:es|ed|e))\b",
        0.9,
        "instructed tasked mandated charged directed request"
        " commissioned entrusted ordered obliged authorised authorized instructions directive"
        " ask invit"
        " assign expect advised exhorted told"
        " urged approved",
    ),
    _cue(
        "verb_after",
        r"\b(?:is|are|was|were|has\s+been|have\s+been|be)\s+"
        + _ADV
        + r"(?:(?:formed|established|set\s+up|created)\s+and\s+)?(?:instructed|tasked"
        r"|mandated|charged|requested|commissioned|entrusted|asked|authori[sz]ed|urged|invited"
        r"|encouraged|called\s+(?:up)?on|directed|ordered|obliged|assigned"
        r"|given\s+(?:the\s+|an\s+)?(?:instructions?|tasks?|mandate))\s+(?:to|with)\s+",
        0.85,
        "instructed tasked mandated charged requested commissioned entrusted asked authorised"
        " authorized urged invited encouraged called directed ordered obliged given assigned",
    ),
    _cue(
        "document",
        r"\b(?:signed|concluded|initiall?ed|adopted|approved|endorsed|ratified|sanctioned|inked"
        r"|entered\s+into)\b",
        0.85,
        "signed concluded initial adopted approved endorsed ratified sanctioned inked entered",
    ),
    _cue("document", r"\b(?:resulted|culminated)\s+in\b", 0.85, "resulted culminated"),
    # "the Cabinet gave approval for the divestment of eight apartments"
    _cue(
        "document_named",
        r"\b(?:gave|granted|accorded)\s+(?:its\s+|their\s+)?approval\s+(?:for|to)\b",
        0.85,
        "approval",
    ),
    _cue(
        "document",
        r"\b(?:witnessed|saw|welcomed)\s+the\s+(?:signing|adoption|conclusion)\s+of\b",
        0.85,
        "signing adoption conclusion",
    ),
    # "EU leaders agreed to the relocation of 40,000 persons": agreed to a measure
    _cue(
        "noun",
        r"\bagreed\s+to\s+(?:the\s+|an?\s+(?:(?:significant|substantial|further|major|gradual"
        r"|considerable)\s+)?)?(?=\w+(?:tion|ment|sal|ance|ence|sion)\s+of\b)",
        0.8,
        "agreed",
    ),
    # "we commit ourselves to the development of a stronger relationship"
    _cue(
        "noun",
        r"\bcommit(?:s|ted)?\s+(?:ourselves|themselves|itself)\s+to\s+(?:the\s+)?"
        r"(?:development|establishment|creation|strengthening|implementation)\s+of\s+",
        0.75,
        "commit",
    ),
    # "Both sides launched an Initiative on Critical Technologies": a new body or programme
    _cue(
        "document_named",
        r"\b(?:launched|inaugurated|unveiled|established|set\s+up|created|formed)\s+"
        r"(?=(?:a|an|the)\s+(?:[\w’'.-]+\s+){0,6}?"
        r"(?:[Ii]nitiative|[Dd]ialogue|[Mm]echanism|[Pp]artnership|[Ff]orum|[Ff]und|[Pp]rogram"
        r"|[Pp]latform|[Tt]ask\s+[Ff]orce|[Ww]orking\s+[Gg]roup|[Cc]ouncil|[Cc]ommission)\b)",
        0.8,
        "launched inaugurated unveiled established set_up created formed",
    ),
    # "announced an additional $9 million in humanitarian assistance": a pledge
    _cue(
        "pledge",
        r"\b(?:announced|pledged|committed|offered)\s+(?:an?\s+)?(?:additional\s+|new\s+|further\s+)?"
        r"(?=(?:[$€£¥]|US\$|USD\s|EUR\s)\s?\d)",
        0.8,
        "announced pledged committed offered",
    ),
    _cue(
        "document_passive",
        # "the policy was unanimously adopted", "That the budget for 2024 be approved"
        r"\b(?:was|were|has\s+been|have\s+been|be)\s+" + _ADV + r"(?:signed|concluded|initiall?ed"
        r"|adopted|approved)\b",
        0.85,
        "signed concluded initial adopted approved",
    ),
)

# A signed or adopted object must be one of these to count as a document to implement.
DOCUMENT_NOUNS = word_set(
    """agreement agreements memorandum memoranda memorandums protocol protocols programme
    programmes program programs plan plans roadmap roadmaps road treaty treaties convention
    conventions contract contracts accord accords charter arrangement arrangements concept rules
    strategy documents package bill bills regulation regulations guidelines law laws policy
    framework budget resolution resolutions proposal proposals approach recommendations
    amendment amendments code act declaration declarations establishment terms schedule statement
    communique communiqué"""
)

# "The aim is to ...": subjects of "is/are to" that state a purpose, not a task.
PURPOSE_NOUNS = word_set("aim aims goal goals purpose objective objectives idea point task tasks")
# Verbs after "will" that predict an effect rather than commit an actor to an action.
PREDICTIVE_VERBS = word_set(
    """be become add contribute help give allow enable serve bring benefit boost remain carry
    lead mean need depend last grow increase rise fall open make"""
)
# Verbs after "will" that describe what something is, not what anyone does.
DESCRIPTIVE = re.compile(
    r"^\s*(?:consist|comprise|include|be\s+(?:co-?)?(?:chaired|headed|composed|comprised|made\s+up"
    r"|led|staffed|attended|based|located))\b",
    re.IGNORECASE,
)
# Participles after "will be" that describe a scheduled action (no agent needed).
PASSIVE_ACTIONS = word_set(
    """held signed organised organized convened launched opened established created completed
    prepared submitted adopted considered discussed implemented introduced set hosted built
    sent presented finalised finalized concluded approved posted emailed e-mailed circulated
    distributed published handled accelerated arranged positioned reviewed updated provided
    incorporated forwarded issued drafted developed scheduled expanded extended renewed resumed
    strengthened appointed invited drawn made confirmed informed notified contacted sought
    checked paid purchased booked installed repaired replaced fixed cleaned removed allocated
    advertised communicated recruited trained collected printed delivered agreed decided"""
)

# Negation right after the cue or around it: the sentence denies a commitment.
NEGATION = re.compile(
    r"\b(?:will|shall)\s+(?:not|never)\b|\bwon't\b|\b(?:did|do|does)\s+not\s+agree"
    r"|\bfailed\s+to\b|\brefused\s+to\b|\bno\s+agreement\b"
    r"|\b(?:has|have|had|do|does|did)\s+not\b|\bno\s+evidence\b|\bnot\s+(?:yet\s+)?(?:seen|found)\b"
    r"|\bto\s+not\b",
    re.IGNORECASE,
)
# Said before the cue, these make the clause praise, an opinion or a recollection.
OPINION = re.compile(
    r"\b(?:believes?|believed|convinced|confident|sure|certain|hopes?|hoped|thinks?|thought"
    r"|suggested|suggests"
    r"|in\s+(?:my|our|his|her|their)\s+(?:view|opinion)|perhaps|probably)\b",
    re.IGNORECASE,
)
PRAISE = re.compile(
    r"\b(?:praised|thanked|congratulated|commended|admired|welcomed|appreciated"
    r"|expressed\s+(?:(?:his|her|their|its)\s+)?(?:gratitude|appreciation|thanks|satisfaction)"
    r"|(?:was|were|is|are|am)\s+(?:glad|pleased|proud|delighted|happy))\b",
    re.IGNORECASE,
)
HISTORY = re.compile(
    r"\b(?:recalled|recalling|had\s+(?:\w+ly\s+)?(?:been\s+)?\w+(?:ed|en|wn|t)"
    r"|before\s+the\s+(?:visit|talks|meeting)|prior\s+to\s+the\s+(?:visit|talks|meeting)"
    r"|last\s+(?:year|month|week)|previously|in\s+the\s+past|ago|recent|recently)\b",
    re.IGNORECASE,
)
# Subjects that speak in the first person: in quoted speech these are rhetoric, not commitments.
FIRST_PERSON = re.compile(r"^(?:we|i|our|my|us)\b", re.IGNORECASE)
PRONOUN_SUBJECT = re.compile(r"\b(they|it|he|she|we|i)\s*$", re.IGNORECASE)
# An instruction whose object refers back to the previous sentence ("to consider the issue").
ANAPHORIC_OBJECT = re.compile(
    r"\b(?:the|this|that|these|those)\s+(?:issues?|matters?|questions?|proposals?|ideas?"
    r"|initiatives?|possibility|options?)\s*[.;]?$|\bit\s*[.;]?$",
    re.IGNORECASE,
)
COORDINATOR = re.compile(r";\s+|,?\s+and\s+|,\s+while\s+|,\s+whereas\s+|,\s+but\s+")
REPORTING = re.compile(
    r"\b(?:said|says|noted|stressed|emphasi[sz]ed|underlined|underscored|pointed\s+out|added"
    r"|told)\b",
    re.IGNORECASE,
)

# Kind of action -> default deadline in months from the meeting when none is stated.
DEFAULT_MONTHS: dict[str, int] = {
    "sign": 3,
    "prepare": 3,
    "study": 6,
    "explore": 6,
    "establish": 6,
    "event": 3,
    "implement": 12,
    "continue": 12,
    "deliver": 12,
}
KIND_VERBS: dict[str, str] = {
    verb: kind
    for kind, verbs in {
        "sign": "sign conclude initial finalise finalize negotiate",
        "prepare": "prepare draw draft submit present circulate send compile elaborate report",
        "study": "consider study explore examine analyse analyze discuss review assess evaluate"
        " weigh look investigate estimate mull",
        "establish": "establish create set open launch introduce found form start develop define"
        " design enter initiate resume constitute reconstitute revive reactivate install",
        "event": "hold host convene organise organize meet visit conduct",
        "continue": "continue maintain keep sustain",
        "implement": "implement execute fulfil fulfill carry ratify",
    }.items()
    for verb in verbs.split()
}

# Verbs that open an item of an agreed list ("To launch ...", "Adopt the Platform ...") or
# an action in minutes ("PJM to provide ..."), besides those of KIND_VERBS.
ACTION_VERBS = word_set(
    """adopt develop expand strengthen enhance improve increase promote support build ensure
    provide deliver advance pursue work cooperate coordinate collaborate facilitate encourage
    reduce address tackle resolve complete update redraft revise investigate check confirm
    agree arrange identify share seek set up take make publish inform contact write liaise
    invite appoint extend renew resume deepen intensify boost reinforce uphold protect secure
    combat counter fight prevent invest fund finance allocate train upgrade modernise modernize
    simplify harmonise harmonize align integrate expedite accelerate reform design define
    produce organise organize schedule plan propose recommend respond return circulate
    enforce engage exchange monitor assist mobilise mobilize respect observe comply honour
    honor abide end forward email obtain get collect book order purchase buy pay post print notify
    remind chase follow attend participate raise approach"""
)

# Verbs that start a further action after a comma or "and" ("agreed to hold a dialogue,
# strengthen cooperation and jointly provide ..."): base forms that are not also common nouns
# ("trade", "support", "work", "plan" are left out: "to boost trade, support and investment").
COORDINATED_VERBS = word_set(
    """hold sign conclude prepare draft submit establish create launch introduce explore
    study examine consider implement continue maintain adopt develop expand strengthen enhance
    improve promote build ensure provide deliver advance pursue cooperate coordinate
    collaborate facilitate encourage reduce address tackle resolve complete identify seek take
    make publish intensify deepen boost reinforce uphold protect combat counter fight prevent
    invest allocate upgrade modernise modernize simplify harmonise harmonize accelerate
    organise organize convene abide follow woo oblige assist inform designate formulate
    recommit refrain verify inspect distribute enroll represent notify send circulate
    mobilize mobilise undertake ratify expedite streamline standardize standardise arrange
    liaise"""
)

ALL_VERBS = frozenset(KIND_VERBS) | ACTION_VERBS | COORDINATED_VERBS | word_set("keep abide")

# Subjects that stand for "both sides" rather than a named body.
GENERIC_ACTORS = re.compile(
    r"\b(?:sides?|parties|countries|states|leaders|heads\s+of\s+(?:state|government)"
    r"|presidents|prime\s+ministers|ministers|governments|delegations|co-chairs|talks"
    r"|participants|members|president|prime\s+minister|minister|chancellor|ambassador|governor"
    r"|mayor|secretary|chair(?:man|woman|person)?|director|commissioner|envoy|mr|mrs|ms|dr)\b",
    re.IGNORECASE,
)

# Named bodies: a head noun, optionally with modifiers before and of/for/on-phrases after.
BODY_HEADS = word_set(
    """ministry ministries council councils secretariat committee committees commission
    commissions agency agencies government governments bank banks administration
    administrations office service services authority authorities corporation corporations
    company companies group groups fund chamber centre center board department departments
    directorate academy university institute parliament assembly association works railways
    holding concern union organisation organization cabinet customs inspectorate court
    embassy embassies mission bodies forces park zone minister ministers"""
)
# Lowercase words that may precede a head noun inside a body's name ("competent bodies").
BODY_MODIFIERS = word_set(
    """national state joint working competent relevant respective oil gas railway port
    customs foreign central regional local city municipal border financial transport energy
    executive development investment intergovernmental interagency interdepartmental
    governmental public private business police interior economy defence finance education
    health agriculture justice culture trade industry environment"""
)
# Areas: keyword stems matched at a word start, case-insensitively. "stem:2" weighs 2 (default
# 1, "stem:0.5" half); "_" stands for a space; a stem ending in "=" is a whole word with an
# optional s/ed/ing/er ending ("import=" is not "important").
_AREA_STEMS = {
    "tourism": "touris:2 visa:2 travel hotel resort",
    "finance": "financ:2 credit:2 loan=:2 fund= money:2 allocat budget investment currenc"
    " payment banking",
    "industry": "industr:2 plant= factory= factories manufactur:2 assembl machinery:2 equipment"
    " tractor:2 truck= elevator production textile:2 park=",
    "energy": "energy:2 oil= gas= hydrocarbon:2 refiner electricity:2 nuclear:2 renewable:2"
    " power_plant:2 transmission grid=:2 pipeline:2 fuel coal=",
    "security": "security:2 terroris:2 extremis:2 separatis:2 police:2 crime:2 criminal:2"
    " investigat migration border_control:2 special_forces:2 revolution cyber trafficking:2"
    " law_enforcement:2",
    "defence": "defence:2 defense:2 military:2 weapon:2 arms=:2 armoured:2 armored:2 missile:2"
    " rocket:2 army=:2 armed_forces:2",
    "transport": "transport:2 cargo:2 freight:2 rail:2 logistic:2 port= shipping:2 vessel:2"
    " air_link:2 flight:2 airline:2 aviation:2 road= transit:2 container consignment:2 route="
    " tariff",
    "housing": "housing:3 apartment:2 residential:2 dwelling:2",
    "trade": "trade:2 export:2 import=:2 turnover:2 market= supplies commerc business_forum:2"
    " business_council:2 goods= customs",
    "culture": "cultur:2 museum:2 art= film= heritage:2 theatre:2 festival:2 sport= youth",
    "education": "educat:2 universit student:2 scholarship:2 school:2 diploma=:2 academic"
    " training lecturer:2 teach=",
    "health": "health:2 medic:2 pharma:2 hospital=:2 vaccin:2 doctor epidemi:2",
    "agriculture": "agricultur:2 farm=:2 veterinar:2 phytosanitar:2 wheat:2 grain=:2 dairy:2"
    " meat=:2 beef=:2 poultry:2 seafood:2 food= foodstuff fertili:2 citrus:2 crop=:2 livestock:2"
    " cotton",
    "science": "scien:2 research:2 technolog innovat:2 space= laborator:2 digitali",
    "diplomacy": "diplomat:2 embass:2 consul=:2 consulate:2 united_nations:2 candidatur:2"
    " international_organi:2 summit visit=:0.5 intergovernmental_commission political"
    " cooperation:0.5 relations:0.5 interaction:0.5 partnership:0.5 dialogue:0.5",
}


def _weights(stems: str) -> dict[str, float]:
    pairs = (item.partition(":") for item in stems.split())
    return {stem.replace("_", " "): float(weight or 1) for stem, _, weight in pairs}


AREAS: dict[str, dict[str, float]] = {area: _weights(s) for area, s in _AREA_STEMS.items()}
