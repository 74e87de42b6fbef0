"""A sentence model that second-guesses the rules.

The rules find a commitment only where a cue they know is written; real readouts phrase many
commitments in ways no cue covers ("Target was set to operationalize the hospital in six
months", "JW to supply numbers"), and some cues fire on sentences that commit no one. A
logistic regression over a sentence's words and over what the rules made of it gives each
sentence the probability that it states a commitment:

- a sentence the rules found nothing in becomes a commitment at `add` or more;
- the rules' findings in a sentence below `drop` are dropped.

The weights are plain numbers in `sentence_model.json`, trained on the dev corpus only by
`bench/train_sentence_model.py` (which needs scikit-learn; using the model needs nothing), so
extraction stays offline and deterministic.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("sentence_model.json")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class SentenceModel:
    """Weights of a logistic regression and the two thresholds that apply it."""

    bias: float
    weights: dict[str, float]
    add: float
    drop: float

    def probability(self, features: dict[str, float]) -> float:
        """The probability that a sentence with these features states a commitment."""
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_json(self, trained_on: dict[str, object]) -> str:
        """The model as the JSON file `load` reads, with a note of what it was trained on."""
        payload = {
            "trained_on": trained_on,
            "bias": round(self.bias, 4),
            "add": self.add,
            "drop": self.drop,
            # weights under 0.005 move no probability by a point: left out, the file is half
            "weights": {k: round(v, 4) for k, v in sorted(self.weights.items()) if abs(v) >= 0.005},
        }
        return json.dumps(payload, indent=0, ensure_ascii=False) + "\n"


def load(path: Path) -> SentenceModel:
    """Read a model written by `SentenceModel.to_json`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return SentenceModel(
        float(data["bias"]),
        {str(k): float(v) for k, v in data["weights"].items()},
        float(data["add"]),
        float(data["drop"]),
    )


@cache
def shipped_model() -> SentenceModel | None:
    """The model that ships with the package, or None when its file is missing."""
    return load(MODEL_PATH) if MODEL_PATH.exists() else None


def features(
    text: str,
    *,
    found: bool,
    below: float | None,
    minutes: bool,
    item: bool,
    after_colon: bool,
    speech: bool,
) -> dict[str, float]:
    """What the model sees of one sentence: its words and word pairs, its first three words,
    whether the rules found a commitment in it (`found`) or one below their floor (`below`,
    that finding's confidence), and where it stands (minutes, a list item, after a colon,
    quoted speech, its length)."""
    words = _WORD.findall(text.lower())
    result: dict[str, float] = {}
    for word in words:
        result["w:" + word] = result.get("w:" + word, 0.0) + 1.0
    for first, second in pairwise(words):
        key = f"b:{first}_{second}"
        result[key] = result.get(key, 0.0) + 1.0
    for word in words[:3]:
        result["first:" + word] = 1.0
    result["r:found"] = float(found)
    result["r:below"] = float(below is not None)
    result["r:conf"] = below if below is not None else 0.0
    result["minutes"] = float(minutes)
    result["item"] = float(item)
    result["after_colon"] = float(after_colon)
    result["speech"] = float(speech)
    result[f"len{min(len(words) // 10, 6)}"] = 1.0
    return result
