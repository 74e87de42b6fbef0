"""The meeting's parties: who met, read from the title and the opening sentences.

"We", "the two leaders", "both sides" and "the parties" act for the parties, so the parties
must be the ones who met, not every country the text mentions ("Doha, Qatar" is a place,
"the situation in Syria" a topic). Parties are countries (names and demonyms, `places.py`),
groups and organisations (G7, the European Union, ASEAN, ...), and the countries of leaders
named in the opening ("President Obama" -> United States), either from a short list of
well-known leaders or from the text itself ("Prime Minister Harper of Canada").

Only the title (cut before "on ..." / "regarding ...", the topic) and the lead, the first
sentences after the heading lines, are read. A country after "in", "at", "near", "from",
"to", "on", "about" or inside "the margins of ..." is a place or a topic and is left out. If
the opening names nothing, the countries the text mentions most are the fallback.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from tracker.extract.places import countries_in, country_spans, find_countries
from tracker.extract.regions import COUNTRIES_OF, regional_government, seat_government
from tracker.extract.vocab import word_set

# "Canonical/alias/alias": groups and organisations that meet as a party.
_GROUPS = """
G7/G-7/Group of Seven/seven major industrialized countries/seven major industrialised
countries; G8/G-8/Group of Eight; G20/G-20/Group of Twenty; European Union/EU;
NATO/North Atlantic Treaty Organization; ASEAN/Association of Southeast Asian Nations;
APEC/Asia-Pacific Economic Cooperation; BRICS; Shanghai Cooperation Organisation/SCO/
Shanghai Cooperation Organization; African Union/AU; United Nations/UN; Quad;
OSCE/Organization for Security and Co-operation in Europe/Organization for Security and
Cooperation in Europe;
Commonwealth of Independent States/CIS; Eurasian Economic Union/EAEU; OECD; CELAC;
Gulf Cooperation Council/GCC; Union State; Pacific Islands Forum; CARICOM; Mercosur;
League of Arab States/Arab League; Nordic Council; Visegrad Group; Council of Europe;
E3+3/P5+1/EU3+3; ECOWAS/Economic Community of West African States; SADC/Southern African
Development Community; East African Community/EAC; COMESA; IGAD; SAARC/South Asian
Association for Regional Cooperation; BIMSTEC; Melanesian Spearhead Group/MSG; Baltic Council of
Ministers; Organization of American States/OAS; Organisation of Islamic Cooperation/OIC;
Andean Community; Pacific Alliance; Arctic Council; Council of the Baltic Sea States/CBSS;
Non-Aligned Movement/NAM; Group of 77/G77/G-77; OPEC+/OPEC Plus; OPEC;
SICA/Central American Integration System; UNASUR
"""
# Leaders whose name alone stands for their country in a readout's opening.
_LEADERS = """
United States: Obama, Trump, Biden, Bush, Clinton; China: Xi Jinping, Xi, Li Keqiang,
Li Qiang, Hu Jintao, Wen Jiabao; Russia: Putin, Medvedev, Mishustin; Belarus: Lukashenko,
Lukashenka; India: Modi, Manmohan Singh; Japan: Abe, Kishida, Suga, Ishiba, Takaichi;
Germany: Merkel, Scholz, Merz; France: Macron, Hollande, Sarkozy; United Kingdom: Cameron,
Theresa May, Boris Johnson, Sunak, Starmer, Gordon Brown; Canada: Trudeau, Harper, Carney;
Italy: Renzi, Conte, Draghi, Meloni; Australia: Turnbull, Morrison, Albanese, Gillard, Rudd;
Ukraine: Zelenskyy, Zelensky, Poroshenko; Turkey: Erdogan, Erdoğan; Kazakhstan: Tokayev,
Nazarbayev; Uzbekistan: Mirziyoyev; South Korea: Moon Jae-in, Yoon Suk Yeol, Lee Jae-myung,
Park Geun-hye; Israel: Netanyahu; Egypt: Sisi; Brazil: Lula, Bolsonaro; Mexico: López Obrador,
Sheinbaum, Peña Nieto; Indonesia: Jokowi, Widodo, Prabowo; Pakistan: Imran Khan,
Shehbaz Sharif, Nawaz Sharif; Vietnam: Nguyen Phu Trong; Singapore: Lee Hsien Loong,
Lawrence Wong; Jordan: King Abdullah; Saudi Arabia: Mohammed bin Salman; Qatar: Tamim;
United States: Kerry, Blinken, Pompeo, Tillerson, Rubio, Condoleezza Rice; China: Wang Yi;
Russia: Lavrov; NATO: Stoltenberg; Nigeria: Buhari, Tinubu, Obasanjo, Jonathan;
South Africa: Ramaphosa, Zuma, Mbeki, Mandela; Kenya: Kenyatta, Ruto, Kibaki; Uganda: Museveni;
Rwanda: Kagame; Ghana: Akufo-Addo, Mahama; Azerbaijan: Aliyev; Philippines: Marcos, Duterte;
Malaysia: Anwar Ibrahim, Mahathir, Najib; Argentina: Milei, Macri, Kirchner; Chile: Boric,
Piñera, Bachelet; Colombia: Petro, Santos; Iran: Rouhani, Raisi, Pezeshkian; Poland: Tusk,
Duda; Hungary: Orbán, Orban; Spain: Sánchez, Sanchez, Rajoy; Netherlands: Rutte;
Eritrea: Isaias Afwerki, Isaias; Ethiopia: Abiy Ahmed, Abiy, Hailemariam Desalegn;
Somalia: Farmaajo, Hassan Sheikh Mohamud; Tanzania: Samia Suluhu Hassan, Magufuli, Kikwete;
Zimbabwe: Mnangagwa, Mugabe; Zambia: Hichilema; Mozambique: Nyusi; Algeria: Tebboune,
Bouteflika; Vietnam: Phạm Minh Chính, Pham Minh Chinh, Nguyen Xuan Phuc, Nguyễn Xuân Phúc;
Cambodia: Hun Sen, Hun Manet; Bangladesh: Sheikh Hasina; Sri Lanka: Rajapaksa, Sirisena,
Wickremesinghe; Nepal: Prachanda, Sher Bahadur Deuba; Maldives: Nasheed, Muizzu;
Afghanistan: Ashraf Ghani, Karzai; Syria: Assad; Tajikistan: Rahmon; Turkmenistan:
Berdimuhamedov; Armenia: Pashinyan; Greece: Mitsotakis, Tsipras; New Zealand: Ardern,
Hipkins, Luxon; Papua New Guinea: Marape; Fiji: Bainimarama, Rabuka; Venezuela: Maduro,
Chávez; Cuba: Díaz-Canel; Uruguay: Lacalle Pou; Colombia: Duque; Peru: Boluarte;
Ecuador: Noboa
"""
_CUT_TOPIC = re.compile(
    r"\s+(?:on|regarding|concerning|about|in\s+support\s+of|following)\s+(?!the\s+(?:occasion|"
    r"sidelines|margins)\b).*$",
    re.IGNORECASE,
)
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|from|to|on|about|into|across|over|within|of\s+the\s+situation\s+in"
    r"|margins\s+of(?:\s+the)?|sidelines\s+of(?:\s+the)?|ahead\s+of(?:\s+the)?|before|after"
    r"|occasion\s+of(?:\s+the)?"
    r"|towards?|following)\s+(?:the\s+|an?\s+)?(?:[A-Z][\w’'-]*\s+){0,3}"
    r"|[A-Za-z],\s*)$"  # "Doha, Qatar"; not a dateline's "20:34, North Korea"
)
_LISTED = re.compile(r"(?:,|\band)\s*(?:and\s+)?(?:the\s+)?$")
_HEADING = re.compile(
    r"^(?:the\s+white\s+house|office\s+of\s+the\s+\w+(?:\s+\w+)?|for\s+immediate\s+release"
    r"|press\s+release|statements?\s+and\s+releases|briefing\s+room|readouts?|\W*$"
    r"|(?:\w+\s+)?\d{1,2},?\s+\w+\s+\d{4}|\w+\s+\d{1,2},\s+\d{4})",
    re.IGNORECASE,
)
_LEAD_CHARS = 700
_TOPIC = re.compile(
    r"\b(?:discuss|review|exchang|talk|focus|address|cover|consider|agree|decide|welcom"
    r"|reaffirm|express|note|stress|condemn|call)\w*\b|\bwill\b",
    re.IGNORECASE,
)
_NAMED_LEADER = re.compile(
    r"\b(?:President|Prime\s+Minister|Chancellor|Premier|King|Emir|Sultan|Crown\s+Prince"
    r"|Secretary|Minister|Foreign\s+Minister)\s+((?:[A-Z][\w’'-]+\s+){0,2}[A-Z][\w’'-]+)"
    r"\s+of\s+(?:the\s+)?([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})"
)


def _table(text: str) -> dict[str, str]:
    """alias -> canonical name from "Canonical/alias; ..." or "Country: name, name; ..."."""
    table: dict[str, str] = {}
    for entry in " ".join(text.split()).split(";"):
        entry = entry.strip()
        if not entry:
            continue
        if ":" in entry:
            country, names = entry.split(":", 1)
            for name in names.split(","):
                table[name.strip()] = country.strip()
        else:
            names = [name.strip() for name in entry.split("/")]
            for name in names:
                table[name] = names[0]
    return table


GROUPS = _table(_GROUPS)
GROUP_NAMES = frozenset(GROUPS.values())
LEADERS = _table(_LEADERS)
# A group may stand on either side of a hyphen ("EU-China summit"), not inside a word
# ("EU-wide", "non-EU").
_GROUP_RE = re.compile(
    r"(?<!\w)(?<!non-)(?<!pre-)(?<!post-)(?<!anti-)("
    + "|".join(re.escape(n) for n in sorted(GROUPS, key=len, reverse=True))
    + r")(?!\w|-(?:wide|led|level|based|related|funded)\b)"
)
_LEADER_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(LEADERS, key=len, reverse=True)) + r")"
    r"(?![\w-])"
)


def _mentions(text: str, leaders: dict[str, str]) -> Iterator[tuple[int, str]]:
    """(offset, party) for every country, group or leader named in `text` where it is not a
    place or a topic."""
    found: list[tuple[int, int, str]] = []
    found += country_spans(text)
    for match in _GROUP_RE.finditer(text):
        found.append((match.start(), match.end(), GROUPS[match.group(1)]))
    for match in _LEADER_RE.finditer(text):
        office = _GROUP_OFFICE.search(text, max(0, match.start() - 60), match.start())
        party = _office_group(office.group(1)) if office else LEADERS[match.group(1)]
        found.append((match.start(), match.end(), party))
    for name, country in leaders.items():
        for match in re.finditer(r"\b" + re.escape(name) + r"\b", text):
            found.append((match.start(), match.end(), country))
    found.sort()
    ends = {end for _, end, _ in found}
    for start, _, party in found:
        before = text[max(0, start - 60) : start]
        listed = _LISTED.search(before)
        # "Canada, Chile, Mexico, and the United States": a list of parties, not "Doha, Qatar"
        if listed and (max(0, start - 60) + listed.start()) in ends:
            yield start, party
            continue
        if _PLACE_BEFORE.search(before):
            continue
        yield start, party


# "European Council President Donald Tusk" speaks for the Union, not for Poland.
_GROUP_OFFICE = re.compile(
    r"\b(European\s+(?:Council|Commission)|"
    + "|".join(re.escape(n) for n in sorted(GROUPS, key=len, reverse=True))
    + r")(?:[’']s)?\s+(?:President|Secretary[\s-]General|Chair(?:man|person|woman)?"
    r"|High\s+Representative)\s+(?:[A-Z][\w’'.-]*\s+)?$"
)


def _office_group(name: str) -> str:
    return GROUPS.get(name, "European Union")


def learned_leaders(text: str) -> dict[str, str]:
    """Leaders the text itself places: "Prime Minister Stephen Harper of Canada" -> the
    surname and the full name stand for Canada."""
    leaders: dict[str, str] = {}
    for match in _NAMED_LEADER.finditer(text):
        countries = [country for _, country in find_countries(match.group(2))]
        if countries:
            name = match.group(1)
            leaders[name] = countries[0]
            leaders[name.split()[-1]] = countries[0]
    return leaders


def lead(text: str) -> str:
    """The first sentences of the body, after heading lines (publisher, dates, title)."""
    lines = text.strip().splitlines()
    body: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not body and (_HEADING.match(stripped) or (index == 0 and not stripped.endswith("."))):
            continue
        if not body and len(stripped) < 90 and not stripped.endswith((".", ":")):
            continue  # another heading line
        body.append(stripped)
        if sum(len(part) for part in body) > _LEAD_CHARS:
            break
    joined = " ".join(body)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", joined)
    # Who met is said before what they talked about or agreed on.
    return " ".join(_TOPIC.split(sentence, maxsplit=1)[0] for sentence in sentences[:2])


_REGION_CHARS = 600  # a region's office is named in the first sentences, as a country's is


def detect_parties(text: str, title: str | None = None) -> list[str]:
    """The meeting's parties in order of first mention: title first, then the lead; a
    region's government when its chief minister, governor or cabinet meets."""
    parties = _national_parties(text, title)
    regional = regional_government(text[:_REGION_CHARS])
    seat = None if regional else seat_government(text[:_REGION_CHARS])
    if seat and (not parties or parties[0] in COUNTRIES_OF[seat[1]]):
        return [seat[0]]  # "QUETTA, (Pakistan Point News) ... the chief minister directed"
    if regional is None or len(parties) > 1 or any(p in GROUP_NAMES for p in parties):
        return parties
    party, region = regional
    found = parties[0] if parties else ""
    if region in found and found != region:  # "Limpopo Provincial Executive Council"
        return parties
    if countries_in(found) == [found] and found != region and found not in COUNTRIES_OF[region]:
        return parties  # a region's official meeting another country's
    return [party]


