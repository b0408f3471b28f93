"""A massage keeps its routine's title and each step's stroke in every language they are written
in, so a family that plays in English and looks back in Spanish (or the other way round) reads
its history in its own words, and a stroke played in both languages is one in the insight."""

import json
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from cues import selectors
from cues.models import CueEvent
from massage.models import Routine, Step
from sessions.models import MassageSession, Outcome, StepVisit
from tests.factories import (
    CueEventFactory,
    MassageSessionFactory,
    StepVisitFactory,
    routine_with_areas,
)
from tests.sessions.test_views import ALL_CLEAR, start_url

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
SPANISH = {"Legs stroke 1": "Piernas, primera", "Tummy stroke 2": "Barriga, segunda"}


@pytest.fixture
def routine(db):
    with translation.override("en"):
        routine = routine_with_areas(["legs", "tummy"], title="Evening calm")
    for english, spanish in SPANISH.items():
        Step.objects.filter(routine=routine, stroke_en=english).update(stroke_es=spanish)
    Routine.objects.filter(pk=routine.pk).update(title_es="Calma de la tarde")
    routine.refresh_from_db()
    return routine


@pytest.fixture
def steps(routine):
    return list(Step.objects.filter(routine=routine).order_by("order"))


def played(baby, steps, language, *, days_ago=1, cues=("smiling", "cooing")):
    """An ended massage played in `language`: every step done, the cues on the legs."""
    session = MassageSessionFactory(
        routine=steps[0].routine,
        baby=baby,
        started_at=timezone.now() - timedelta(days=days_ago),
    )
    with translation.override(language):
        for step in steps:
            StepVisitFactory(session=session, step=step, seconds=30)
        for n, kind in enumerate(cues):
            CueEventFactory(session=session, step=steps[0], kind=kind, seconds_into_session=5 + n)
    session.finish(outcome=Outcome.COMPLETED, at=session.started_at + timedelta(minutes=3))
    return session


def test_the_players_saves_keep_the_stroke_in_each_language(as_parent, baby, steps):
    session = MassageSessionFactory(routine=steps[0].routine, baby=baby)
    answer = as_parent.post(
        reverse("cues:cue-create", args=[session.pk]),
        {"client_id": str(uuid.uuid4()), "kind": "smiling", "step": steps[0].pk},
        HTTP_ACCEPT="application/json",
        **EN,
    )
    assert answer.status_code in (200, 201)
    visits = json.dumps({str(steps[0].pk): [30, False]})
    saved = as_parent.post(
        reverse("sessions:session-progress", args=[session.pk]),
        {"seq": 1, "step": steps[1].pk, "elapsed": 2, "visits": visits},
        **ES,
    )
    assert saved.status_code == 204

    cue = CueEvent.objects.get(session=session)
    assert cue.stroke == "Legs stroke 1"  # as played, in English
    assert cue.stroke_names == {"en": "Legs stroke 1", "es": "Piernas, primera"}
    visit = StepVisit.objects.get(session=session)
    assert visit.stroke == "Piernas, primera"  # as played, in Spanish
    assert visit.stroke_names == {"en": "Legs stroke 1", "es": "Piernas, primera"}


def test_starting_keeps_the_routines_title_in_each_language(as_parent, baby, routine):
    response = as_parent.post(start_url(baby, routine), ALL_CLEAR, **EN)
    assert response.status_code == 302
    session = MassageSession.objects.get(baby=baby)
    assert session.routine_title == "Evening calm"
    assert session.routine_titles == {"en": "Evening calm", "es": "Calma de la tarde"}
    player = as_parent.get(response.url, **ES).content.decode()
    assert "<title>Calma de la tarde" in player


def test_a_massage_played_in_english_reads_in_spanish(as_parent, baby, steps):
    session = played(baby, steps, "en")
    url = reverse("cues:session-review", args=[session.pk])
    spanish = as_parent.get(url, **ES).content.decode()
    assert "Piernas, primera" in spanish and "Barriga, segunda" in spanish
    assert "Calma de la tarde" in spanish
    assert "Legs stroke 1" not in spanish and "Evening calm" not in spanish
    english = as_parent.get(url, **EN).content.decode()
    assert "Legs stroke 1" in english and "Evening calm" in english
    assert "Piernas, primera" not in english and "Calma" not in english

    summary = as_parent.get(reverse("sessions:session-summary", args=[session.pk]), **ES)
    assert "Barriga, segunda" in summary.content.decode()
    assert "Calma de la tarde" in summary.content.decode()
    history = as_parent.get(reverse("cues:baby-history", args=[baby.pk]), **ES)
    assert "Calma de la tarde" in history.content.decode()
    today = as_parent.get(reverse("today"), **ES)
    assert "Calma de la tarde" in today.content.decode()


