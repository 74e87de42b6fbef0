"""Who is accountable: named bodies in an actor phrase, else the governments of the sides.

A body is a head noun (Ministry, Council, Secretariat, Railways, working group, ...) with the
capitalised words or known modifiers before it and its of/for/on-phrases after it ("State
Secretariat of the Security Council of Belarus"). The first body named is the owner and the
second, if any, the counterpart. Without a body, a country or demonym ("the Belarusian side")
names that government, and "we", "the sides", "the parties", "the two leaders" stand for all
the meeting's parties together (`parties.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.extract.parties import GROUP_NAMES, GROUPS, LEADERS, collective_name
from tracker.extract.places import countries_in, find_countries
from tracker.extract.vocab import (
    BODY_HEADS,
    BODY_MODIFIERS,
    GENERIC_ACTORS,
    PRONOUN_SUBJECT,
    word_set,
)

_TOKEN = re.compile(r"[^\W\d_][\w’'\-]*|\d[\d,.]*|[,;:()“”\"]")
_LEFT_STOP = word_set(
    """The A An In At On For Of By With And This That These Those Both Each Under Following
    Opening Having It Its Their Our His Her After Before During Also As While"""
)
_OF = frozenset(("of", "for", "on"))
_PLACEHOLDER = re.compile(r"\b(?:of\s+)?(?:the\s+two|both)\s+countries\b", re.IGNORECASE)
_INTRO = re.compile(
    r"^(?:in|at|on|during|following|after|before|under|within|having|opening|speaking|for"
    r"|according|also|besides|moreover|furthermore|meanwhile|in\s+addition|if|when|once|unless"
    r"|to\s+(?=[a-z]+\s))"  # "To prevent waterlogging, the officials should"
    r"\b[^,]*,\s*",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r",\s+(?:which|that|whom)\s+|\s+which\s+")  # "that" alone introduces speech
_REPORTED = re.compile(
    r"^.*\b(?:said|says|noted|stressed|emphasi[sz]ed|underlined|underscored|pointed\s+out|added"
    r"|announced|stated|informed\s+\w+(?:\s+\w+)?|shared\s+the\s+view|expressed\s+the\s+view"
    r"|(?:was|were)\s+of\s+the\s+view|confirmed|concurred|recogni[sz]ed|acknowledged)\s+that\s+",
    re.IGNORECASE,
)
# "The two discussed the shoot-down of Flight 17 and agreed that": the subject is "The two",
# not a country named in the first predicate's object.
_FIRST_PREDICATE = re.compile(
    r"^(?P<who>.+?)\s+(?:\w+ly\s+)?(?:discussed|reviewed|exchanged|welcomed|noted|expressed|held"
    r"|met|spoke|talked|stressed|emphasi[sz]ed|underscored|underlined|reaffirmed|reiterated"
    r"|praised|condemned|thanked|congratulated|acknowledged|recogni[sz]ed|highlighted|considered"
    r"|received|heard|took\s+note|paid|visited|attended)\b.*\band\s+(?:\w+ly\s+)?$",
    re.IGNORECASE | re.DOTALL,
)
_ANTECEDENT = re.compile(r"\b(?:to|in|at|for|on|with|from|by|into|of)\s+")
_ROLES = frozenset(("minister", "ministers"))
_NAME_LIMIT = 200  # what a meeting file accepts for an owner
_LOWER_STOP = word_set("to with and or the a an will shall are is was were that which who")


@dataclass(frozen=True)
class Sides:
    """Who met: the parties (own side first) and the leaders the text places."""

    parties: list[str]
    leaders: dict[str, str] = field(default_factory=dict)

    @property
    def countries(self) -> list[str]:
        """The parties that are countries (not groups, nor bodies such as a cabinet)."""
        return [party for party in self.parties if countries_in(party) == [party]]

    @property
    def countries_named(self) -> list[str]:
        """The countries the parties name, bodies' included ("Government of Russia")."""
        return list(dict.fromkeys(c for party in self.parties for c in countries_in(party)))


