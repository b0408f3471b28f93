"""An instructor suggests reminder times with an assignment; only the family turns one on."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from massage.models import Assignment, Consent, InstructorLink, Scope
from massage.services import teaching as teaching_services
from sessions.models import Reminder
from tests.factories import InstructorFactory, MembershipFactory, RoutineFactory
from tests.markup import elements

INVALID = 422


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def link(instructor):
    membership = MembershipFactory(family__name="The Rivers")
    link = InstructorLink.objects.create(instructor=instructor, family=membership.family)
    Consent.objects.create(link=link, scope=Scope.PRACTICE, changed_by=membership.user)
    return link


@pytest.fixture
def as_instructor(client, instructor):
    client.force_login(instructor)
    return client


def assignment_data(link, **change):
    return {
        "routine": RoutineFactory().pk,
        "target": f"family-{link.pk}",
        "times_per_week": 3,
        "starts_on": timezone.localdate().isoformat(),
    } | change


def test_the_form_offers_reminder_days_and_a_time(as_instructor):
    page = as_instructor.get(reverse("massage:teaching-assignments")).text
    assert len(elements(page, "input", type="checkbox", name="suggested_weekdays")) == 7
    assert elements(page, "input", type="time", name="suggested_time")
    assert "only they can turn one on" in page


def test_an_assignment_with_suggested_reminder_times(as_instructor, link):
    response = as_instructor.post(
        reverse("massage:teaching-assignments"),
        assignment_data(link, suggested_weekdays=["0", "3"], suggested_time="18:30"),
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.suggested_weekdays == 0b1001
    assert assignment.suggested_time == time(18, 30)
    assert not Reminder.objects.exists()  # suggested, never turned on for the family
    page = as_instructor.get(response.url).text
    assert "reminder suggested at 18:30" in page


def test_an_assignment_without_reminder_times(as_instructor, link):
    response = as_instructor.post(reverse("massage:teaching-assignments"), assignment_data(link))
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.suggested_weekdays, assignment.suggested_time) == (0, None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"suggested_time": "18:30"}, "Choose at least one day for that time."),
        ({"suggested_weekdays": ["2"]}, "Add a time for the days you suggest."),
        (
            {"suggested_weekdays": ["2"], "suggested_time": "after tea"},
            "That is not a time. Write it like 18:30.",
        ),
        (
            {"suggested_weekdays": ["9"], "suggested_time": "18:30"},
            "Choose days of the week from the list.",
        ),
    ],
)
def test_half_a_suggestion_is_refused_with_a_reason(as_instructor, link, change, message):
    response = as_instructor.post(
        reverse("massage:teaching-assignments"), assignment_data(link, **change)
    )
    assert response.status_code == INVALID
    assert message in response.text
    assert not Assignment.objects.exists()


def test_the_service_refuses_days_without_a_time(instructor, link):
    with pytest.raises(teaching_services.TeachingError):
        teaching_services.assignment_create(
            instructor=instructor,
            routine=RoutineFactory(),
            family=link.family,
            times_per_week=3,
            starts_on=timezone.localdate(),
            suggested_weekdays=0b1,
        )
    assert not Assignment.objects.exists()