def _national_parties(text: str, title: str | None = None) -> list[str]:
    head = text[:20_000]
    leaders = learned_leaders(head[:3000])
    parties: list[str] = []
    own = _publisher_side(head)
    if own:
        parties.append(own)
    topic_cut = _CUT_TOPIC.sub("", title or "")
    in_title = list(dict.fromkeys(party for _, party in _mentions(topic_cut, leaders)))
    body = title_body(title or "")
    if body and not in_title:
        return _body_parties(body, title or "", head, leaders)
    own = body and len(in_title) == 1 and _STATE_BODY.search(body) and countries_in(in_title[0])
    if own and not re.search(r"(?i)\bwith\b", title or ""):  # not "President X with the Cabinet"
        if re.search(rf"\b{re.escape(in_title[0])}\b", body):  # "Federal Cabinet of Pakistan"
            return [body]
        return [f"{body} of {in_title[0]}"]  # "Samoa Prime Minister: Updates from Cabinet"
    for part in (topic_cut, lead(head)):
        for _, party in _mentions(part, leaders):
            if party not in parties:
                parties.append(party)
    korean = _BOTH_KOREAS.search(topic_cut) or _BOTH_KOREAS.search(lead(head))
    if korean and len(parties) < 2:  # not "North Korea and the United States, recognizing
        # that the historic inter-Korean summit ..."
        parties += [k for k in ("North Korea", "South Korea") if k not in parties]
    # A cabinet meets alone: a country its record names later is a topic ("an award given in
    # Kampala, Uganda"), not a second side.
    sides = 1 if _CABINET_MEETS.search(head[:800]) else 2
    if len(parties) < sides and not any(p in GROUPS.values() for p in parties):
        parties += [c for c in meeting_countries(head) if c not in parties][: sides - len(parties)]
    if not parties:  # no country at all: the minutes of a body ("The City Council met")
        body = _meeting_body(head[:1500]) or _named_in_passing(head[:3000])
        if body:
            return _body_parties(body, title or "", head, leaders)
    return _members_out(_cabinet_of(_two_sides(parties, head), head))


