"""Today: each baby with the massage under way, the last one and its cues, this week's count."""

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cues.models import CueEvent
from sessions.models import Outcome
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    MassageSessionFactory,
    StepVisitFactory,
    routine_with_areas,
)


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "tummy"], title="Evening calm")


def finished(baby, routine, *, days_ago=0, outcome=Outcome.COMPLETED, step_done=True):
    """An ended massage; with `step_done`, its first step was done (30 s)."""
    started = timezone.now() - timedelta(days=days_ago, minutes=20)
    session = MassageSessionFactory(baby=baby, routine=routine, started_at=started)
    if step_done:
        StepVisitFactory(session=session, seconds=30)
    session.finish(outcome=outcome, at=started + timedelta(minutes=10))
    return session


def test_a_running_massage_is_offered_to_continue(client, parent, baby, routine):
    session = MassageSessionFactory(baby=baby, routine=routine)
    client.force_login(parent)
    page = client.get(reverse("today")).text
    assert "A massage is under way" in page
    assert reverse("sessions:session-player", args=[session.pk]) in page
    assert "Choose a routine" not in page


def test_a_massage_left_for_hours_is_closed_as_interrupted_not_offered(
    client, parent, baby, routine
):
    left = MassageSessionFactory(
        baby=baby, routine=routine, last_activity_at=timezone.now() - timedelta(hours=5)
    )
    client.force_login(parent)
    page = client.get(reverse("today")).text
    assert "A massage is under way" not in page
    assert f"/routines/?baby={baby.pk}" in page
    left.refresh_from_db()
    assert left.outcome == Outcome.INTERRUPTED
    assert left.ended_at == left.last_activity_at


def test_the_last_massage_shows_its_cues_without_undone_ones(client, parent, baby, routine):
    finished(baby, routine, days_ago=3)
    last = finished(baby, routine, days_ago=1, outcome=Outcome.BABY_LED_END)
    CueEventFactory(session=last, kind="smiling")
    CueEventFactory(session=last, kind="cooing")
    CueEventFactory(session=last, kind="crying")
    CueEventFactory(session=last, kind="eye_contact", undone_at=timezone.now())
    client.force_login(parent)
    page = client.get(reverse("today")).text
    assert reverse("cues:session-review", args=[last.pk]) in page
    assert "Baby-led end" in page
    assert "2 happy cues" in page
    assert "1 unsettled" in page
    assert "2 massages in the last 7 days" in page
    assert CueEvent.objects.count() == 4


def test_a_start_with_no_step_done_is_not_the_last_massage_nor_counted(
    client, parent, baby, routine, django_assert_max_num_queries
):
    last = finished(baby, routine, days_ago=2, outcome=Outcome.BABY_LED_END)
    # Yesterday: ended in the first seconds; the first step opened, then skipped.
    quick = finished(baby, routine, days_ago=1, outcome=Outcome.ENDED_EARLY, step_done=False)
    StepVisitFactory(session=quick, seconds=0)
    CueEventFactory(session=quick, kind="crying", seconds_into_session=3)
    skipped = finished(baby, routine, days_ago=1, outcome=Outcome.ENDED_EARLY, step_done=False)
    StepVisitFactory(session=skipped, seconds=12, skipped=True)
    client.force_login(parent)
    with django_assert_max_num_queries(7):
        page = client.get(reverse("today")).text
    assert reverse("cues:session-review", args=[last.pk]) in page
    assert reverse("cues:session-review", args=[quick.pk]) not in page
    assert reverse("cues:session-review", args=[skipped.pk]) not in page
    assert "Baby-led end" in page
    assert "1 massage in the last 7 days" in page


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
def test_the_last_7_days_begin_at_midnight_where_the_parent_is(client, parent, baby, zone):
    """Counted from midnight six days ago in the browser's time zone, as the parent's calendar
    says, though the database keeps UTC."""
    local = zoneinfo.ZoneInfo(zone)
    first_day = timezone.localtime(timezone.now(), local).date() - timedelta(days=6)
    routine = routine_with_areas(["legs"])
    for started in (
        datetime.combine(first_day, time(0, 10), tzinfo=local),  # counted
        datetime.combine(first_day - timedelta(days=1), time(23, 50), tzinfo=local),  # not
    ):
        session = MassageSessionFactory(baby=baby, routine=routine, started_at=started)
        StepVisitFactory(session=session, seconds=30)
        session.finish(outcome=Outcome.COMPLETED, at=started + timedelta(minutes=5))
    client.force_login(parent)
    client.cookies["tz"] = zone
    assert "1 massage in the last 7 days" in client.get(reverse("today")).text


