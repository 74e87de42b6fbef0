"""The error classes found on real readouts (issue 11), one rule each, on sentences written for
the test (the real texts are in tests/data/corpus and scored by bench/extract_eval.py)."""

from __future__ import annotations

from datetime import date

from tracker.extract import extract, is_minutes
from tracker.extract.evaluate import same_owner
from tracker.extract.parties import detect_parties

MEETING = date(2022, 5, 10)


def _found(text: str, **kwargs: object) -> list[tuple[str, str]]:
    draft = extract(text, meeting_date=MEETING, **kwargs)  # type: ignore[arg-type]
    return [(c.quote, c.owner) for c in draft.commitments]


def test_collective_subjects_are_the_parties_not_a_country_mentioned() -> None:
    text = (
        "Joint Statement of Japan and Canada\n\n"
        "The Prime Ministers of Japan and Canada met in Doha, Qatar on 10 May 2022. "
        "They discussed the situation in Syria and in Ukraine, and Ukraine's reconstruction.\n\n"
        "We agreed to launch a joint fund for clean energy research. "
        "Both sides will hold a ministerial dialogue on critical minerals."
    )
    draft = extract(text, meeting_date=MEETING)
    assert draft.parties == ["Japan", "Canada"]
    assert [c.owner for c in draft.commitments] == ["Japan and Canada", "Japan and Canada"]


def test_parties_can_be_given() -> None:
    text = "The two leaders agreed to establish a working group on grain exports."
    [(_, owner)] = _found(text, parties=["Belarus", "Uzbekistan"])
    assert owner == "Belarus and Uzbekistan"


def test_white_house_readouts_speak_for_the_united_states() -> None:
    text = (
        "The White House\nReadout of the President's Meeting with Prime Minister Harper\n\n"
        "President Obama and Prime Minister Harper met today. "
        "The two leaders agreed to continue to coordinate their efforts ahead of the G20."
    )
    draft = extract(text, meeting_date=MEETING)
    assert draft.parties == ["United States", "Canada"]
    assert draft.commitments[0].owner == "United States and Canada"


def test_items_of_an_agreed_list_are_commitments_of_the_header_subject() -> None:
    text = (
        "Joint statement of India and Mexico\n\n"
        "Both sides agreed:\n"
        "- To launch negotiations on a bilateral investment treaty;\n"
        "- To explore cooperation in space research;\n"
        "- Establish a joint working group on pharmaceuticals.\n\n"
        "The Prime Minister thanked the President for the hospitality."
    )
    found = _found(text)
    assert [quote for quote, _ in found] == [
        "To launch negotiations on a bilateral investment treaty",
        "To explore cooperation in space research",
        "Establish a joint working group on pharmaceuticals",
    ]
    assert {owner for _, owner in found} == {"India and Mexico"}


def test_numbered_decisions_under_a_body_take_its_name() -> None:
    text = (
        "1196th meeting\nThe Deputies\n"
        "1. adopted Resolution CM/Res(2014)3 on the terms of reference of the committee;\n"
        "2. invited member States to submit candidatures by 15 May 2014.\n"
    )
    draft = extract(text, meeting_date=date(2014, 4, 2))
    assert len(draft.commitments) == 2
    assert draft.commitments[1].due == date(2014, 5, 15)


def test_verb_forms_and_requests() -> None:
    sentences = {
        "The two countries are resuming direct flights between their capitals.": "are resuming",
        "The ministers planned to hold a trade fair in Lagos.": "planned to",
        "The sides are planning for a leaders' call in the coming weeks.": "planning for",
        "We ask our Finance Ministers to report on progress by our next summit.": "ask",
        "Member states were urged to ratify the convention.": "were urged to",
        "Member states were asked to nominate experts.": "were asked to",
        "We reaffirmed our commitment to the elimination of export subsidies.": "commitment to",
        "The agency was expected to publish the guidelines.": "was expected to",
        "The leaders welcomed the establishment of a joint investment fund.": "establishment",
        "The ministers announced the establishment of an innovation centre, to be launched "
        "in 2023.": "establishment",
        "The regional governors should submit their proposals to the Ministry.": "should",
    }
    for sentence, cue in sentences.items():
        draft = extract(sentence, meeting_date=MEETING, parties=["Nigeria", "Ghana"])
        assert [cue in c.cue for c in draft.commitments] == [True], sentence


def test_requests_belong_to_the_ones_asked() -> None:
    text = "G7 Leaders' Statement\n\nWe ask our Finance Ministers to report on progress."
    [candidate] = extract(text, meeting_date=MEETING).commitments
    assert same_owner(candidate.owner, {"owner": "G7 Finance Ministers"})


def test_an_instruction_without_a_recipient_goes_to_the_government() -> None:
    text = (
        "Meeting of the President of Belarus with the Council of Ministers\n\n"
        "The head of state instructed to ensure the harvest is brought in by 1 October."
    )
    [candidate] = extract(text, meeting_date=MEETING).commitments
    assert candidate.owner == "Government of Belarus"
    assert candidate.due == date(2022, 10, 1)


def test_negations_and_assessments_are_not_commitments() -> None:
    text = (
        "We have not seen evidence that the regime is committed to a ceasefire. "
        "We agreed that the agreement is an important component of regional security."
    )
    assert _found(text, parties=["France", "Germany"]) == []


def test_a_precise_deadline_wins_over_a_vague_one() -> None:
    text = "The sides will shortly, and no later than January 2023, sign the visa agreement."
    [candidate] = extract(text, meeting_date=MEETING, parties=["Chile", "Peru"]).commitments
    assert candidate.due == date(2023, 1, 31)


def test_minutes_have_actions_due_within_weeks() -> None:
    text = (
        "Minutes of the Executive Team meeting\nAttendees: CB (Chair), PJM, VJ\n\n"
        "2.6 PJM to provide a copy of the risk register to RM.\n"
        "Action: secretariat to prepare draft terms of reference.\n"
        "The Team agreed to review the budget."
    )
    draft = extract(text, meeting_date=MEETING)
    assert is_minutes(text)
    assert [c.owner for c in draft.commitments][:2] == ["PJM", "Secretariat"]
    assert {c.due for c in draft.commitments} == {date(2022, 6, 10)}


def test_detected_parties_leave_out_places_and_topics() -> None:
    text = (
        "EU-Australia Leaders' Statement on Ukraine\n\n"
        "The leaders of the European Union and Australia met in Bali, Indonesia today."
    )
    assert detect_parties(text, "EU-Australia Leaders' Statement on Ukraine") == [
        "European Union",
        "Australia",
    ]
