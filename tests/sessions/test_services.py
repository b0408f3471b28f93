"""Writes for massage sessions: start, progress, moving between steps, finishing, stale ones."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions import services
from sessions.models import MassageSession, Outcome, StepVisit
from sessions.services import SessionAlreadyRunning, SessionError
from tests.factories import (
    BabyFactory,
    MassageSessionFactory,
    StepVisitFactory,
    routine_with_areas,
)

ANSWERS = {
    "health": "well",
    "vaccination": "no",
    "skin": "clear",
    "cord": "not_healed",
    "feed": "over_30",
    "state": "quiet_alert",
}


@pytest.fixture
def routine(db):
    """Five steps: tummy first, so leaving it out changes where the session begins."""
    return routine_with_areas(["tummy", "legs", "tummy", "arms", "back"])


@pytest.fixture
def steps(routine):
    return list(routine.steps.order_by("order"))


@pytest.fixture
def session(routine, baby, parent):
    return MassageSessionFactory(routine=routine, baby=baby, started_by=parent)


def fresh(session):
    return MassageSession.objects.get(pk=session.pk)


def snapshot(session):
    session = fresh(session)
    visits = list(
        StepVisit.objects.filter(session=session)
        .order_by("order")
        .values_list("step_id", "seconds", "skipped")
    )
    return (
        session.current_step_id,
        session.current_elapsed,
        session.progress_seq,
        session.ended_at,
        session.outcome,
        visits,
    )


# -- session_start ------------------------------------------------------------------------------


def test_start_creates_a_running_session_at_the_first_step_not_left_out(
    routine, steps, baby, parent
):
    tummy = [s.pk for s in steps if s.body_area == "tummy"]
    session = services.session_start(
        baby=baby, routine=routine, user=parent, answers=ANSWERS, excluded_step_ids=tummy
    )
    session = fresh(session)
    assert session.is_running
    assert session.outcome == ""
    assert session.current_step == steps[1]
    assert session.excluded_steps == tummy
    assert session.readiness == ANSWERS
    assert session.state_at_start == "quiet_alert"
    assert session.routine_title == routine.title
    assert session.started_by == parent
    assert session.progress_seq == 0
    assert MassageSession.objects.count() == 1


def test_start_with_nothing_left_out_begins_at_step_one(routine, steps, baby, parent):
    session = services.session_start(
        baby=baby, routine=routine, user=parent, answers=ANSWERS, excluded_step_ids=[]
    )
    assert fresh(session).current_step == steps[0]


def test_second_start_for_the_same_baby_is_refused(routine, baby, parent, caregiver):
    first = services.session_start(
        baby=baby, routine=routine, user=parent, answers=ANSWERS, excluded_step_ids=[]
    )
    with pytest.raises(SessionAlreadyRunning) as raised:
        services.session_start(
            baby=baby, routine=routine, user=caregiver, answers=ANSWERS, excluded_step_ids=[]
        )
    assert raised.value.running == first
    assert MassageSession.objects.count() == 1


def test_another_baby_may_start_at_the_same_time(routine, baby, family, parent):
    twin = BabyFactory(family=family)
    services.session_start(
        baby=baby, routine=routine, user=parent, answers=ANSWERS, excluded_step_ids=[]
    )
    services.session_start(
        baby=twin, routine=routine, user=parent, answers=ANSWERS, excluded_step_ids=[]
    )
    assert MassageSession.objects.filter(ended_at__isnull=True).count() == 2


def test_start_closes_a_stale_session_first(routine, baby, parent):
    old = MassageSessionFactory(
        routine=routine, baby=baby, last_activity_at=timezone.now() - timedelta(hours=4)
    )
    new = services.session_start(
        baby=baby, routine=routine, user=parent, answers=ANSWERS, excluded_step_ids=[]
    )
    assert fresh(old).outcome == Outcome.INTERRUPTED
    assert fresh(new).is_running


def test_start_with_every_step_left_out_is_refused(baby, parent):
    routine = routine_with_areas(["tummy", "tummy"])
    every = list(routine.steps.values_list("pk", flat=True))
    with pytest.raises(SessionError):
        services.session_start(
            baby=baby, routine=routine, user=parent, answers=ANSWERS, excluded_step_ids=every
        )
    assert not MassageSession.objects.exists()


# -- session_progress ---------------------------------------------------------------------------


def test_progress_saves_where_the_player_is_and_the_time_per_step(session, steps):
    services.session_progress(
        session=session,
        seq=1,
        current_step=steps[2],
        elapsed=12.5,
        visits={steps[0]: (30.0, False), steps[1]: (0.0, True)},
    )
    saved = fresh(session)
    assert saved.current_step == steps[2]
    assert saved.current_elapsed == 12.5
    assert saved.progress_seq == 1
    assert session.progress_seq == 1
    visits = {v.step_id: v for v in StepVisit.objects.filter(session=session)}
    assert set(visits) == {steps[0].pk, steps[1].pk}
    assert (visits[steps[0].pk].seconds, visits[steps[0].pk].skipped) == (30.0, False)
    assert (visits[steps[1].pk].seconds, visits[steps[1].pk].skipped) == (0.0, True)
    # The step's details are copied so the history survives edits to the routine.
    assert visits[steps[0].pk].stroke == steps[0].stroke
    assert visits[steps[0].pk].order == steps[0].order
    assert visits[steps[0].pk].body_area == steps[0].body_area


def test_progress_updates_visits_rather_than_adding_rows(session, steps):
    services.session_progress(
        session=session, seq=1, current_step=steps[1], elapsed=0, visits={steps[0]: (10, False)}
    )
    services.session_progress(
        session=session,
        seq=2,
        current_step=steps[2],
        elapsed=3,
        visits={steps[0]: (40, False), steps[1]: (5, True)},
    )
    visits = dict(StepVisit.objects.filter(session=session).values_list("step_id", "seconds"))
    assert visits == {steps[0].pk: 40, steps[1].pk: 5}
    assert StepVisit.objects.filter(session=session, skipped=True).count() == 1
    assert fresh(session).progress_seq == 2


def test_progress_records_activity(session, steps):
    MassageSession.objects.filter(pk=session.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=1)
    )
    before = timezone.now()
    services.session_progress(session=session, seq=1, current_step=steps[0], elapsed=1, visits={})
    assert fresh(session).last_activity_at >= before


@pytest.mark.parametrize("seq", [3, 2])
def test_progress_with_the_same_or_an_older_seq_is_refused(session, steps, seq):
    services.session_progress(
        session=session, seq=3, current_step=steps[1], elapsed=4, visits={steps[0]: (9, False)}
    )
    before = snapshot(session)
    with pytest.raises(SessionError):
        services.session_progress(
            session=session,
            seq=seq,
            current_step=steps[3],
            elapsed=20,
            visits={steps[0]: (99, True), steps[1]: (50, False)},
        )
    assert snapshot(session) == before


def test_progress_saves_the_seconds_added_to_a_step(session, steps):
    services.session_progress(
        session=session,
        seq=1,
        current_step=steps[0],
        elapsed=40,
        visits={steps[0]: (40.0, False, 15)},
    )
    assert StepVisit.objects.get(session=session, step=steps[0]).extra_seconds == 15


def test_progress_jumping_far_ahead_is_refused(session, steps):
    before = snapshot(session)
    with pytest.raises(SessionError) as raised:
        services.session_progress(
            session=session, seq=10_001, current_step=steps[1], elapsed=1, visits={}
        )
    assert raised.value.status == 400
    assert snapshot(session) == before


def test_progress_of_a_finished_session_is_refused(session, steps):
    session.finish(outcome=Outcome.COMPLETED)
    before = snapshot(session)
    with pytest.raises(SessionError):
        services.session_progress(
            session=session, seq=1, current_step=steps[1], elapsed=1, visits={steps[0]: (1, False)}
        )
    assert snapshot(session) == before


# -- session_move (the plain-form player) -------------------------------------------------------


def test_next_moves_on_and_counts_time_on_the_step(session, steps):
    MassageSession.objects.filter(pk=session.pk).update(
        last_activity_at=timezone.now() - timedelta(seconds=40)
    )
    moved = services.session_move(session=session, from_step=steps[0], action="next")
    assert moved.current_step == steps[1]
    saved = fresh(session)
    assert saved.current_step == steps[1]
    assert saved.current_elapsed == 0
    visit = StepVisit.objects.get(session=session, step=steps[0])
    assert not visit.skipped
    assert 40 <= visit.seconds < 45


def test_time_counted_per_move_is_capped_by_the_steps_duration(session, steps):
    MassageSession.objects.filter(pk=session.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=2)
    )
    services.session_move(session=session, from_step=steps[0], action="next")
    # A 30 s step: at most 30 * 3 + 60 seconds.
    assert StepVisit.objects.get(session=session, step=steps[0]).seconds == 150


def test_next_after_going_back_to_a_skipped_step_counts_it_done(session, steps):
    services.session_move(session=session, from_step=steps[0], action="skip")
    services.session_move(session=session, from_step=steps[1], action="previous")
    assert StepVisit.objects.get(session=session, step=steps[0]).skipped
    services.session_move(session=session, from_step=steps[0], action="next")
    assert not StepVisit.objects.get(session=session, step=steps[0]).skipped


def test_move_without_a_current_step_goes_on_from_the_first_step_not_visited(session, steps):
    services.session_move(session=session, from_step=steps[0], action="next")
    MassageSession.objects.filter(pk=session.pk).update(current_step=None)
    with pytest.raises(SessionError):
        services.session_move(session=session, from_step=steps[0], action="next")
    services.session_move(session=session, from_step=steps[1], action="next")
    assert fresh(session).current_step == steps[2]


def test_skip_marks_the_step_skipped_and_moves_on(session, steps):
    services.session_move(session=session, from_step=steps[0], action="skip")
    assert fresh(session).current_step == steps[1]
    visit = StepVisit.objects.get(session=session, step=steps[0])
    assert visit.skipped
    assert visit.seconds == 0


def test_previous_goes_back_and_stops_at_the_first_step(session, steps):
    services.session_move(session=session, from_step=steps[0], action="next")
    services.session_move(session=session, from_step=steps[1], action="previous")
    assert fresh(session).current_step == steps[0]
    services.session_move(session=session, from_step=steps[0], action="previous")
    saved = fresh(session)
    assert saved.current_step == steps[0]
    assert saved.is_running


def test_moves_pass_over_steps_left_out(routine, steps, baby):
    tummy = [s.pk for s in steps if s.body_area == "tummy"]
    session = MassageSessionFactory(
        routine=routine, baby=baby, excluded_steps=tummy, current_step=steps[1]
    )
    services.session_move(session=session, from_step=steps[1], action="next")
    assert fresh(session).current_step == steps[3]
    services.session_move(session=session, from_step=steps[3], action="previous")
    assert fresh(session).current_step == steps[1]


def test_next_on_the_last_step_completes_the_session(routine, steps, baby):
    session = MassageSessionFactory(routine=routine, baby=baby, current_step=steps[-1])
    moved = services.session_move(session=session, from_step=steps[-1], action="next")
    assert not moved.is_running
    saved = fresh(session)
    assert saved.outcome == Outcome.COMPLETED
    assert saved.ended_at is not None
    assert StepVisit.objects.filter(session=session, step=steps[-1]).exists()


def test_skip_on_the_last_step_completes_the_session(routine, steps, baby):
    session = MassageSessionFactory(routine=routine, baby=baby, current_step=steps[-1])
    StepVisitFactory(session=session, step=steps[0], seconds=40)
    services.session_move(session=session, from_step=steps[-1], action="skip")
    saved = fresh(session)
    assert saved.outcome == Outcome.COMPLETED
    assert StepVisit.objects.get(session=session, step=steps[-1]).skipped


def test_skipping_every_step_ends_early_rather_than_completed(routine, steps, baby):
    session = MassageSessionFactory(routine=routine, baby=baby)
    for step in steps:
        services.session_move(session=session, from_step=step, action="skip")
    saved = fresh(session)
    assert not saved.is_running
    assert saved.outcome == Outcome.ENDED_EARLY
    assert saved.end_reason == "Every step was skipped"
    assert StepVisit.objects.filter(session=session, skipped=True).count() == len(steps)


def test_move_from_a_stale_step_is_refused_and_changes_nothing(session, steps):
    services.session_move(session=session, from_step=steps[0], action="next")
    before = snapshot(session)
    with pytest.raises(SessionError):
        services.session_move(session=session, from_step=steps[0], action="next")
    assert snapshot(session) == before


def test_move_in_a_finished_session_is_refused(session, steps):
    session.finish(outcome=Outcome.ENDED_EARLY)
    before = snapshot(session)
    with pytest.raises(SessionError):
        services.session_move(session=session, from_step=steps[0], action="next")
    assert snapshot(session) == before


# -- session_finish and MassageSession.finish ---------------------------------------------------


@pytest.mark.parametrize("outcome", [Outcome.COMPLETED, Outcome.BABY_LED_END, Outcome.ENDED_EARLY])
def test_finish_records_the_outcome(session, outcome):
    finished = services.session_finish(
        session=session, outcome=outcome, reason="started crying", note="Loved the legs"
    )
    assert not finished.is_running
    saved = fresh(session)
    assert saved.outcome == outcome
    assert saved.end_reason == "started crying"
    assert saved.note == "Loved the legs"
    assert saved.ended_at is not None


def test_finish_without_a_note_keeps_the_note(session):
    MassageSession.objects.filter(pk=session.pk).update(note="Earlier note")
    services.session_finish(session=session, outcome=Outcome.COMPLETED)
    assert fresh(session).note == "Earlier note"


def test_finishing_twice_is_refused_and_keeps_the_first_outcome(session):
    services.session_finish(session=session, outcome=Outcome.BABY_LED_END, reason="fussy")
    first = fresh(session)
    with pytest.raises(SessionError):
        services.session_finish(session=session, outcome=Outcome.COMPLETED, reason="other")
    saved = fresh(session)
    assert (saved.outcome, saved.end_reason, saved.ended_at) == (
        Outcome.BABY_LED_END,
        "fussy",
        first.ended_at,
    )


def test_model_finish_twice_is_a_no_op(session):
    assert session.finish(outcome=Outcome.COMPLETED, reason="first") is True
    ended_at = fresh(session).ended_at
    assert session.finish(outcome=Outcome.INTERRUPTED, reason="second") is False
    saved = fresh(session)
    assert (saved.outcome, saved.end_reason, saved.ended_at) == (
        Outcome.COMPLETED,
        "first",
        ended_at,
    )


# -- sessions_close_stale -----------------------------------------------------------------------


def test_stale_sessions_are_closed_as_interrupted_at_their_last_activity(routine, baby, family):
    last = timezone.now() - timedelta(hours=4)
    stale = MassageSessionFactory(routine=routine, baby=baby, last_activity_at=last)
    recent = MassageSessionFactory(
        routine=routine,
        baby=BabyFactory(family=family),
        last_activity_at=timezone.now() - timedelta(minutes=30),
    )
    assert services.sessions_close_stale() == 1
    stale = fresh(stale)
    assert stale.outcome == Outcome.INTERRUPTED
    assert stale.ended_at == last
    assert stale.end_reason
    recent = fresh(recent)
    assert recent.is_running
    assert recent.outcome == ""


def test_closing_stale_sessions_for_one_baby_leaves_others_alone(routine, baby, family):
    last = timezone.now() - timedelta(hours=4)
    mine = MassageSessionFactory(routine=routine, baby=baby, last_activity_at=last)
    other = MassageSessionFactory(
        routine=routine, baby=BabyFactory(family=family), last_activity_at=last
    )
    assert services.sessions_close_stale(baby=baby) == 1
    assert not fresh(mine).is_running
    assert fresh(other).is_running
    assert services.sessions_close_stale() == 1
    assert services.sessions_close_stale() == 0


def test_opening_a_stale_session_closes_it(session):
    last = timezone.now() - timedelta(hours=4)
    MassageSession.objects.filter(pk=session.pk).update(last_activity_at=last)
    session = fresh(session)
    assert services.session_close_if_stale(session) is True
    assert (session.outcome, session.ended_at) == (Outcome.INTERRUPTED, last)
    assert fresh(session).outcome == Outcome.INTERRUPTED
    assert services.session_close_if_stale(session) is False


def test_opening_a_recent_session_leaves_it_running(session):
    MassageSession.objects.filter(pk=session.pk).update(
        last_activity_at=timezone.now() - timedelta(hours=2, minutes=59)
    )
    session = fresh(session)
    assert services.session_close_if_stale(session) is False
    assert fresh(session).is_running


def test_close_stale_sessions_command(routine, baby, family):
    last = timezone.now() - timedelta(hours=4)
    stale = MassageSessionFactory(routine=routine, baby=baby, last_activity_at=last)
    recent = MassageSessionFactory(routine=routine, baby=BabyFactory(family=family))
    out = StringIO()
    call_command("close_stale_sessions", stdout=out)
    assert "Closed 1 unfinished session(s) as interrupted." in out.getvalue()
    assert fresh(stale).outcome == Outcome.INTERRUPTED
    assert fresh(recent).is_running
    out = StringIO()
    call_command("close_stale_sessions", stdout=out)
    assert "Closed 0 unfinished" in out.getvalue()


# -- database constraints -----------------------------------------------------------------------


def test_database_allows_only_one_running_session_per_baby(routine, baby):
    MassageSessionFactory(routine=routine, baby=baby)
    with pytest.raises(IntegrityError), transaction.atomic():
        MassageSessionFactory(routine=routine, baby=baby)
    assert MassageSession.objects.filter(baby=baby).count() == 1


def test_database_allows_many_finished_sessions_per_baby(routine, baby):
    for outcome in [Outcome.COMPLETED, Outcome.BABY_LED_END]:
        MassageSessionFactory(routine=routine, baby=baby, ended_at=timezone.now(), outcome=outcome)
    MassageSessionFactory(routine=routine, baby=baby)
    assert MassageSession.objects.filter(baby=baby).count() == 3


def test_database_refuses_more_than_600_seconds_added_to_a_step(session, steps):
    with pytest.raises(IntegrityError), transaction.atomic():
        StepVisit.of(session, steps[0], extra_seconds=601).save()


def test_database_refuses_an_ended_session_without_an_outcome(routine, baby):
    with pytest.raises(IntegrityError), transaction.atomic():
        MassageSessionFactory(routine=routine, baby=baby, ended_at=timezone.now())