_HEAD = re.compile(
    r"\b(?:president|prime\s+minister|chancellor|premier|king|emir|sultan|crown\s+prince"
    r"|head\s+of\s+state)\b(?!s)",
    re.IGNORECASE,
)
_COLLECTIVE = re.compile(
    r"\b(?:two|both|all|the)\s+(?:leaders|presidents|sides|parties|heads|prime\s+ministers"
    r"|ministers|countries|governments|delegations)\b|(?-i:\b(?:[Ww]e|us|[Oo]ur)\b)"
    r"|\bthe\s+north\s+and\s+the\s+south\b",  # "us", not "the US"
    re.IGNORECASE,
)
_HEADS_OF = re.compile(
    r"\bheads?\s+of\s+(?:states?|governments?)(?:\s+and\s+governments?)?\b", re.I
)
_BOTH_GOVERNMENTS = re.compile(
    r"(?i)^\W*(?:the\s+)?(?:two|both)\s+(?:(?:the\s+)?respective\s+)?(?:governments|cabinets"
    r"|administrations)\W*$"
)
_MINISTER_TITLE = re.compile(r"\b(?:minister|secretary)s?$", re.IGNORECASE)
# "The Secretary and the Foreign Minister": two principals, one of each side.
_PRINCIPAL = (
    r"(?:president|prime\s+minister|chancellor|premier|(?:foreign\s+|defen[cs]e\s+)?secretary"
    r"|(?:foreign\s+|defen[cs]e\s+)?minister|leader|king|emir)"
)
_TWO_PRINCIPALS = re.compile(
    rf"^\W*(?:the\s+)?{_PRINCIPAL}\b(?:\s+[A-Z][\w’'-]*){{0,3}}\s+and\s+(?:the\s+)?"
    rf"(?:[A-Z][\w’'-]*\s+){{0,3}}?{_PRINCIPAL}\b(?:\s+[A-Z][\w’'-]*){{0,3}}\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Parties:
    """The accountable owner, the other side (if any), and whether a body was named."""

    owner: str
    counterpart: str | None
    named: bool


def find_bodies(text: str) -> list[str]:
    """Names of the bodies mentioned in `text`, in order."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = [token for token, _, _ in tokens]
    bodies: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.lower() not in BODY_HEADS:
            i += 1
            continue
        first = _extend_left(words, i)
        last = _extend_right(words, i)
        bare = first == i and last == i
        if (not word[0].isupper() and bare) or (
            word.lower() in _ROLES and not _role(words, i, last)
        ):
            i += 1  # a bare common noun ("the government") or a bare title names no one
            continue
        first = _officer_of(words, first)
        bodies.append(text[tokens[first][1] : tokens[last][2]])
        i = last + 1
    return bodies


_OFFICERS = frozenset(
    ("chairperson", "chairman", "chairwoman", "chair", "secretary-general", "head", "director")
)


def _officer_of(words: list[str], first: int) -> int:
    """ "the Chairperson of the Commission": the officer, not the whole body, is named."""
    j = first - 1
    if j >= 0 and words[j] == "the":
        j -= 1
    if j >= 1 and words[j] == "of" and words[j - 1].lower() in _OFFICERS:
        return j - 1
    return first


def _role(words: list[str], head: int, last: int) -> bool:
    """ "the transport ministers", "Minister of Foreign Affairs" name a role; "Prime
    Ministers" or "the Ministers" alone are the meeting's principals."""
    return last > head or (head > 0 and words[head - 1].lower() in BODY_MODIFIERS)


def _extend_left(words: list[str], head: int) -> int:
    first = head
    j = head - 1
    while j >= 0:
        word = words[j]
        if word.lower() in BODY_MODIFIERS or (word[0].isupper() and word not in _LEFT_STOP):
            if not word[0].isalpha():
                break
            first = j
        elif word == "and" and j > 0 and words[j - 1].lower() in BODY_MODIFIERS:
            first = j  # "oil and gas companies"
        else:
            break
        j -= 1
    return first


def _extend_right(words: list[str], head: int) -> int:
    last = head
    k = head + 1
    capitalised = words[head][0].isupper()
    while k < len(words) and words[k] in _OF:
        k += 1
        if k < len(words) and words[k] == "the":
            k += 1
        if k + 1 < len(words) and words[k] in ("two", "both") and words[k + 1] == "countries":
            last = k + 1
            k += 2
            continue
        if k < len(words) and words[k] == "participating" and k + 1 < len(words):
            last = k + 1
            k += 2
            continue
        end = _capitalised_run(words, k)
        if end < k and not capitalised:
            end = _lowercase_run(words, k)
        if end < k:
            break
        last = end
        k = end + 1
    return last


def _capitalised_run(words: list[str], k: int) -> int:
    """Last index of a run of capitalised words from k ("Trade, Economic and Technical ..."),
    or k - 1 if there is none."""
    last = k - 1
    while k < len(words) and words[k][0].isupper() and words[k][0].isalpha():
        last = k
        k += 1
        if k + 1 < len(words) and words[k] in (",", "and") and words[k + 1][0].isupper():
            if words[k + 1] in _LEFT_STOP:
                break
            if words[k] == "," and (k + 2 >= len(words) or words[k + 2] not in (",", "and")):
                break
            k += 1
    return last


def _lowercase_run(words: list[str], k: int) -> int:
    """Last index of up to three lowercase words from k ("on the cross-border electricity
    grid"), or k - 1 if there is none."""
    last = k - 1
    for index in range(k, min(k + 3, len(words))):
        word = words[index]
        if not (word.replace("-", "").isalpha() and word.islower()) or word in _LOWER_STOP:
            break
        last = index
    return last


def actor_of(subject: str) -> tuple[str, str | None]:
    """Who acts in a subject phrase, and the antecedent of a relative clause if any.

    The introductory phrase and the reporting clause go ("In the energy sector, the sides",
    "The minister said that the Ministry"); in "the forum, which the Centre will organise"
    the Centre acts on the forum; in "a council, which will meet" the council acts."""
    actor = _REPORTED.sub("", subject.strip())
    actor = _INTRO.sub("", actor) or actor or subject
    first = _FIRST_PREDICATE.match(actor + " ")
    if first:
        actor = first.group("who")
    relatives = list(_RELATIVE.finditer(actor))
    if not relatives:
        return actor, None
    before, after = actor[: relatives[-1].start()], actor[relatives[-1].end() :]
    if not after.strip() or after.rstrip().endswith(","):
        # "a mission, which consists of businessmen, will be sent": the clause is an aside
        return before, None
    heads = list(_ANTECEDENT.finditer(before))
    antecedent = before[heads[-1].end() :] if heads else before
    return after, " ".join(antecedent.split()[-8:]) or None


def _government(countries: list[str]) -> str:
    if len(countries) == 1:
        return f"Government of {countries[0]}"
    name = "Governments of " + ", ".join(countries[:-1]) + " and " + countries[-1]
    return name if len(name) <= _NAME_LIMIT else f"Governments of the {len(countries)} states"


def joint_parties(sides: Sides) -> Parties:
    """All the meeting's parties together: what "we", "the sides", "the leaders" stand for."""
    return Parties(collective_name(sides.parties), None, False)


def _party_owner(party: str) -> str:
    """Who a party's head acts for: a group itself, a country's government, and for a body
    such as "Cabinet of Bangladesh" the government of its country (else the body)."""
    if party in GROUP_NAMES:
        return party
    named = countries_in(party)
    return _government(named) if len(named) == 1 else party


def resolve_parties(actor: str, sides: Sides, previous: Parties | None = None) -> Parties | None:
    """Owner and counterpart from an actor phrase; None when the phrase names no one.

    A body named is the owner; then a country or group named; then a leader ("President
    Obama", or "the President" alone: the own side, first of the parties); a collective
    subject ("we", "the two leaders") is all the parties."""
    named = _named_parties(actor, sides)
    if len(sides.parties) >= 2 and _TWO_PRINCIPALS.match(actor) and not named:
        return joint_parties(sides)  # not "President Obama and Vice President Biden"
    if _HEADS_OF.search(actor) and not find_bodies(_HEADS_OF.sub("", actor)):
        return joint_parties(sides)  # "the two Heads of State and Government"
    if _BOTH_GOVERNMENTS.match(actor):
        return joint_parties(sides)  # "Both Governments shall propose", not a body
    # "the Government" of a meeting with the "Government of Russia" is that one
    countries = sides.countries or sides.countries_named
    bodies = [_clean(body, countries, sides.parties) for body in find_bodies(actor)]
    if bodies and len(sides.parties) >= 2 and _UNNAMED_PRINCIPALS.match(bodies[0]):
        return joint_parties(sides)  # "the two foreign ministers" are both sides
    ministers = len(bodies) >= 2 and all(_MINISTER_TITLE.search(body) for body in bodies)
    if ministers and len(named) >= 2:  # "German Foreign Minister X and French Foreign Minister Y"
        return _together(named, sides)
    if bodies:
        return Parties(bodies[0], bodies[1] if len(bodies) > 1 else None, True)
    heads = len(_HEAD.findall(actor))
    if heads >= 2 and len(named) == 1 and not _COLLECTIVE.search(actor):
        # "President Obama and Vice President Biden": two of one side, not both sides
        return Parties(_party_owner(named[0]), None, False)
    if (_COLLECTIVE.search(actor) or heads >= 2) and len(named) < 2:
        return joint_parties(sides)
    if len(named) >= 2 and re.search(r"\band\b|,", actor):
        return _together(named, sides)
    if named:
        counterpart = _other(named[0], sides.parties)
        return Parties(_party_owner(named[0]), counterpart and _party_owner(counterpart), False)
    if _HEAD.search(actor) and sides.parties:
        return Parties(_party_owner(sides.parties[0]), None, False)
    if PRONOUN_SUBJECT.search(actor.strip().rstrip(",")) or _bare_pronoun(actor):
        plural = re.search(r"(?i)\b(?:they|we)\s*$", actor.strip().rstrip(","))
        if plural and previous is not None and _HEAD.search(previous.owner):
            return joint_parties(sides)  # "they" after one leader is the sides, not him
        return previous or joint_parties(sides)
    if GENERIC_ACTORS.search(actor):
        return joint_parties(sides)
    return None


def _named_parties(actor: str, sides: Sides) -> list[str]:
    """Countries, groups and leaders named in an actor phrase, in order."""
    found: list[tuple[int, str]] = list(find_countries(actor))
    for name, party in (*sides.leaders.items(), *LEADERS.items()):
        index = actor.find(name)
        if index >= 0 and not actor[index + len(name) : index + len(name) + 1].isalnum():
            found.append((index, party))
    for alias, group in GROUPS.items():
        match = re.search(r"(?<![\w-])" + re.escape(alias) + r"(?![\w-])", actor)
        if match:
            found.append((match.start(), group))
    return list(dict.fromkeys(party for _, party in sorted(found)))


def _together(named: list[str], sides: Sides) -> Parties:
    """Several parties named together: all the meeting's, or these few."""
    if set(named) == set(sides.parties):
        return joint_parties(sides)
    return Parties(collective_name(named), None, False)


def _bare_pronoun(actor: str) -> bool:
    words = [w for w in actor.lower().split() if w not in ("also", "further", "then", "now")]
    return len(words) == 1 and words[0] in ("they", "it", "he", "she", "we", "i")


# A body named by its head noun alone ("Council agreed", "the Authority decided").
_BARE_HEAD = re.compile(
    r"(?:[Tt]he\s+)?(Council|Board|Committee|Commission|Authority|Cabinet|Executive|Secretariat"
    r"|Assembly)"
)
_UNNAMED_PRINCIPALS = re.compile(
    r"(?i)^(?:the\s+)?(?:two\s+|both\s+)?foreign\s+(?:ministers|secretaries)$"
)


def _party_body(name: str, parties: list[str]) -> str | None:
    """The party a bare head noun stands for: "Council" in minutes of "St Andrew's Church
    Council" is that council; "the Commission" at an ECOWAS summit is the ECOWAS Commission."""
    bare = _BARE_HEAD.fullmatch(name)
    if not bare:
        return None
    head = bare.group(1)
    holders = [p for p in parties if re.search(rf"(?i)\b{head}\b", p)]
    if len(holders) == 1:
        return holders[0]
    if len(parties) == 1 and parties[0] in GROUP_NAMES:
        return f"{parties[0]} {head}"
    return None


def _other(country: str, countries: list[str]) -> str | None:
    if len(countries) == 2 and country in countries:
        return countries[1 - countries.index(country)]
    return None


def _clean(body: str, countries: list[str], parties: list[str]) -> str:
    name = " ".join(body.split())
    party = _party_body(name, parties)
    if party:
        return party
    demonym = re.fullmatch(r"(?:[Tt]he\s+)?([A-Z][\w-]+)\s+(Government|Cabinet|Parliament)", name)
    if demonym and countries_in(demonym.group(1)):
        return f"{demonym.group(2)} of {countries_in(demonym.group(1))[0]}"
    bare = re.fullmatch(r"(?:[Tt]he\s+)?(Government|Cabinet|Council\s+of\s+Ministers)", name)
    if bare and len(countries) == 1:  # "the Government" of a one-country meeting
        return f"{bare.group(1)} of {countries[0]}"
    if len(countries) == 2:
        name = _PLACEHOLDER.sub(f"of {countries[0]} and {countries[1]}", name)
    if len(name) > _NAME_LIMIT:
        name = name[: _NAME_LIMIT + 1].rsplit(" ", 1)[0]
    return name[:1].upper() + name[1:]
