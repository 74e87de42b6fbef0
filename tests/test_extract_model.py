"""The sentence model that second-guesses the extraction rules (tracker/extract/learned.py)."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date
from pathlib import Path

from tracker.extract import extract
from tracker.extract.learned import MODEL_PATH, SentenceModel, features, load, shipped_model

MEETING = date(2023, 4, 11)
DEV = Path(__file__).parent / "data" / "corpus" / "dev"
REVIEW = (
    "Review meeting on heatwave preparedness\n\n"
    "The Chief Minister reviewed the preparedness of departments. "
    "Target was set to operationalize the hospital in about six months by selecting an "
    "appropriate hospital manager."
)
AGREED = "The sides agreed to open a joint centre in Minsk."


def test_probability_is_the_logistic_of_bias_plus_weighted_features() -> None:
    model = SentenceModel(-1.0, {"w:open": 2.0, "r:found": 0.5}, add=0.6, drop=0.2)
    expected = 1 / (1 + math.exp(-(-1.0 + 2.0 * 2 + 0.5)))
    assert math.isclose(model.probability({"w:open": 2.0, "r:found": 1.0, "w:x": 9}), expected)
    assert model.probability({}) < 0.5  # unknown words weigh nothing: the bias decides
    assert model.probability({"w:open": 1e9}) == 1.0  # no overflow on absurd inputs


def test_features_are_words_pairs_first_words_and_what_the_rules_made_of_it() -> None:
    seen = features(
        "Terry to contact the Council.",
        found=False,
        below=0.35,
        minutes=True,
        item=True,
        after_colon=False,
        speech=False,
    )
    assert seen["w:terry"] == 1 and seen["b:to_contact"] == 1 and seen["first:terry"] == 1
    assert "first:council" not in seen  # only the first three words
    assert seen["r:found"] == 0 and seen["r:below"] == 1 and seen["r:conf"] == 0.35
    assert seen["minutes"] == 1 and seen["item"] == 1 and seen["after_colon"] == 0
    assert seen["len0"] == 1


def test_a_model_written_is_read_back_the_same(tmp_path: Path) -> None:
    model = SentenceModel(-0.5, {"w:open": 1.25, "w:tiny": 0.001}, add=0.6, drop=0.2)
    path = tmp_path / "model.json"
    path.write_text(model.to_json({"corpus": "test"}), encoding="utf-8")
    again = load(path)
    assert again.bias == -0.5 and again.add == 0.6 and again.drop == 0.2
    assert again.weights == {"w:open": 1.25}  # a weight that moves nothing is left out


def test_a_sentence_the_rules_miss_is_added_when_the_model_finds_it_likely() -> None:
    assert extract(REVIEW, meeting_date=MEETING, model=None).commitments == []
    likely = SentenceModel(-5.0, {"w:hospital": 10.0}, add=0.6, drop=0.2)
    [added] = extract(REVIEW, meeting_date=MEETING, model=likely, parties=["Odisha"]).commitments
    assert added.quote.startswith("Target was set to operationalize the hospital")
    assert added.cue == "sentence model" and added.confidence == 0.99
    assert added.owner == "Odisha"  # no one named: the meeting's side
    assert added.due == date(2023, 10, 11)  # operationalize: establishing, +6 months


def test_the_rules_findings_in_a_sentence_the_model_finds_unlikely_are_dropped() -> None:
    assert [c.quote for c in extract(AGREED, meeting_date=MEETING, model=None).commitments] == [
        AGREED
    ]
    unlikely = SentenceModel(-20.0, {}, add=0.6, drop=0.2)
    assert extract(AGREED, meeting_date=MEETING, model=unlikely).commitments == []
    unsure = SentenceModel(0.0, {}, add=0.6, drop=0.2)  # p = 0.5: neither adds nor drops
    assert [c.quote for c in extract(AGREED, meeting_date=MEETING, model=unsure).commitments] == [
        AGREED
    ]
    assert extract(REVIEW, meeting_date=MEETING, model=unsure).commitments == []


def test_in_minutes_the_one_named_before_to_verb_owns_what_the_model_adds() -> None:
    text = (
        "Minutes of the committee meeting\n\nPresent: Terry, Ann\n\n"
        "Funding – Terry to contact both councils to see if options are being considered."
    )
    likely = SentenceModel(-5.0, {"w:councils": 10.0}, add=0.6, drop=0.2)
    [added] = extract(text, meeting_date=MEETING, model=likely).commitments
    assert added.owner == "Terry"
    assert added.due == date(2023, 5, 11)  # an action in minutes: a month


def test_the_shipped_model_is_the_one_trained_on_the_dev_corpus_as_it_is() -> None:
    """Retrain (bench/train_sentence_model.py) whenever dev changes; held-out texts are never
    part of its training, which this checks through the digest of exactly the dev labels."""
    trained_on = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["trained_on"]
    digest = hashlib.sha256()
    paths = sorted(DEV.glob("*.labels.toml"))
    for path in paths:
        digest.update(path.name.encode() + path.read_bytes())
    assert trained_on["corpus"] == "dev" and trained_on["documents"] == len(paths)
    assert trained_on["labels_sha256"] == digest.hexdigest()


def test_the_shipped_model_reads_a_real_instruction_no_rule_covers() -> None:
    model = shipped_model()
    assert model is not None
    [added] = extract(REVIEW, meeting_date=MEETING, parties=["Odisha"]).commitments
    assert added.cue == "sentence model" and added.confidence >= model.add
    praise = "The Chief Minister praised the officers for their hard work during the floods."
    assert extract(praise, meeting_date=MEETING).commitments == []
