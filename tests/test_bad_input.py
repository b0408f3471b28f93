"""Input that once made a 500: each answers a clear message and a 4xx, and changes nothing.

Every id in a URL is bounded by the `id` path converter: that is checked for every URL of the
site in tests/test_every_url.py.
"""

import json
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from massage.models import Baby, Step
from massage.templatetags.display import amount
from sessions.models import MassageSession
from tests.factories import MassageSessionFactory, RoutineFactory, StepFactory, routine_with_areas

INVALID = 422
MALFORMED = 400

# -- The colour scheme's "next" ----------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url", ["foo", "today", "massage:landing", "javascript:alert(1)", "//evil.example/", ""]
)
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "parent"])
def test_a_theme_next_that_is_not_a_path_on_this_site_falls_back_to_today(
    client, parent, next_url, logged_in
):
    if logged_in:
        client.force_login(parent)
    response = client.post(reverse("massage:theme-set"), {"theme": "dark", "next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("today")
    assert response.cookies["theme"].value == "dark"


def test_a_theme_next_on_this_site_is_followed(client, db):
    response = client.post(
        reverse("massage:theme-set"), {"theme": "light", "next": "/routines/?age=3"}
    )
    assert response.url == "/routines/?age=3"


# -- A baby's dates ----------------------------------------------------------------------------


def _dates():
    today = timezone.localdate()
    return today, today - timedelta(weeks=4)


@pytest.mark.parametrize(
    ("birth_date", "due_date", "field"),
    [
        ("9999-12-31", "9999-12-31", "birth_date"),
        ("9999-12-31", "2025-01-01", "birth_date"),
        ("0001-01-01", "0001-01-01", "birth_date"),
        ("0001-01-01", "0001-03-01", "birth_date"),
        ("recent", "9999-12-31", "due_date"),
        ("recent", "0001-01-01", "due_date"),
    ],
)
@pytest.mark.parametrize("view", ["create", "update"])
def test_a_baby_date_far_out_of_range_is_a_clear_422(
    as_parent, family, baby, birth_date, due_date, field, view
):
    if birth_date == "recent":
        birth_date = _dates()[1].isoformat()
    url = (
        reverse("massage:baby-create", args=[family.pk])
        if view == "create"
        else reverse("massage:baby-update", args=[baby.pk])
    )
    before = list(Baby.objects.order_by("pk").values_list("pk", "name", "birth_date", "due_date"))

    response = as_parent.post(url, {"name": "Nova", "birth_date": birth_date, "due_date": due_date})

    assert response.status_code == INVALID
    assert response.context["form"].errors[field]
    after = list(Baby.objects.order_by("pk").values_list("pk", "name", "birth_date", "due_date"))
    assert after == before


def test_a_due_date_a_few_weeks_after_the_birth_is_still_fine(as_parent, family):
    _today, born = _dates()
    response = as_parent.post(
        reverse("massage:baby-create", args=[family.pk]),
        {
            "name": "Nova",
            "birth_date": born.isoformat(),
            "due_date": (born + timedelta(weeks=8)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert family.babies.get(name="Nova").weeks_early == 8


# -- The player's step times -------------------------------------------------------------------


@pytest.fixture
def running(baby, parent):
    routine = routine_with_areas(["legs", "arms"])
    return MassageSessionFactory(routine=routine, baby=baby, started_by=parent)


@pytest.mark.parametrize(
    "visits",
    [
        "[" * 5000 + "]" * 5000,
        '{"1":' * 3000 + "1" + "}" * 3000,
        "[" * 1000 + "]" * 1000,
        '{"STEP": [[[[1]]], false]}',
        '{"STEP": {"a": 1}}',
        '{"STEP": [1, false, [2]]}',
        '{"STEP": [1, "false"]}',
        "[1, 2]",
        '"text"',
        "{",
    ],
    ids=[
        "5000 lists deep",
        "3000 objects deep",
        "1000 lists deep",
        "a nested time",
        "an object for a step",
        "a list for the added seconds",
        "a string for skipped",
        "a list",
        "a string",
        "broken",
    ],
)
def test_step_times_that_are_not_a_flat_map_are_a_clear_400(as_parent, running, visits):
    step = running.routine.steps.order_by("order").first()
    visits = visits.replace("STEP", str(step.pk))
    before = (running.progress_seq, running.current_step_id, list(running.visits.all()))

    response = as_parent.post(
        reverse("sessions:session-progress", args=[running.pk]),
        {"seq": 1, "step": step.pk, "elapsed": 1, "visits": visits},
    )

    assert response.status_code == MALFORMED
    assert response.json()["errors"]["visits"] == ["The step times could not be read."]
    fresh = MassageSession.objects.get(pk=running.pk)
    assert (fresh.progress_seq, fresh.current_step_id, list(fresh.visits.all())) == before


def test_a_flat_map_of_step_times_is_still_saved(as_parent, running):
    first, second = running.routine.steps.order_by("order")
    response = as_parent.post(
        reverse("sessions:session-progress", args=[running.pk]),
        {
            "seq": 1,
            "step": second.pk,
            "elapsed": 2,
            "visits": json.dumps({str(first.pk): [12.5, False, 15]}),
        },
    )
    assert response.status_code == 204
    assert MassageSession.objects.get(pk=running.pk).current_step == second


# -- A step without any length -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "repetitions", "seconds_per_repetition"),
    [(None, None, None), (None, 5, None), (None, None, 5)],
    ids=["nothing", "repetitions only", "pace only"],
)
def test_the_database_refuses_a_step_without_a_length(
    db, seconds, repetitions, seconds_per_repetition
):
    routine = RoutineFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StepFactory(
            routine=routine,
            seconds=seconds,
            repetitions=repetitions,
            seconds_per_repetition=seconds_per_repetition,
        )
    assert not routine.steps.exists()


def test_a_step_without_a_length_fails_model_validation(db):
    step = StepFactory.build(
        routine=RoutineFactory(), seconds=None, repetitions=None, seconds_per_repetition=None
    )
    step.order = 1
    with pytest.raises(Exception, match="Give the step either a time"):
        step.full_clean()


def test_the_amount_of_a_step_without_a_length_is_said_not_crashed():
    assert amount(Step(seconds=None, repetitions=None)) == "no length set"
    assert amount(Step(seconds=None, repetitions=4, seconds_per_repetition=5)) == "4 times"
    assert amount(Step(seconds=45)) == "45 s"


BEFORE_FIX = ("massage", "0007_adapted_routines_join_requests_suggested_reminders")


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_steps_without_a_length_thirty_seconds():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_FIX])
    old = executor.loader.project_state([BEFORE_FIX]).apps
    routine = old.get_model("massage", "Routine").objects.create(
        slug="old", title="Old", summary="", min_age_months=0, max_age_months=12
    )
    OldStep = old.get_model("massage", "Step")
    common = {"routine": routine, "body_area": "legs", "instruction": "", "motion": "glide"}
    nothing = OldStep.objects.create(order=1, stroke="Nothing", **common)
    reps_only = OldStep.objects.create(order=2, stroke="Reps", repetitions=5, **common)
    timed = OldStep.objects.create(order=3, stroke="Timed", seconds=45, **common)
    counted = OldStep.objects.create(
        order=4, stroke="Counted", repetitions=6, seconds_per_repetition=5, **common
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {
        pk: (s, r, p)
        for pk, s, r, p in Step.objects.filter(routine_id=routine.pk).values_list(
            "pk", "seconds", "repetitions", "seconds_per_repetition"
        )
    }
    assert rows[nothing.pk] == (30, None, None)
    assert rows[reps_only.pk] == (30, None, None)
    assert rows[timed.pk] == (45, None, None)
    assert rows[counted.pk] == (None, 6, 5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.filter(pk=timed.pk).update(seconds=None)


# -- Choices posted by id: an id too long for the database is no choice, never a 500 -----------

TOO_BIG = str(2**63)


@pytest.fixture
def teaching(db):
    from massage.models import Consent, InstructorLink, Scope
    from massage.services import teaching as teaching_services
    from tests.factories import InstructorFactory, MembershipFactory

    instructor = InstructorFactory()
    member = MembershipFactory()
    link = InstructorLink.objects.create(instructor=instructor, family=member.family)
    Consent.objects.create(link=link, scope=Scope.PRACTICE, changed_by=member.user)
    teaching_class = teaching_services.class_create(
        instructor=instructor, name="Tuesdays", starts_on=timezone.localdate(), meets_on=1
    )
    return {"instructor": instructor, "member": member, "link": link, "class": teaching_class}


def test_a_class_of_too_big_ids_is_refused(client, teaching):
    client.force_login(teaching["instructor"])
    url = reverse("massage:teaching-class", args=[teaching["class"].pk])
    response = client.post(url, {"links": [TOO_BIG]})
    assert response.status_code == INVALID
    assert "Choose among the families that share with you." in response.content.decode()
    assert not teaching["class"].links.exists()


def test_an_assignment_of_a_too_big_routine_id_is_refused(client, teaching):
    client.force_login(teaching["instructor"])
    response = client.post(
        reverse("massage:teaching-assignments"),
        {
            "routine": TOO_BIG,
            "target": f"family-{teaching['link'].pk}",
            "times_per_week": 3,
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == INVALID
    assert "Choose a library routine or one of yours, published." in response.content.decode()


def test_asking_to_join_for_a_too_big_family_id_is_refused(client, teaching):
    from massage.models import JoinRequest
    from massage.services import teaching as teaching_services
    from tests.factories import MembershipFactory

    code = teaching_services.class_code_new(teaching_class=teaching["class"])
    parent = MembershipFactory().user
    client.force_login(parent)
    response = client.post(
        reverse("massage:class-code", args=[code]), {"family": TOO_BIG, "scope": "practice"}
    )
    assert 400 <= response.status_code < 500
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/invitations/a%00b/",
        "/invitations/a%00b/decline/",
        "/classes/join/a%00b/",
        "/classes/code/a%00b/",
        "/reminders/unsubscribe/a%00b/",
        "/classes/code/" + "A" * 201 + "/",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_token_or_code_with_odd_characters_matches_no_url(client, db, path, method):
    """A NUL in a token was a 500 on PostgreSQL (text can't hold it): the `token` converter
    takes only a token's own characters, so the resolver answers 404 before any query."""
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory().user)
    assert getattr(client, method)(path).status_code == 404


def test_no_url_of_ours_takes_any_string():
    from cues import urls as cue_urls
    from massage import urls as massage_urls
    from sessions import urls as session_urls

    routes = [
        str(pattern.pattern)
        for module in (massage_urls, session_urls, cue_urls)
        for pattern in module.urlpatterns
    ]
    assert [route for route in routes if "<str:" in route or "<path:" in route] == []