def test_a_baby_with_no_massage_gets_a_gentle_start(client, parent, baby):
    client.force_login(parent)
    page = client.get(reverse("today")).text
    assert "No massage yet" in page
    assert "0 massages in the last 7 days" in page


def test_another_familys_massages_never_show(client, parent, outsider, routine):
    their_baby = outsider.families.get().babies.get()
    MassageSessionFactory(baby=their_baby, routine=routine, routine_title="Their secret routine")
    client.force_login(parent)
    page = client.get(reverse("today")).text
    assert "Their secret routine" not in page
    assert "A massage is under way" not in page


# session, user, families, babies, the massages under way and of the last 7 days, the last
# massage of babies with none in those days
TODAY_CEILING = 6


def test_queries_stay_constant_with_babies_and_sessions(
    client, parent, family, baby, routine, django_assert_max_num_queries
):
    client.force_login(parent)
    with django_assert_max_num_queries(TODAY_CEILING):
        assert client.get(reverse("today")).status_code == 200
    for _ in range(4):
        twin = BabyFactory(family=family)
        for days in range(5):
            CueEventFactory(session=finished(twin, routine, days_ago=days))
        MassageSessionFactory(baby=twin, routine=routine)
    with django_assert_max_num_queries(TODAY_CEILING):
        response = client.get(reverse("today"))
    assert response.text.count("A massage is under way") == 4


@pytest.mark.parametrize(("days", "expected"), [(0, "today"), (1, "yesterday"), (3, "3 days ago")])
def test_the_last_massage_says_when_in_plain_words(client, parent, baby, routine, days, expected):
    session = finished(baby, routine, days_ago=days)
    # Noon on the family's calendar (the site's zone here), whatever the hour in UTC.
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    session.started_at = noon - timedelta(days=days)
    session.save(update_fields=["started_at"])
    client.force_login(parent)
    assert f">{expected}</time>" in client.get(reverse("today")).text


def test_a_last_massage_older_than_the_week_still_shows_with_its_cues(
    client, parent, family, baby, routine, django_assert_max_num_queries
):
    """The week's massages are read in one go; a baby whose last massage is older is looked up
    on its own (one more query, whatever the number of such babies)."""
    older = finished(baby, routine, days_ago=12)
    CueEventFactory(session=older, kind="smiling")
    finished(baby, routine, days_ago=9, step_done=False)  # not a massage: never the last one
    twin = BabyFactory(family=family)
    recent = finished(twin, routine, days_ago=2)
    client.force_login(parent)
    with django_assert_max_num_queries(7):
        page = client.get(reverse("today")).text
    assert reverse("cues:session-review", args=[older.pk]) in page
    assert reverse("cues:session-review", args=[recent.pk]) in page
    assert "0 massages in the last 7 days" in page and "1 massage in the last 7 days" in page


def test_an_instructor_without_a_family_is_pointed_to_the_studio(client, db):
    from tests.factories import InstructorFactory

    client.force_login(InstructorFactory())
    page = client.get(reverse("today")).text
    assert reverse("massage:studio") in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Create your family" in page


def test_a_parent_without_a_family_is_not_shown_the_studio(client, user_without_family):
    client.force_login(user_without_family)
    page = client.get(reverse("today")).text
    assert reverse("massage:studio") not in page
    assert "Welcome to Gentle Hands" in page