# "CABINET DECISIONS TAKEN DURING THE MEETING", "At its 18th Meeting held today at State House,
# Cabinet discussed": a cabinet's own record. Its decisions are the cabinet's, and they run as
# long as what they decide (`extract` gives them no month like officials' action items).
_CABINET_DOES = (
    r"\s+(?:notes|minute|decisions|business|date\s*:|meeting|met|approved|agreed|has\s+approved"
    r"|decided|discussed|considered|session|endorsed|has\s+endorsed)\b"
)
CABINET_RECORD = re.compile(
    r"(?i)\bcabinet" + _CABINET_DOES + r"|\bdecisions\s+(?:taken|made)\s+(?:by|at|in)\s+(?:the\s+)?"
    r"cabinet\b|\bcabinet\s+approval\b|\bmeeting\s+of\s+(?:the\s+)?cabinet\b"
)
_COUNCIL_OF_MINISTERS_MET = re.compile(r"(?i)\bcouncil\s+of\s+ministers" + _CABINET_DOES)
_CABINET_MEETS = re.compile(
    f"{CABINET_RECORD.pattern}|{_COUNCIL_OF_MINISTERS_MET.pattern.removeprefix('(?i)')}", re.I
)


def _cabinet_of(parties: list[str], head: str) -> list[str]:
    if len(parties) != 1 or countries_in(parties[0]) != [parties[0]]:
        return parties
    if CABINET_RECORD.search(head[:800]):
        return [f"Cabinet of {parties[0]}"]
    if _COUNCIL_OF_MINISTERS_MET.search(head[:800]):
        return [f"Council of Ministers of {parties[0]}"]
    return parties


