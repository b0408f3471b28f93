"""The safety check before a massage: what each answer means, and which questions are asked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import BabyState
from sessions.readiness import ReadinessForm, judge
from tests.factories import BabyFactory, routine_with_areas

ALL_CLEAR = {
    "health": "well",
    "vaccination": "no",
    "skin": "clear",
    "cord": "healed",
    "feed": "over_30",
    "state": BabyState.QUIET_ALERT,
}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "tummy", "arms", "tummy"])


@pytest.fixture
def term_baby(db, today):
    return BabyFactory(birth_date=today - timedelta(weeks=12))


def verdict_for(routine, baby, today, **changes):
    answers = ALL_CLEAR | changes
    return judge(answers, steps=list(routine.steps.all()), baby=baby, routine=routine, today=today)


def test_all_clear_gives_no_advice_and_leaves_nothing_out(routine, term_baby, today):
    verdict = verdict_for(routine, term_baby, today)
    assert verdict.advice == []
    assert verdict.left_out == []
    assert verdict.excluded_step_ids == []
    assert verdict.notes == []
    assert not verdict.needs_confirmation


@pytest.mark.parametrize(
    ("question", "answer", "words"),
    [
        ("vaccination", "yes", "never massage the injection site"),
        ("skin", "problem", "Keep away from that patch of skin"),
        ("feed", "recent", "Wait about 30 minutes after a feed"),
        ("feed", "hungry", "Feed your baby first"),
        ("state", BabyState.DEEP_SLEEP, "Let your baby sleep"),
        ("state", BabyState.LIGHT_SLEEP, "sleeping lightly"),
        ("state", BabyState.DROWSY, "drifting off"),
        ("state", BabyState.ACTIVE_ALERT, "busy or fussy"),
        ("state", BabyState.CRYING, "Comfort your baby first"),
    ],
)
def test_each_worrying_answer_brings_its_own_advice(
    routine, term_baby, today, question, answer, words
):
    verdict = verdict_for(routine, term_baby, today, **{question: answer})
    assert len(verdict.advice) == 1
    assert words in str(verdict.advice[0])
    assert verdict.needs_confirmation
    assert verdict.excluded_step_ids == []


def test_an_unwell_baby_is_a_hard_stop_not_advice(routine, term_baby, today):
    verdict = verdict_for(routine, term_baby, today, health="unwell")
    assert len(verdict.stop) == 1
    assert "fever, an infection or another illness" in str(verdict.stop[0])
    assert verdict.advice == []
    assert verdict.needs_confirmation


def test_quiet_alert_gives_no_advice(routine, term_baby, today):
    assert verdict_for(routine, term_baby, today, state=BabyState.QUIET_ALERT).advice == []


def test_several_answers_add_up(routine, term_baby, today):
    verdict = verdict_for(
        routine, term_baby, today, vaccination="yes", feed="hungry", state=BabyState.CRYING
    )
    assert len(verdict.advice) == 3


def tummy_ids(routine):
    return sorted(routine.steps.filter(body_area="tummy").values_list("pk", flat=True))


def test_cord_not_healed_leaves_the_tummy_steps_out(routine, term_baby, today):
    verdict = verdict_for(routine, term_baby, today, cord="not_healed")
    assert sorted(verdict.excluded_step_ids) == tummy_ids(routine)
    assert len(verdict.excluded_step_ids) == 2
    assert len(verdict.left_out) == 1
    assert "until the cord site has fully healed" in str(verdict.left_out[0])
    # Leaving steps out is not advice, but it is shown before anything starts.
    assert verdict.advice == []
    assert verdict.needs_confirmation


def test_upset_tummy_leaves_the_tummy_steps_out(routine, term_baby, today):
    verdict = verdict_for(routine, term_baby, today, health="tummy_upset")
    assert sorted(verdict.excluded_step_ids) == tummy_ids(routine)
    assert len(verdict.left_out) == 1
    assert "upset tummy" in str(verdict.left_out[0])
    assert verdict.advice == []


def test_every_reason_is_given_when_both_apply(routine, term_baby, today):
    verdict = verdict_for(routine, term_baby, today, cord="not_healed", health="tummy_upset")
    assert sorted(verdict.excluded_step_ids) == tummy_ids(routine)
    assert len(verdict.left_out) == 2
    assert "cord" in str(verdict.left_out[0])
    assert "upset tummy" in str(verdict.left_out[1])


def test_areas_the_parent_leaves_out_are_left_out_with_the_reason(routine, term_baby, today):
    verdict = verdict_for(routine, term_baby, today, leave_out=["arms", "back"])
    arms = list(routine.steps.filter(body_area="arms").values_list("pk", flat=True))
    assert verdict.excluded_step_ids == arms
    assert verdict.excluded_areas == ["arms"]  # the routine has no back strokes
    assert [str(line) for line in verdict.left_out] == ["Left out today, as you asked: arms, back."]


def test_leaving_out_the_tummy_too_gives_each_reason_once(routine, term_baby, today):
    verdict = verdict_for(routine, term_baby, today, cord="not_healed", leave_out=["tummy"])
    assert sorted(verdict.excluded_step_ids) == tummy_ids(routine)
    assert len(verdict.left_out) == 2


@pytest.mark.parametrize("changes", [{"health": "tummy_upset"}, {"cord": "not_healed"}])
def test_no_tummy_steps_means_nothing_left_out_and_no_reason(term_baby, today, changes):
    routine = routine_with_areas(["legs", "arms", "back"])
    verdict = verdict_for(routine, term_baby, today, **changes)
    assert verdict.excluded_step_ids == []
    assert verdict.left_out == []


def test_preterm_baby_gets_a_note_with_their_name(routine, today):
    born = today - timedelta(weeks=10)
    baby = BabyFactory(name="Ada", birth_date=born, due_date=born + timedelta(weeks=6))
    assert baby.is_preterm
    verdict = verdict_for(routine, baby, today)
    assert len(verdict.notes) == 1
    assert "Ada was born early" in str(verdict.notes[0])
    assert verdict.advice == []


def test_baby_born_a_little_early_is_not_preterm(routine, today):
    born = today - timedelta(weeks=10)
    baby = BabyFactory(birth_date=born, due_date=born + timedelta(weeks=2))
    assert verdict_for(routine, baby, today).notes == []


@pytest.mark.parametrize(
    ("age_days", "words"),
    [
        (0, "No oil in the first weeks"),
        (27, "No oil in the first weeks"),
        (28, "unscented plant oil"),
        (200, "unscented plant oil"),
    ],
)
def test_oil_note_depends_on_age_when_the_routine_uses_oil(db, today, age_days, words):
    routine = routine_with_areas(["legs"], uses_oil=True)
    baby = BabyFactory(birth_date=today - timedelta(days=age_days))
    verdict = verdict_for(routine, baby, today)
    assert len(verdict.notes) == 1
    assert words in str(verdict.notes[0])


@pytest.mark.parametrize("age_days", [3, 200])
def test_no_oil_note_when_the_routine_has_no_oil(db, today, age_days):
    routine = routine_with_areas(["legs"], uses_oil=False)
    baby = BabyFactory(birth_date=today - timedelta(days=age_days))
    assert verdict_for(routine, baby, today).notes == []


@pytest.mark.parametrize(
    ("weeks_old", "low", "high", "words"),
    [
        (12, 6, 12, "choose one made for younger babies"),
        (60, 0, 6, "older babies often like a shorter"),
    ],
)
def test_age_outside_the_routines_range_brings_a_gentle_note(
    db, today, weeks_old, low, high, words
):
    routine = routine_with_areas(["legs"], min_age_months=low, max_age_months=high)
    baby = BabyFactory(name="Ada", birth_date=today - timedelta(weeks=weeks_old))
    verdict = verdict_for(routine, baby, today)
    assert len(verdict.notes) == 1
    assert f"made for babies of {low} to {high} months" in str(verdict.notes[0])
    assert words in str(verdict.notes[0])
    assert not verdict.needs_confirmation  # advice only


def test_age_note_for_a_preterm_baby_uses_the_corrected_age(db, today):
    routine = routine_with_areas(["legs"], min_age_months=3, max_age_months=12)
    born = today - timedelta(weeks=16)
    baby = BabyFactory(name="Ada", birth_date=born, due_date=born + timedelta(weeks=8))
    notes = [str(note) for note in verdict_for(routine, baby, today).notes]
    age = f"{baby.age_text(today)} old, 8 weeks corrected"
    assert any(f"Ada is {age}." in note and "corrected age" in note for note in notes)


def test_age_inside_the_routines_range_brings_no_note(db, today):
    routine = routine_with_areas(["legs"], min_age_months=2, max_age_months=4)
    baby = BabyFactory(birth_date=today - timedelta(weeks=12))
    assert verdict_for(routine, baby, today).notes == []


def test_form_asks_about_the_cord_only_for_routines_with_tummy_strokes():
    assert "cord" in ReadinessForm(areas=["legs", "tummy"]).fields
    form = ReadinessForm(areas=["legs"])
    assert "cord" not in form.fields
    assert set(form.fields) == {
        "health",
        "vaccination",
        "skin",
        "feed",
        "state",
        "leave_out",
        "go_ahead",
    }


def test_form_offers_to_leave_out_the_routines_own_areas_once_each():
    form = ReadinessForm(areas=["whole_body", "legs", "tummy", "legs", "feet"])
    assert [value for value, _label in form.fields["leave_out"].choices] == [
        "legs",
        "tummy",
        "feet",
    ]
    refused = ReadinessForm(ALL_CLEAR | {"leave_out": ["face"]}, areas=["legs", "tummy"])
    assert not refused.is_valid()
    assert "leave_out" in refused.errors


def test_form_without_cord_is_valid_without_that_answer():
    data = {k: v for k, v in ALL_CLEAR.items() if k != "cord"}
    form = ReadinessForm(data, areas=["legs"])
    assert form.is_valid(), form.errors
    assert "cord" not in form.answers()
    assert "go_ahead" not in form.answers()
    assert form.answers() == data


def test_form_with_tummy_needs_the_cord_answer():
    data = {k: v for k, v in ALL_CLEAR.items() if k != "cord"}
    form = ReadinessForm(data, areas=["tummy"])
    assert not form.is_valid()
    assert "cord" in form.errors
