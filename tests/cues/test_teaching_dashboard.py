"""The instructor's dashboard: each family as far as it shares, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cues.teaching import dashboard
from massage.models import Consent, InstructorLink, Scope
from sessions.models import Outcome
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    InstructorFactory,
    MassageSessionFactory,
    MembershipFactory,
    StepVisitFactory,
    routine_with_areas,
)

URL = reverse("cues:teaching-dashboard")


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "feet"])


def taught_family(instructor, scope, name="The Rivers"):
    membership = MembershipFactory(family__name=name)
    link = InstructorLink.objects.create(instructor=instructor, family=membership.family)
    Consent.objects.create(link=link, scope=scope, changed_by=membership.user)
    return membership.family, link


def massage(baby, routine, *, days_ago=0, cues=()):
    started = timezone.now() - timedelta(days=days_ago, minutes=20)
    session = MassageSessionFactory(
        baby=baby,
        routine=routine,
        started_at=started,
        ended_at=started + timedelta(minutes=10),
        outcome=Outcome.COMPLETED,
    )
    StepVisitFactory(session=session)
    for kind in cues:
        CueEventFactory(session=session, kind=kind)
    return session


def page(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_a_family_sharing_practice_shows_its_massages_but_no_cues(client, instructor, routine):
    family, _link = taught_family(instructor, Scope.PRACTICE)
    baby = BabyFactory(family=family, name="Ada")
    massage(baby, routine, cues=["smiling", "crying"])
    text = page(client, instructor)
    assert "The Rivers" in text and "Ada" in text
    assert "not shared" in text
    assert "50%" not in text


def test_a_family_sharing_cues_shows_how_much_the_baby_enjoys_it(client, instructor, routine):
    family, _link = taught_family(instructor, Scope.CUES)
    baby = BabyFactory(family=family)
    massage(baby, routine, cues=["smiling", "eye_contact", "cooing", "crying"])
    assert "75%" in page(client, instructor)


def test_narrowing_or_stopping_counts_on_the_very_next_request(client, instructor, routine):
    family, link = taught_family(instructor, Scope.CUES)
    massage(BabyFactory(family=family), routine, cues=["smiling"])
    assert "100%" in page(client, instructor)
    Consent.objects.create(link=link, scope=Scope.PRACTICE)
    text = page(client, instructor)
    assert "100%" not in text and "The Rivers" in text
    Consent.objects.create(link=link, scope=Scope.REVOKED)
    text = page(client, instructor)
    assert "The Rivers" not in text
    assert "1 family stopped sharing with you." in text


def test_another_instructors_families_and_unlinked_ones_are_not_shown(client, instructor):
    taught_family(InstructorFactory(), Scope.EVERYTHING, name="The Others")
    MembershipFactory(family__name="The Strangers")
    text = page(client, instructor)
    assert "The Others" not in text and "The Strangers" not in text
    assert "No family shares with you yet" in text


def test_the_weeks_count_massages_done_not_sessions_left_at_once(client, instructor, routine):
    family, _link = taught_family(instructor, Scope.PRACTICE)
    baby = BabyFactory(family=family)
    massage(baby, routine)
    massage(baby, routine, days_ago=8)
    started = timezone.now() - timedelta(minutes=5)
    MassageSessionFactory(  # ended in its first seconds: not a massage
        baby=baby,
        routine=routine,
        started_at=started,
        ended_at=started,
        outcome=Outcome.ENDED_EARLY,
    )
    row = dashboard(instructor)["rows"][0]
    assert row["this_week"] == 1
    assert sum(count for _monday, count in row["weeks"]) == 2


def test_a_parent_who_is_not_an_instructor_gets_403(client, db):
    member = MembershipFactory()
    client.force_login(member.user)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("families", [5, 60])
def test_the_dashboard_costs_the_same_queries_however_many_families(
    client, instructor, routine, families, django_assert_max_num_queries
):
    for n in range(families):
        family, _link = taught_family(instructor, Scope.CUES if n % 2 else Scope.PRACTICE, f"F{n}")
        massage(BabyFactory(family=family), routine, cues=["smiling"])
    client.force_login(instructor)
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert response.content.decode().count('<th scope="row">') == families