# The members of the groups that meet most; a member named beside its group (the host, the
# countries around the table) is the group, not a party of its own.
_MEMBERS = {
    "BRICS": "Brazil Russia India China South_Africa Egypt Ethiopia Iran United_Arab_Emirates"
    " Indonesia",
    "G7": "United_States United_Kingdom France Germany Italy Japan Canada",
    "G20": "United_States United_Kingdom France Germany Italy Japan Canada Argentina Australia"
    " Brazil China India Indonesia Mexico Russia Saudi_Arabia South_Africa South_Korea Turkey",
    "ASEAN": "Brunei Cambodia Indonesia Laos Malaysia Myanmar Philippines Singapore Thailand"
    " Vietnam",
    "ECOWAS": "Benin Burkina_Faso Cabo_Verde Côte_d'Ivoire Gambia Ghana Guinea Guinea-Bissau"
    " Liberia Mali Niger Nigeria Senegal Sierra_Leone Togo",
    "Gulf Cooperation Council": "Saudi_Arabia Kuwait United_Arab_Emirates Qatar Oman Bahrain",
    "SAARC": "Afghanistan Bangladesh Bhutan India Maldives Nepal Pakistan Sri_Lanka",
    "Pacific Alliance": "Chile Colombia Mexico Peru",
    "Mercosur": "Argentina Brazil Paraguay Uruguay Venezuela Bolivia",
    "East African Community": "Kenya Uganda Tanzania Rwanda Burundi South_Sudan Somalia",
    "IGAD": "Djibouti Eritrea Ethiopia Kenya Somalia South_Sudan Sudan Uganda",
    "Nordic Council": "Denmark Finland Iceland Norway Sweden",
    "Visegrad Group": "Czech_Republic Hungary Poland Slovakia",
    "Melanesian Spearhead Group": "Fiji Papua_New_Guinea Solomon_Islands Vanuatu",
    "SADC": "Angola Botswana Comoros Eswatini Lesotho Madagascar Malawi Mauritius Mozambique"
    " Namibia Seychelles South_Africa Tanzania Zambia Zimbabwe",
    "CARICOM": "Antigua_and_Barbuda Bahamas Barbados Belize Dominica Grenada Guyana Haiti"
    " Jamaica Saint_Kitts_and_Nevis Saint_Lucia Saint_Vincent_and_the_Grenadines Suriname"
    " Trinidad_and_Tobago",
}


