"""The readout extractor: quality on hand-labelled readouts, verbatim quotes, the TOML draft,
time expressions, owners, distractors and bad input.

A candidate matches a label when their quotes overlap by at least 40 % of the shorter one, as
character intervals of the whitespace-normalised source, one-to-one (`tracker.extract.evaluate`).
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from tracker.extract import Draft, ExtractError, draft_to_toml, extract, read_readout
from tracker.extract.evaluate import Labelled, load_labelled, normalise, score
from tracker.extract.when import find_deadlines, resolve_phrase

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "by-cn-2017-05-16.toml"
READOUTS = ROOT / "tests" / "data" / "readouts"
OWN = sorted(READOUTS.glob("*.labels.toml"))
LABELLED = [SEED, *OWN]
MEETING = date(2017, 5, 16)


def _name(path: Path) -> str:
    return path.name.removesuffix(".toml").removesuffix(".labels")


@cache
def _labelled(path: Path) -> Labelled:
    return load_labelled(path)


@cache
def _draft(path: Path) -> Draft:
    doc = _labelled(path)
    return extract(doc.source, meeting_date=doc.meeting_date, source=path.name)


@pytest.mark.parametrize("path", LABELLED, ids=_name)
def test_recall_and_precision_on_labelled_readouts(path: Path) -> None:
    doc = _labelled(path)
    quotes = [c.quote for c in _draft(path).commitments]
    result = score(quotes, doc.quotes, doc.source)
    missed = [normalise(doc.quotes[i])[:70] for i in result.missed()]
    spurious = [normalise(quotes[i])[:70] for i in result.spurious()]
    assert result.recall >= 0.9, f"missed: {missed}"
    assert result.precision >= 0.7, f"spurious: {spurious}"


@pytest.mark.parametrize("path", LABELLED, ids=_name)
def test_every_candidate_quote_is_verbatim(path: Path) -> None:
    source = normalise(_labelled(path).source)
    for candidate in _draft(path).commitments:
        assert normalise(candidate.quote) in source, candidate.key


def test_own_readouts_are_labelled_verbatim_and_sized_like_readouts() -> None:
    assert len(OWN) >= 3
    for path in OWN:
        doc = _labelled(path)
        assert 2500 <= len(doc.source) <= 6000, path.name
        keys = [label["key"] for label in doc.labels]
        assert len(keys) == len(set(keys)), path.name
        for label in doc.labels:
            assert normalise(label["quote"]) in normalise(doc.source), label["key"]
            assert {"key", "title", "quote", "owner", "due", "area"} <= label.keys()


def test_score_matches_one_to_one() -> None:
    source = "Alpha agreed to build a bridge. Beta will open a school soon. Gamma praised it."
    labels = ["Alpha agreed to build a bridge.", "Beta will open a school soon."]
    one_long = score(
        ["Alpha agreed to build a bridge. Beta will open a school soon."], labels, source
    )
    assert (one_long.matched, one_long.precision, one_long.recall) == (1, 1.0, 0.5)
    with pytest.raises(ValueError, match="not in the source"):
        score(["Delta will fly."], labels, source)


def test_draft_to_toml_round_trips() -> None:
    draft = _draft(SEED)
    data = tomllib.loads(draft_to_toml(draft))
    assert data["meeting"] == {
        "slug": draft.slug,
        "title": draft.title,
        "date": draft.date,
        "place": draft.place,
        "parties": draft.parties,
        "source": draft.source,
    }
    assert set(draft.parties) == {"Belarus", "China"}
    assert [owner["name"] for owner in data["owners"]] == draft.owners
    assert len(data["commitments"]) == len(draft.commitments)
    for entry, candidate in zip(data["commitments"], draft.commitments, strict=True):
        for field in ("key", "title", "quote", "owner", "due", "area", "priority", "cue"):
            assert entry[field] == getattr(candidate, field), field
        assert entry.get("counterpart") == candidate.counterpart
        assert entry["confidence"] == candidate.confidence
        assert entry["due_basis"] == candidate.due_basis
        assert entry["tags"] == [candidate.kind]
    keys = [entry["key"] for entry in data["commitments"]]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("path", LABELLED, ids=_name)
def test_drafts_pass_the_meeting_file_importer(tmp_path: Path, path: Path) -> None:
    from tracker.meetingfile import load_meeting_file

    doc = _labelled(path)
    (tmp_path / "readout.txt").write_text(doc.source, encoding="utf-8")
    draft = extract(doc.source, meeting_date=doc.meeting_date, source="readout.txt")
    meeting_file = tmp_path / "draft.toml"
    meeting_file.write_text(draft_to_toml(draft), encoding="utf-8")
    spec = load_meeting_file(meeting_file)
    assert [c.key for c in spec.commitments] == [c.key for c in draft.commitments]
    assert [c.due for c in spec.commitments] == [c.due for c in draft.commitments]


def test_meeting_fields_are_guessed_from_the_text() -> None:
    draft = _draft(SEED)
    assert (draft.title, draft.place) == ("Meeting with China President Xi Jinping", "Beijing")
    assert draft.slug == "meeting-beijing-2017-05-16"
    explicit = extract(_labelled(SEED).source, meeting_date=MEETING, title="Talks", place="Minsk")
    assert (explicit.title, explicit.place, explicit.slug) == (
        "Talks",
        "Minsk",
        "talks-minsk-2017-05-16",
    )


TIME_CASES = [
    ("in July", date(2017, 7, 31)),
    ("by the end of the year", date(2017, 12, 31)),
    ("within six months", date(2017, 11, 16)),
    ("next year", date(2018, 12, 31)),
    ("in April–May", date(2018, 5, 31)),
    ("in April–May 2019", date(2019, 5, 31)),
    ("shortly", date(2017, 6, 16)),
    ("in the near future", date(2017, 6, 16)),
    ("at the next meeting in six months", date(2017, 11, 16)),
    ("by 30 June 2018", date(2018, 6, 30)),
    ("by June 30, 2018", date(2018, 6, 30)),
    ("by 1 September", date(2017, 9, 1)),
    ("no later than 31 December 2018", date(2018, 12, 31)),
    ("in May", date(2017, 5, 31)),
    ("in the first half of 2019", date(2019, 6, 30)),
    ("in the second half of the year", date(2017, 12, 31)),
    ("in the first half of next year", date(2018, 6, 30)),
    ("in the third quarter of 2019", date(2019, 9, 30)),
    ("Q3 2018", date(2018, 9, 30)),
    ("in the autumn", date(2017, 11, 30)),
    ("within 30 days", date(2017, 6, 15)),
    ("within twelve months", date(2018, 5, 16)),
    ("within a year", date(2018, 5, 16)),
    ("over the next two years", date(2019, 5, 16)),
    ("in the coming months", date(2017, 8, 16)),
    ("by 2022", date(2022, 12, 31)),
    ("by mid-2018", date(2018, 6, 30)),
    ("by the end of 2019", date(2019, 12, 31)),
    ("next month", date(2017, 6, 30)),
    ("by the end of the month", date(2017, 5, 31)),
]


@pytest.mark.parametrize(("phrase", "expected"), TIME_CASES, ids=[p for p, _ in TIME_CASES])
def test_time_expressions_resolve_against_the_meeting_date(phrase: str, expected: date) -> None:
    assert resolve_phrase(phrase, MEETING) == expected


@pytest.mark.parametrize(
    "text",
    ["a programme for 2019–2021", "1 billion US dollars", "signed in 1992", "in Beijing on 16 May"],
)
def test_periods_amounts_and_the_past_are_not_deadlines(text: str) -> None:
    assert find_deadlines(text, MEETING) == []


def test_stated_and_default_deadlines() -> None:
    by_cue = {c.cue: c for c in _draft(SEED).commitments}
    sign = by_cue["are gearing up to"]
    assert (sign.kind, sign.due) == ("sign", date(2017, 8, 16))
    assert sign.due_basis == "default +3m for kind 'sign'"
    assert by_cue["will"].due == date(2017, 11, 16)  # China will consider: study, +6m
    assert by_cue["signed"].due == date(2018, 5, 16)  # a signed agreement: implement, +12m
    stated = extract("The sides agreed to open a joint centre in July.", meeting_date=MEETING)
    [centre] = stated.commitments
    assert (centre.due, centre.due_basis) == (date(2017, 7, 31), "stated: in July")


def test_owner_is_the_first_named_body_and_counterpart_the_other() -> None:
    [security] = [c for c in _draft(SEED).commitments if c.area == "security" and c.kind == "sign"]
    assert security.owner == "State Secretariat of the Security Council of Belarus"
    assert security.counterpart == "Ministry of Public Security of China"
    [funds] = [c for c in _draft(SEED).commitments if c.area == "finance"]
    assert (funds.owner, funds.counterpart) == ("Government of China", "Government of Belarus")


def test_two_actions_in_one_sentence_give_two_commitments() -> None:
    text = (
        "Belarus and China held talks. They agreed to raise trade to 5 billion dollars by 2020 "
        "and instructed the Ministry of Economy of Belarus to draw up a roadmap by 30 June 2018."
    )
    first, second = extract(text, meeting_date=MEETING).commitments
    assert first.quote == "They agreed to raise trade to 5 billion dollars by 2020"
    # "They" are the parties who held the talks, together.
    assert (first.owner, first.due) == ("Belarus and China", date(2020, 12, 31))
    assert second.owner == "Ministry of Economy of Belarus"
    assert (second.title, second.due) == ("Draw up a roadmap", date(2018, 6, 30))


def test_praise_history_opinion_and_rhetoric_are_not_commitments() -> None:
    text = (
        "The President praised the excellent organisation of the forum. "
        "The President said that he had signed a decree before the visit. "
        "“We will analyze it at home. It was a concrete speech,” he said. "
        "“I am convinced that the corridor will carry millions of tonnes,” the minister said. "
        "The sides will not revise the treaty signed in 1992. "
        "Will the sides agree to meet again? "
        "The parties discussed cooperation in investment, credit and finance."
    )
    assert extract(text, meeting_date=MEETING).commitments == []


def test_min_confidence_filters_candidates() -> None:
    everything = _draft(SEED).commitments
    confident = extract(_labelled(SEED).source, meeting_date=MEETING, min_confidence=0.8)
    assert 0 < len(confident.commitments) < len(everything)
    assert all(c.confidence >= 0.8 for c in confident.commitments)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Les parties ont convenu de coopérer.".encode("latin-1"), "not UTF-8"),
    ],
    ids=["empty", "blank", "binary", "latin-1"],
)
def test_unusable_readouts_are_refused_with_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "readout.txt"
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=message) as error:
        read_readout(path)
    assert "\n" not in str(error.value)
    with pytest.raises(ExtractError, match="cannot read"):
        read_readout(tmp_path / "missing.txt")


def test_text_without_commitments_gives_an_empty_draft() -> None:
    text = "The talks were held in a warm and friendly atmosphere.\n\nTrade grew by 10 per cent."
    draft = extract(text, meeting_date=MEETING)
    assert draft.commitments == []
    assert "commitments" not in tomllib.loads(draft_to_toml(draft))
    with pytest.raises(ExtractError, match="binary"):
        extract("abc\x00def", meeting_date=MEETING)


def test_ten_megabytes_of_repeated_paragraphs(tmp_path: Path) -> None:
    seed = _labelled(SEED).source
    paragraphs = [p for p in seed.split("\n\n") if p.strip()]
    body = "\r\n\r\n".join(paragraphs)  # Windows newlines, normalised on reading
    copies = 10 * 2**20 // len(body.encode()) + 1
    path = tmp_path / "big.txt"
    path.write_text("\r\n\r\n".join([body] * copies), encoding="utf-8", newline="")
    assert path.stat().st_size >= 10 * 2**20
    big = extract(read_readout(path), meeting_date=MEETING)
    single = _draft(SEED).commitments
    assert [(c.key, c.quote, c.owner, c.due) for c in big.commitments] == [
        (c.key, c.quote, c.owner, c.due) for c in single
    ]
