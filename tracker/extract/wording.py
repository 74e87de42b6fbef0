"""Words for people: imperative titles, stable keys and areas of commitments."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from tracker.extract.vocab import AREAS, word_set

TITLE_LENGTH = 90
KEY_WORDS = 4

_IRREGULAR = {
    "held": "hold", "drawn": "draw", "drew": "draw", "made": "make", "given": "give",
    "gave": "give", "built": "build", "sent": "send", "met": "meet", "kept": "keep",
    "taken": "take", "took": "take", "brought": "bring", "undertaken": "undertake",
    "begun": "begin", "began": "begin", "done": "do", "sought": "seek", "led": "lead",
    "paid": "pay", "laid": "lay", "written": "write", "being": "be", "is": "be", "are": "be",
    "set": "set", "put": "put", "run": "run", "creating": "create", "created": "create",
    "making": "make", "taking": "take", "using": "use", "used": "use",
}  # fmt: skip
# Stems that lost a final "e" to -ing/-ed ("creat" -> "create", "organis" -> "organise").
_E_STEM = re.compile(
    r"(?:[^eo]at|iz|is|yz|ys|c|v|u|ut|quir|[^o]ur|[^t]or|os|as|[^oa]id|ud|[^e]ar|[^o]om|ul|[^o]ot"
    r"|stor|plet|[ae]ng|ag|rg|dg|[bcdfgkptz]l|[^aeiou]in|rs|ns|ps|[^a]ir)$"
)
_KEEP_DOUBLE = word_set("install fulfill fill call tell sell spell roll pull enroll recall add")
_STOP = word_set(
    """a an the of on in to for and or with by at from as such its their his her our this that
    these those into onto between among within about over under new further via through across
    along towards toward against during after before upon per than including be is are"""
)
# Words that say little about which commitment a key stands for.
_WEAK_KEY = word_set(
    """up out agreement agreements intergovernmental memorandum understanding cooperation
    possibility ways issue joint mutual bilateral implementation"""
)
_CUT = re.compile(
    r",\s+(?:including|which|in\s+particular|where|while|whereas|with|as\s+well\s+as)\b"
    r"|\s+so\s+that\b|\s+in\s+order\s+to\b|;|\s[–—]\s|\s+\(",
    re.IGNORECASE,
)
# Where a long title may end, best first: before a comma or a phrase that only adds detail.
_BREAKS = (",", "such as", "including", "to", "for", "with", "in the", "and")
_BREAK = re.compile(r",\s|\s(?:such\s+as|including|to|for|with|in\s+the|and)\s")
_POSSIBILITY = re.compile(
    r"^((?:consider|study|explore|examine|discuss|analy[sz]e|weigh)\s+)the\s+"
    r"(?:possibility|issue|question)\s+of\s+",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"[,”\"]+\s+[^,]{1,80}?\b(?:said|noted|stressed|added|emphasi[sz]ed|stated|announced)\W*$"
)
_EFFORT = re.compile(r"^(?:work|seek|strive|endeavou?r|try|aim|make\s+efforts)\s+to\s+", re.I)
_DANGLING = re.compile(
    r"\s*,?\s*\b(?:by|before|until|till|no\s+later\s+than|not\s+later\s+than|on)\s*$"
)


def lemma(word: str) -> str:
    """Base form of an English verb form: "launching" -> "launch", "organised" -> "organise"."""
    w = word.lower().strip("“”\"'’,.;:")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    for suffix in ("ing", "ed"):
        stem = w[: -len(suffix)]
        if w.endswith(suffix) and len(stem) >= 3:
            if stem[-1] == stem[-2] and stem[-1] in "bgmnprtl" and stem not in _KEEP_DOUBLE:
                return stem[:-1]
            return stem + "e" if _E_STEM.search(stem) else stem
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("es") and w[:-2].endswith(("ss", "sh", "ch", "x", "z")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def main_action(action: str) -> str:
    """The action without an effort verb: "work to simplify visas" -> "simplify visas"."""
    text = action.strip()
    verb, _, rest = text.partition(" ")
    return _EFFORT.sub("", f"{lemma(verb)} {rest}".strip()) if verb else text


def imperative(action: str, *, without: str | None = None) -> str:
    """A short imperative title from an action that starts with a verb in any form."""
    text = main_action(drop_phrase(action, without))
    text = _POSSIBILITY.sub(r"\1", text)
    return shorten(text)


def noun_title(prefix: str, phrase: str, *, without: str | None = None) -> str:
    """A title made of a verb and a noun phrase: ("Implement", "an agreement on X")."""
    text = drop_phrase(phrase, without)
    text = re.sub(r"^(?:an?|the)\s+", "the ", text.strip(), flags=re.IGNORECASE)
    return shorten(f"{prefix} {text}")


def drop_phrase(text: str, phrase: str | None) -> str:
    """`text` without the time expression `phrase` and the preposition or commas around it."""
    text = " ".join(text.split())
    if phrase:
        before, found, after = text.partition(" ".join(phrase.split()))
        if found:
            kept = _DANGLING.sub("", before)
            enclosed = before.rstrip().endswith(",") or "," in before[len(kept) :]
            after = after.strip()
            if enclosed and after.startswith(","):
                after = after[1:].lstrip()
            text = f"{kept.rstrip()} {after}"
    return re.sub(r"\s+(?=[,.;:])", "", text).strip()


def shorten(text: str) -> str:
    """Cut a title at its first subordinate clause and to TITLE_LENGTH, on a word."""
    text = _ATTRIBUTION.sub("", " ".join(text.split()))
    cut = _CUT.search(text)
    if cut and cut.start() >= 20:
        text = text[: cut.start()]
    if len(text) > TITLE_LENGTH:
        breaks = list(_BREAK.finditer(text, 50, TITLE_LENGTH + 1))
        if breaks:  # the last break of the best kind: a comma, then "such as", then ...
            rank = min(_break_rank(m.group()) for m in breaks)
            text = text[: [m for m in breaks if _break_rank(m.group()) == rank][-1].start()]
        else:
            text = text[: TITLE_LENGTH + 1].rsplit(" ", 1)[0]
    words = text.rstrip(" ,.;:").split()
    while len(words) > 2 and (words[-1].lower() in _STOP or not words[-1][-1].isalnum()):
        words.pop()
    text = " ".join(words).strip('“”"')
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    if text.count('"') % 2:
        text = text.replace('"', "")
    return text[:1].upper() + text[1:]


def _break_rank(found: str) -> int:
    return _BREAKS.index(" ".join(found.split()).rstrip(",") or ",")


class KeyMaker:
    """Short unique slugs from titles' content words: "visa-free-entry-mutual", then "-2"."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}  # base -> next suffix, so n repeats cost O(n)

    def make(self, title: str) -> str:
        base = _key_base(title)
        key, n = base, self._next.get(base, 2)
        while key in self._taken:
            key, n = f"{base}-{n}", n + 1
        self._next[base] = n
        self._taken.add(key)
        return key


