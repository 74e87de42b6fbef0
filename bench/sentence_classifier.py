"""Would a sentence classifier find what the rules miss? An experiment, not part of the product.

    python bench/sentence_classifier.py

Logistic regression (pure Python, hashed features: words, word pairs, the cue families found,
modal and decision words, how sure the rules were before their cut-off) trained with 5-fold
cross-validation by document over `tests/data/corpus/dev`. For the sentences the rules skip,
it prints how many each threshold would add and how many of those hold a labelled commitment;
for the sentences the rules keep, how many a low score would drop and how many of those were
right. Deterministic (fixed seeds); takes a few seconds.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import sys
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract_eval

import tracker.extract.rules as rules
from tracker.extract import extract
from tracker.extract.clauses import cue_hits
from tracker.extract.evaluate import load_labelled, locate, overlap
from tracker.extract.segment import iter_sentences

SIZE = 1 << 18
FOLDS = 5
_MARKERS = re.compile(
    r"\b(will|shall|would|should|must|to be|agreed|decided|resolved|asked|requested|directed"
    r"|instructed|need|plan|intend|committed|commitment|action)\b"
)


@dataclass
class Row:
    document: str
    features: list[int]
    holds_label: bool  # a labelled quote lies in the sentence
    kept: bool  # the rules keep a candidate here
    labels: int


def _hashed(names: set[str]) -> list[int]:
    return [int(hashlib.md5(n.encode()).hexdigest()[:8], 16) % SIZE for n in names]


def features(text: str, raw: float | None) -> list[int]:
    words = re.findall(r"[a-z]+", text.lower())
    names = {f"w:{w}" for w in words} | {f"b:{a}_{b}" for a, b in pairwise(words)}
    names |= {f"cue:{hit.cue.family}" for hit in cue_hits(text)}
    names |= {f"m:{m}" for m in _MARKERS.findall(text.lower())}
    names.add(f"len:{min(len(words) // 10, 6)}")
    names.add("raw:none" if raw is None else f"raw:{int(raw * 10)}")
    if re.match(r"\s*To\s", text):
        names.add("starts:To")
    if re.match(r"\s*[A-Z]{2,3}\s+(?:to|will)\b", text):
        names.add("starts:initials")
    return _hashed(names)


def rows() -> list[Row]:
    found: list[Row] = []
    for path in extract_eval.documents("dev"):
        doc = load_labelled(path)
        kept = extract(doc.source, meeting_date=doc.meeting_date).commitments
        floor, rules.FLOOR = rules.FLOOR, 0.0
        try:
            raw = extract(doc.source, meeting_date=doc.meeting_date).commitments
        finally:
            rules.FLOOR = floor
        kept_spans = [span for c in kept for span in locate(c.quote, doc.source)]
        raw_spans = [(span, c.confidence) for c in raw for span in locate(c.quote, doc.source)]
        label_spans = [locate(quote, doc.source) for quote in doc.quotes]
        for sentence in iter_sentences(doc.source):
            span = (sentence.start, sentence.end)
            labels = sum(any(overlap(span, b) >= 0.6 for b in spans) for spans in label_spans)
            best = max((c for s, c in raw_spans if overlap(span, s) >= 0.4), default=None)
            found.append(
                Row(
                    path.name,
                    features(sentence.text, best),
                    labels > 0,
                    any(overlap(span, s) >= 0.4 for s in kept_spans),
                    labels,
                )
            )
    return found


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(min(z, 30.0), -30.0)))


def train(data: list[Row], epochs: int = 8, rate: float = 0.2, l2: float = 1e-5) -> list[float]:
    weights = [0.0] * SIZE
    order = list(data)
    for _ in range(epochs):
        random.Random(2).shuffle(order)
        for row in order:
            error = _sigmoid(sum(weights[i] for i in row.features)) - row.holds_label
            for i in row.features:
                weights[i] -= rate * (error + l2 * weights[i])
    return weights


def main() -> None:
    data = rows()
    documents = sorted({row.document for row in data})
    random.Random(1).shuffle(documents)
    fold = {name: index % FOLDS for index, name in enumerate(documents)}
    scored: list[tuple[float, Row]] = []
    for k in range(FOLDS):
        weights = train([row for row in data if fold[row.document] != k])
        scored += [
            (_sigmoid(sum(weights[i] for i in row.features)), row)
            for row in data
            if fold[row.document] == k
        ]
    skipped = [(p, row) for p, row in scored if not row.kept]
    kept = [(p, row) for p, row in scored if row.kept]
    labels = sum(len(load_labelled(p).quotes) for p in extract_eval.documents("dev"))
    print(f"{len(documents)} documents, {labels} labels; the rules skip {len(skipped)} sentences")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        added = [row for p, row in skipped if p >= threshold]
        right = [row for row in added if row.holds_label]
        print(
            f"  add p >= {threshold}: {len(added)} sentences, {len(right)} hold labels"
            f" (+{sum(r.labels for r in right) / labels:.3f} recall at most),"
            f" {len(right) / max(len(added), 1):.2f} of the added right"
        )
    print(f"the rules keep {len(kept)} sentences, {sum(r.holds_label for _, r in kept)} right")
    for threshold in (0.1, 0.2, 0.3):
        dropped = [row for p, row in kept if p < threshold]
        right = sum(row.holds_label for row in dropped)
        print(f"  drop p < {threshold}: {len(dropped)} sentences, {right} of them right")


if __name__ == "__main__":
    main()