def test_a_text_without_the_readers_language_shows_as_played_marked_with_its_own(
    as_parent, baby, routine, steps
):
    Step.objects.filter(pk=steps[1].pk).update(stroke_es=None)
    Routine.objects.filter(pk=routine.pk).update(title_es=None)
    session = played(baby, list(Step.objects.filter(pk__in=[s.pk for s in steps])), "en")
    # Read as English by a screen reader: the only language they were written in.
    review = as_parent.get(reverse("cues:session-review", args=[session.pk]), **ES)
    html = review.content.decode()
    assert '<span lang="en">Tummy stroke 2</span>' in html
    assert '<span lang="en">Evening calm</span>' in html
    assert "Piernas, primera" in html and '<span lang="en">Legs stroke 1' not in html
    summary = as_parent.get(reverse("sessions:session-summary", args=[session.pk]), **ES)
    assert '<span lang="en">Tummy stroke 2</span>' in summary.content.decode()
    history = as_parent.get(reverse("cues:baby-history", args=[baby.pk]), **ES)
    assert '<span lang="en">Evening calm</span>' in history.content.decode()
    # On an English page nothing needs marking.
    english = as_parent.get(reverse("cues:session-review", args=[session.pk]), **EN)
    assert '<span lang="en">' not in english.content.decode()


def test_one_stroke_played_in_two_languages_is_one_stroke_in_the_insight(as_parent, baby, steps):
    played(baby, steps, "en", days_ago=3)
    played(baby, steps, "es", days_ago=2)
    played(baby, steps, "es", days_ago=1)
    counts = selectors.baby_insight_counts(baby)
    legs = [row for row in counts["rows"] if row["body_area"] == "legs"]
    assert {row["stroke"] for row in legs} == {"Legs stroke 1"}
    assert sum(row["n"] for row in legs) == 6
    assert counts["stroke_sessions"][("legs", "Legs stroke 1")] == 3

    history = reverse("cues:baby-history", args=[baby.pk])
    spanish = as_parent.get(history, **ES).content.decode()
    assert "Piernas, primera" in spanish and "Legs stroke 1" not in spanish
    english = as_parent.get(history, **EN).content.decode()
    assert "Legs stroke 1" in english and "Piernas, primera" not in english


def test_the_insight_counts_stay_four_queries(baby, steps, django_assert_max_num_queries):
    for day in range(1, 4):
        played(baby, steps, "es" if day % 2 else "en", days_ago=day)
    with django_assert_max_num_queries(4):
        selectors.baby_insight_counts(baby)


# -- The migration -------------------------------------------------------------------------------

BEFORE = [
    ("cues", "0004_admin_names_translated"),
    ("massage_sessions", "0004_admin_names_translated"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_earlier_rows_their_steps_names_where_the_name_still_matches():
    with translation.override("en"):
        routine = routine_with_areas(["legs", "tummy"], title="Old routine")
    steps = list(Step.objects.filter(routine=routine).order_by("order"))
    Step.objects.filter(pk=steps[0].pk).update(stroke_es="Piernas, primera")
    session = MassageSessionFactory(routine=routine)
    renamed = MassageSessionFactory(routine=routine, routine_title="An older title")

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldVisit = old.get_model("massage_sessions", "StepVisit")
    OldCue = old.get_model("cues", "CueEvent")
    for step, stroke in [(steps[0], "Piernas, primera"), (steps[1], "Renamed since")]:
        OldVisit.objects.create(
            session_id=session.pk,
            step_id=step.pk,
            order=step.order,
            body_area=step.body_area,
            stroke=stroke,
            seconds=30,
        )
        OldCue.objects.create(
            session_id=session.pk,
            step_id=step.pk,
            body_area=step.body_area,
            stroke=stroke,
            kind="smiling",
            valence="engagement",
            at=timezone.now(),
            seconds_into_session=3,
            client_id=uuid.uuid4(),
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    both = {"en": "Legs stroke 1", "es": "Piernas, primera"}
    names = dict(StepVisit.objects.values_list("stroke", "stroke_names"))
    assert names == {"Piernas, primera": both, "Renamed since": {}}
    names = dict(CueEvent.objects.values_list("stroke", "stroke_names"))
    assert names == {"Piernas, primera": both, "Renamed since": {}}
    titles = dict(MassageSession.objects.values_list("pk", "routine_titles"))
    assert titles == {session.pk: {"en": "Old routine"}, renamed.pk: {}}


def test_today_marks_the_step_under_way_when_it_stands_in_from_english(
    as_parent, baby, routine, steps
):
    Step.objects.filter(pk=steps[1].pk).update(stroke_es=None)
    MassageSessionFactory(routine=routine, baby=baby, current_step=steps[1])
    today = as_parent.get(reverse("today"), **ES).content.decode()
    assert "Calma de la tarde" in today
    assert '<span lang="en">Tummy stroke 2</span>' in today
    assert '<span lang="en">' not in as_parent.get(reverse("today"), **EN).content.decode()