def _key_base(title: str) -> str:
    plain = re.sub(r"[–—]", "-", title).replace("’", "").replace("'", "")
    ascii_title = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", ascii_title.lower())
    content = [w for w in words[1:] if w not in _STOP and w not in _WEAK_KEY]
    nouns = [w for w in content if not w.endswith("ing")]
    content = (nouns if len(nouns) >= 2 else content) or words or ["commitment"]
    base = content[0][:40]
    for word in content[1:KEY_WORDS]:
        if len(base) + 1 + len(word) > 40:
            break
        base = f"{base}-{word}"
    return base


def _index_stems() -> dict[str, list[tuple[str, str, float, bool]]]:
    """First three letters -> [(stem, area, weight, whole word)] for every area keyword."""
    index: dict[str, list[tuple[str, str, float, bool]]] = {}
    for area, stems in AREAS.items():
        for stem, weight in stems.items():
            entry = (stem.rstrip("="), area, weight, stem.endswith("="))
            index.setdefault(stem[:3], []).append(entry)
    return index


_AREA_STEMS = _index_stems()
_WORD = re.compile(r"[a-z][a-z’'-]*")
_ENDINGS = ("", "s", "es", "ed", "ing", "er", "ers")


def _area_scores(text: str) -> dict[str, tuple[float, int]]:
    """Area -> (keyword weight, offset of the first keyword) for the areas found in `text`.
    Words are looked up by their first three letters, so the cost is linear in the text."""
    lowered = text.lower()
    scores: dict[str, tuple[float, int]] = {}
    for word in _WORD.finditer(lowered):
        for stem, area, weight, whole in _AREA_STEMS.get(word.group()[:3], ()):
            if not lowered.startswith(stem, word.start()):
                continue
            if whole and lowered[word.start() + len(stem) : word.end()] not in _ENDINGS:
                continue
            score, first = scores.get(area, (0.0, word.start()))
            scores[area] = (score + weight, first)
    return scores


def _best_area(text: str) -> tuple[str, float]:
    scores = _area_scores(text)
    if not scores:
        return "other", 0.0
    area = min(scores, key=lambda a: (-scores[a][0], scores[a][1]))  # ties: first mentioned
    return area, scores[area][0]


def dominant_area(text: str) -> str | None:
    """The area of a whole document when one area has most of its keywords, else None."""
    scores = _area_scores(text)
    if not scores:
        return None
    best = max(scores, key=lambda area: scores[area][0])
    total = sum(score for score, _ in scores.values())
    return best if scores[best][0] >= 4 and scores[best][0] >= 0.4 * total else None


def area_of(texts: Iterable[str], fallback: str | None = None) -> str:
    """The area of the first text with a clear keyword signal (the clause; then its context,
    which needs a stronger one), else the document's dominant area, else that of a weak
    signal, else "other"."""
    weak = fallback or "other"
    for index, text in enumerate(texts):
        area, score = _best_area(text)
        if score >= (1 if index == 0 else 2):
            return area
        if score and weak == "other":
            weak = area
    return weak
