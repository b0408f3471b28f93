"""The end page: how a massage ended, and what it offers when no step was done."""

from html import unescape

import pytest
from django.urls import reverse

from sessions.models import MassageSession, Outcome
from tests.factories import MassageSessionFactory, StepVisitFactory, routine_with_areas
from tests.markup import attribute, elements

INVALID = 422
WHOLE_ROUTINE = "We did the whole routine"


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "tummy", "arms"], title="Evening calm")


@pytest.fixture
def steps(routine):
    return list(routine.steps.order_by("order"))


@pytest.fixture
def session(routine, baby, parent):
    return MassageSessionFactory(routine=routine, baby=baby, started_by=parent)


def finish_url(session):
    return reverse("sessions:session-finish", args=[session.pk])


def text(response):
    return unescape(response.content.decode())


def fresh(session):
    return MassageSession.objects.get(pk=session.pk)


def outcome_values(response):
    """The endings the form offers, in the order of Outcome."""
    radios = elements(response.content.decode(), "input", type="radio", name="outcome")
    offered = {attribute(radio, "value") for radio in radios}
    return [value for value in Outcome.values if value in offered]


def test_with_a_step_done_every_ending_is_offered(as_parent, session, steps):
    StepVisitFactory(session=session, step=steps[0], seconds=25)
    response = as_parent.get(finish_url(session))
    page = text(response)
    assert WHOLE_ROUTINE in page
    assert outcome_values(response) == ["completed", "ended_early", "baby_led_end"]
    assert "won't count as a massage" not in page


@pytest.mark.parametrize(
    "visits",
    [
        [],  # ended before the first save
        [(0, False)],  # the first step opened and left at once
        [(12, True), (0, False)],  # the first step begun, then skipped
    ],
    ids=["nothing saved", "no time on a step", "skipped"],
)
def test_with_no_step_done_the_whole_routine_is_not_offered(
    as_parent, session, steps, baby, visits, django_assert_max_num_queries
):
    for step, (seconds, skipped) in zip(steps, visits, strict=False):
        StepVisitFactory(session=session, step=step, seconds=seconds, skipped=skipped)
    with django_assert_max_num_queries(6):
        response = as_parent.get(finish_url(session))
    page = text(response)
    assert response.status_code == 200
    assert WHOLE_ROUTINE not in page
    assert outcome_values(response) == ["ended_early", "baby_led_end"]
    assert f"won't count as a massage in {baby.name}'s history" in page


def test_completed_is_refused_when_no_step_was_done(as_parent, session, steps):
    # What the player's own "finished" form sends, e.g. after every step was skipped.
    StepVisitFactory(session=session, step=steps[0], seconds=10, skipped=True)
    response = as_parent.post(finish_url(session), {"outcome": "completed"})
    assert response.status_code == INVALID
    page = text(response)
    assert "No step was done yet, so this can't be the whole routine." in page
    assert WHOLE_ROUTINE not in page
    assert fresh(session).is_running


def test_ending_early_with_no_step_done_ends_the_session(as_parent, session):
    response = as_parent.post(finish_url(session), {"outcome": "ended_early", "reason": "Phone"})
    assert response.status_code == 302
    saved = fresh(session)
    assert (saved.outcome, saved.end_reason) == (Outcome.ENDED_EARLY, "Phone")


def test_completed_is_taken_once_a_step_was_done(as_parent, session, steps):
    StepVisitFactory(session=session, step=steps[0], seconds=0.4)
    response = as_parent.post(finish_url(session), {"outcome": "completed"})
    assert response.status_code == 302
    assert fresh(session).outcome == Outcome.COMPLETED
