from cues.selectors import readiness_answers
from tests.factories import MassageSessionFactory


def test_the_review_reads_the_answers_in_the_words_asked_areas_left_out_included(db):
    session = MassageSessionFactory(
        readiness={
            "health": "tummy_upset",
            "cord": "healed",
            "state": "quiet_alert",
            "leave_out": ["legs", "feet"],
        }
    )
    answers = dict(readiness_answers(session))
    assert answers["Is your baby well today?"] == "Loose stools or an upset tummy"
    cord = "Has the cord stump come off and the navel healed?"
    assert answers[cord] == "Yes, the navel has healed"
    assert answers["Leave out an area today?"] == "Legs, Feet"


def test_answers_without_areas_left_out_show_no_such_line(db):
    session = MassageSessionFactory(readiness={"health": "well", "leave_out": []})
    assert [question for question, _answer in readiness_answers(session)] == [
        "Is your baby well today?"
    ]