def _members_out(parties: list[str]) -> list[str]:
    members = {
        country.replace("_", " ")
        for group in parties
        for country in _MEMBERS.get(group, "").split()
    }
    kept = [party for party in parties if party not in members]
    return kept or parties


# "The two sides", "both leaders": the text says two met, so a third party the opening named
# (a mediator, a host, a country talked about) is not one of them.
_TWO = re.compile(
    r"(?i)\b(?:the\s+two|both)\s+(?:sides|leaders|countries|presidents|prime\s+ministers"
    r"|(?:foreign\s+)?ministers|governments|nations|delegations|heads\s+of\s+state"
    r"|counterparts)\b|\bthe\s+pair\b"
)
_MORE = re.compile(
    r"(?i)\b(?:the|all)\s+(?:three|four|five)\s+(?:sides|leaders|countries|parties|nations"
    r"|governments|presidents|ministers|delegations)\b|\b(?:trilateral|quadrilateral)\b"
)


def _two_sides(parties: list[str], head: str) -> list[str]:
    """The first two parties named, where the text says two met more often than it says
    three or more did ("the three nations" a pipeline will link)."""
    if len(parties) <= 2 or len(_TWO.findall(head)) <= len(_MORE.findall(head)):
        return parties
    return parties[:2]


_COMMON_BODY = re.compile(
    r"\b(?:the\s+)?(committee|board|council|cabinet|commission|working\s+group|task\s+force"
    r"|steering\s+group|executive|trustees|senate|society|association|club|branch)\b",
    re.IGNORECASE,
)


def _named_in_passing(head: str) -> str | None:
    """The body a text without names keeps referring to ("the committee"): better than "The
    parties" as the owner of its tasks. The most frequent, capitalised: "Committee"."""
    counts = Counter(" ".join(m.group(1).lower().split()) for m in _COMMON_BODY.finditer(head))
    if not counts:
        return None
    best, times = counts.most_common(1)[0]
    return best[:1].upper() + best[1:] if times >= 2 else None


_LOCAL_COUNCIL = re.compile(
    r"\b(?:(?:(?!The\b)[A-Z][a-z][\w’'-]*\s+){0,2}(?:Parish|Town|City|County|District|Borough|Village"
    r"|Municipal|Community)\s+Council)\b"
)


def _meeting_body(head: str) -> str | None:
    """The body whose minutes these are, from the first lines: a local council anywhere near
    the top, else a body named on one of the first lines ("Minutes Title: Executive Team"),
    else the acronym of "Minutes of the IQAC meeting"."""
    council = _LOCAL_COUNCIL.search(head)
    if council:
        return re.sub(r"^(?:The|Minutes|Of)\s+", "", council.group())
    for line in head.splitlines()[:6]:
        body = title_body(line.strip())
        if body:
            return body
    met = _BODY_MET.search(head)
    if met and not any(_NOT_NAME.match(word) for word in met.group("body").split()):
        return met.group("body")
    acronym = _MINUTES_OF_ACRONYM.search(head[:400]) or _ACRONYM_MINUTES.search(head[:400])
    return acronym.group(1) if acronym else None


# "Delvin Tidy Towns met on Wednesday 18th May", "BWMH Auxiliary met at the Cooper Clark Room"
_BODY_MET = re.compile(
    r"(?m)^\W*(?P<body>(?:[A-Z][\w’'&.-]*\s+){0,5}[A-Z][\w’'&.-]*)\s+met\s+(?:on|at|in|for|this"
    r"|last|virtually|online)\b"
)
# "PTO Minutes", "PPG Meeting Minutes" as a heading line
_ACRONYM_MINUTES = re.compile(r"(?m)^\W*([A-Z][A-Z&]{1,7})\s+(?:Meeting\s+)?(?:Minutes|Notes)\b")


_MINUTES_OF_ACRONYM = re.compile(
    r"(?i:minutes\s+of\s+the\s+)([A-Z][A-Z&]{1,7}(?:\s+[A-Z][\w&]+){0,3})\s+(?i:meeting)\b"
)


# Talks between the two Koreas name neither as a country.
_BOTH_KOREAS = re.compile(r"(?i)\binter-korean\b|\bnorth-south\s+(?:ministerial|talks|summit)")

_BODY_HEAD = re.compile(
    r"\b(?:Cabinet|Council\s+of\s+Ministers|Executive\s+(?:Team|Board|Committee)|Task\s+Force"
    r"|Working\s+Group|Sub-?[Gg]roup|Steering\s+(?:Group|Committee)|Committee|Commission|Board"
    r"|Branch|State\s+Council|Security\s+Council|Government"
    # the bodies whose minutes are kept: clubs, associations, councils, trustees
    r"|Club|Association|Society|Council|Senate|Trustees|Organi[sz]ation|Exco|Selectmen)\b",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w’'&-]*,?|of|and|for|on|the)$(?<!-led)")  # "X-led Cabinet"
_UNNAMED = re.compile(r"(?i)club|association|society|council|organi[sz]ation|union|senate$")
_CAPITALS_RUN = re.compile(r"\b[A-Z][A-Z’'&-]+(?:\s+[A-Z][A-Z’'&-]+){2,}\b")
_NOT_NAME = re.compile(
    r"^(?:Meeting|Minutes|Title:|Agenda|Notes|Summary|Special|Decisions|Made|Held|Taken|At|In|On"
    r"|By|Of|From|To|With|Last|Next|This|Today|Yesterday|Monday|Tuesday|Wednesday|Thursday"
    r"|Friday|Saturday|Sunday|Regular|Ordinary|Extraordinary|Emergency|Weekly|Monthly|First"
    r"|Second|Third|Last|Post-?|Pre-?|Details|Highlights|Outcome|Outcomes|Update|Updates)"
    r"(?:[’']s)?$"
)
# "Board of Selectmen", "Rotary Club of Alexandra", "Trustees of the Josiah Carpenter Library"
_OF_NAME = re.compile(
    r"\s+(?i:of)\s+(?:(?i:the)\s+)?(?:(?!(?:Inc|Ltd|Limited|Meeting|Minutes|Agenda|Notes|Held)\b)"
    r"[A-Z][\w’'&.-]*\s?){1,6}"
)
_TRAILING = re.compile(r"(?:\s+(?:Meeting|Minutes|Inc|Ltd|Agenda|Notes)\b\.?)+\s*$")


def title_body(title: str) -> str | None:
    """The body whose meeting the title names: "Cabinet Business - Wednesday" -> "Cabinet",
    "Alcohol, Tobacco and Other Drug Control Policy Task Force" -> all of it, "Meeting with
    senior officials of Council of Ministers" -> "Council of Ministers", "ROTARY CLUB OF
    ALEXANDRA INC Directors meeting minutes" -> "Rotary Club of Alexandra"."""
    # a heading in capitals ("ROTARY CLUB OF ALEXANDRA"), not an acronym ("NUJ Branch")
    title = _CAPITALS_RUN.sub(lambda run: run.group().title(), title)
    for head in _BODY_HEAD.finditer(title):
        words = title[: head.start()].split()
        kept: list[str] = []
        for word in reversed(words):
            if not _NAME_WORD.match(word) or _NOT_NAME.match(word):
                break
            kept.insert(0, word)
        before = words[: len(words) - len(kept)]
        while kept and kept[0] in ("of", "and", "for", "on", "the", "The"):
            kept.pop(0)
        at = before and before[-1].lower() in ("at", "in", "to", "near")
        if at and not re.match(r"(?i)\s+meeting\b", title[head.end() :]):
            continue  # "held at the Conservative Club": where they met, not who met
        if not (kept or head.group()[:1].isupper()):
            continue  # "the committee", "a council" in running text
        noun = head.group().title() if head.group().isupper() else head.group()
        name = " ".join([*kept, noun[:1].upper() + noun[1:]])
        after = _OF_NAME.match(title, head.end())
        if after and not head.group().lower().endswith("ministers"):
            name += _TRAILING.sub("", after.group().rstrip()).replace(" Of ", " of ", 1)
        elif not kept and _UNNAMED.fullmatch(noun):
            continue  # "Organization", "Club" alone name nobody in particular
        return name.strip(" ,")
    return None


_STATE_BODY = re.compile(
    r"\b(?:Cabinet|Council\s+of\s+Ministers|Government|State\s+Council|Security\s+Council"
    r"|Executive\s+(?:Team|Board|Committee)|Commission|Task\s+Force|Working\s+Group)\b"
)


# Words that name a kind of body, not which one: "Club Committee", "Parents Association".
_GENERIC_BODY = word_set(
    """committee club council association parents school management residents residents’
    residents' executive board society group community parish town full annual general
    steering trustees directors branch"""
)


_QUALIFIER_CHARS = 300  # the heading lines, not a sub-committee or a rink named below
_NOT_QUALIFIER = frozenset(("All", "Our", "The", "New", "Its", "Their"))


def _qualified(body: str, head: str) -> str:
    """A body the title names by its kind alone, named in full where the head of the text
    does: "Club Committee" -> "Horley Bowling Club Committee" (from "HORLEY BOWLING CLUB
    COMMITTEE MEETING"), "Parents Association" -> "Ennis National Parents Association"."""
    words = body.split()
    if not all(word.lower() in _GENERIC_BODY for word in words):
        return body
    headings = [
        line
        for line in head[:_QUALIFIER_CHARS].splitlines()
        if len(line) < 90 and not re.search(r"[.:;]\s*$", line.strip())
    ]
    text = _CAPITALS_RUN.sub(lambda run: run.group().title(), "\n".join(headings))
    kind = r"\s+".join(re.escape(word) for word in words)
    for match in re.finditer(rf"((?:[A-Z][\w’'&.-]*\s+){{1,4}}?)(?i:{kind})\b", text):
        qualifiers = match.group(1).split()
        while qualifiers and (
            _NOT_NAME.match(qualifiers[0]) or qualifiers[0].lower() in _GENERIC_BODY
        ):
            qualifiers.pop(0)
        if (
            qualifiers
            and not any(_NOT_NAME.match(word) or word in _NOT_QUALIFIER for word in qualifiers)
            and not re.search(r"[’']s?$", qualifiers[-1])  # "the Company's committee"
        ):
            return " ".join([*qualifiers, body])
    return body


def _body_parties(body: str, title: str, head: str, leaders: dict[str, str]) -> list[str]:
    """A body's own meeting (a cabinet, a task force): the body is the party, named with its
    country where the text gives one ("Cabinet of Seychelles"); a head of state's "Meeting
    with" his government has the country as the other party."""
    body = _qualified(body, head)
    named = [party for _, party in _mentions(lead(head), leaders) if party not in GROUP_NAMES]
    country = (
        next(iter(meeting_countries(head)), None)
        or next(iter(named), None)
        or dateline_country(head)
    )
    if country is None or country in body or not _STATE_BODY.search(body):
        return [body]  # a branch, a club or a board is not its country's
    name = f"{body} of {country}"
    return [country, name] if re.match(r"(?i)\W*meeting\s+with\b", title) else [name]


_US_PUBLISHER = re.compile(
    r"\bWhite\s+House\b|\bPentagon\b|\bState\s+Department\b|\bDepartment\s+of\s+(?:State"
    r"|Defense)\b|(?m:^(?:\W*|[A-Z]+:\s*|Readout\s+of\s+(?:the\s+)?)Secretary\s+of\s+"
    r"(?:State|Defense)\b)"
)


# "Seoul's foreign ministry said": a capital speaking for its government names the own side.
_CAPITALS = _table(
    """South Korea: Seoul; Japan: Tokyo; China: Beijing; Russia: Moscow, Kremlin;
    United States: Washington; India: New Delhi; Turkey: Ankara; Azerbaijan: Baku;
    France: Paris; Germany: Berlin; United Kingdom: London; Iran: Tehran; Israel: Jerusalem;
    Pakistan: Islamabad; Belarus: Minsk; Ukraine: Kyiv, Kiev; Kazakhstan: Astana;
    Vietnam: Hanoi, Hà Nội; Indonesia: Jakarta; Australia: Canberra; Canada: Ottawa;
    Brazil: Brasilia;
    Egypt: Cairo; Saudi Arabia: Riyadh; North Korea: Pyongyang; Italy: Rome; Spain: Madrid;
    Sudan: Khartoum; South Sudan: Juba; Ethiopia: Addis Ababa; Eritrea: Asmara; Kenya: Nairobi;
    Uganda: Kampala; Rwanda: Kigali; Tanzania: Dodoma, Dar es Salaam; Nigeria: Abuja;
    Ghana: Accra; South Africa: Pretoria; Zimbabwe: Harare; Zambia: Lusaka; Mozambique: Maputo;
    Angola: Luanda; Senegal: Dakar; Morocco: Rabat; Algeria: Algiers; Tunisia: Tunis;
    Somalia: Mogadishu; Qatar: Doha; United Arab Emirates: Abu Dhabi; Oman: Muscat;
    Jordan: Amman; Iraq: Baghdad; Syria: Damascus; Lebanon: Beirut; Afghanistan: Kabul;
    Bangladesh: Dhaka; Nepal: Kathmandu; Sri Lanka: Colombo; Maldives: Male, Malé;
    Thailand: Bangkok; Philippines: Manila; Malaysia: Kuala Lumpur; Singapore: Singapore;
    Cambodia: Phnom Penh; Laos: Vientiane; Myanmar: Naypyidaw, Nay Pyi Taw; Mongolia:
    Ulaanbaatar; Uzbekistan: Tashkent; Kyrgyzstan: Bishkek; Tajikistan: Dushanbe;
    Turkmenistan: Ashgabat; Georgia: Tbilisi; Armenia: Yerevan; Poland: Warsaw;
    Czech Republic: Prague; Hungary: Budapest; Austria: Vienna; Greece: Athens;
    Bulgaria: Sofia; Romania: Bucharest; Serbia: Belgrade; Croatia: Zagreb; Slovenia: Ljubljana;
    Portugal: Lisbon; Ireland: Dublin; Sweden: Stockholm; Norway: Oslo; Denmark: Copenhagen;
    Finland: Helsinki; Estonia: Tallinn; Latvia: Riga; Lithuania: Vilnius; New Zealand:
    Wellington; Fiji: Suva; Papua New Guinea: Port Moresby; Samoa: Apia; Vanuatu: Port Vila;
    Mexico: Mexico City; Cuba: Havana; Colombia: Bogota, Bogotá; Venezuela: Caracas;
    Peru: Lima; Ecuador: Quito; Chile: Santiago; Argentina: Buenos Aires; Uruguay: Montevideo;
    Paraguay: Asuncion, Asunción; Bolivia: La Paz; Jamaica: Kingston; Saint Kitts and Nevis:
    Basseterre; Barbados: Bridgetown; Belize: Belmopan"""
)
# "KHARTOUM —", "Hà Nội, July 10 (VNA) –": the dateline of a national news agency or government
_DATELINE = re.compile(
    r"^\W*(?P<city>[A-ZÀ-Ỹ][\wÀ-ỹ’' .-]{1,25}?)\s*(?:,\s*[\w ,]{3,25}?)?\s*(?:\(\w+\)\s*)?"
    r"(?:—|–|--|-\s|:)"
)


def dateline_country(head: str) -> str | None:
    """The country whose capital heads the text as its dateline."""
    found = dateline_capital(head)
    return _CAPITALS[found] if found else None


def dateline_capital(head: str) -> str | None:
    """The capital that heads the text as its dateline ("KHARTOUM —" -> "Khartoum")."""
    match = _DATELINE.match(head)
    if match is None:
        return None
    city = match.group("city").strip().casefold()
    return next((name for name in _CAPITALS if city == name.casefold()), None)


_CAPITAL_SPEAKS = re.compile(
    r"\b(" + "|".join(re.escape(c) for c in _CAPITALS) + r")[’']s\s+(?:foreign\s+ministry"
    r"|foreign\s+office|government|ministry|presidential\s+office|top\s+diplomat)"
)


def _publisher_side(head: str) -> str | None:
    """The White House, the State Department and the Pentagon speak for the United States even
    where their readouts name no country ("The Secretary ..."); "Seoul's foreign ministry said"
    speaks for South Korea."""
    if _US_PUBLISHER.search(head[:400]):
        return "United States"
    capital = _CAPITAL_SPEAKS.search(head[:600])
    return _CAPITALS[capital.group(1)] if capital else None


_HEADING_CHARS = 200


def meeting_countries(text: str) -> list[str]:
    """The countries a text mentions most, most often first; passing mentions are left out,
    and so is a country named once, below the heading, in a text that names no other ("Amanda
    to reach out to Jordan")."""
    counts: dict[str, int] = {}
    first = len(text)
    for offset, country in find_countries(text):
        counts[country] = counts.get(country, 0) + 1
        first = min(first, offset)
    if not counts or (len(counts) == 1 and sum(counts.values()) == 1 and first > _HEADING_CHARS):
        return []
    order = list(counts)
    ranked = sorted(order, key=lambda c: (-counts[c], order.index(c)))
    return [c for c in ranked if counts[c] * 4 >= counts[ranked[0]]]


def collective_name(parties: list[str]) -> str:
    """The owner a collective subject stands for: "Belarus and China", "G7"."""
    if not parties:
        return "The parties"
    if len(parties) == 1:
        party = parties[0]
        return f"Government of {party}" if countries_in(party) == [party] else party
    name = ", ".join(parties[:-1]) + " and " + parties[-1]
    return name if len(name) <= 200 else f"The {len(parties)} parties"
