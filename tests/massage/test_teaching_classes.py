"""Classes and assignments: what an instructor suggests, and what the family sees of it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from massage.models import Assignment, Consent, HiddenAssignment, InstructorLink, Scope
from massage.selectors import teaching as teaching_selectors
from massage.selectors.library import may_see, routines_visible_to
from massage.services import teaching as teaching_services
from sessions.models import Outcome
from tests.factories import (
    BabyFactory,
    InstructorFactory,
    MassageSessionFactory,
    MembershipFactory,
    RoutineFactory,
    StepVisitFactory,
    routine_with_areas,
)

INVALID = 422


@pytest.fixture
def instructor(db):
    return InstructorFactory()


def linked_family(instructor, scope=Scope.PRACTICE, name="The Rivers"):
    membership = MembershipFactory(family__name=name)
    link = InstructorLink.objects.create(instructor=instructor, family=membership.family)
    Consent.objects.create(link=link, scope=scope, changed_by=membership.user)
    return membership, link


@pytest.fixture
def own_routine(instructor):
    routine = routine_with_areas(["legs", "feet"], title="Ines's legs")
    routine.author = instructor
    routine.published = True
    routine.save()
    return routine


@pytest.fixture
def as_instructor(client, instructor):
    client.force_login(instructor)
    return client


def today():
    return timezone.localdate()


def assign(as_instructor, **data):
    return as_instructor.post(reverse("massage:teaching-assignments"), data)


def test_a_class_gets_its_families_and_a_routine_for_all_of_them(
    as_instructor, instructor, own_routine, client
):
    rivers, rivers_link = linked_family(instructor, name="The Rivers")
    oaks, oaks_link = linked_family(instructor, name="The Oaks")
    response = as_instructor.post(
        reverse("massage:teaching-classes"),
        {"name": "Tuesday mornings", "starts_on": today().isoformat(), "meets_on": 1},
    )
    assert response.status_code == 302
    teaching_class = instructor.teaching_classes.get()
    response = as_instructor.post(
        reverse("massage:teaching-class", args=[teaching_class.pk]),
        {"links": [rivers_link.pk, oaks_link.pk]},
    )
    assert response.status_code == 302
    assert set(teaching_class.links.all()) == {rivers_link, oaks_link}

    response = assign(
        as_instructor,
        routine=own_routine.pk,
        target=f"class-{teaching_class.pk}",
        note="Resting hands first, please.",
        times_per_week=4,
        starts_on=today().isoformat(),
    )
    assert response.status_code == 302
    assert Assignment.objects.get().teaching_class == teaching_class

    # Both families see it on Today, and may open and start it; another family may not.
    for membership in (rivers, oaks):
        client.force_login(membership.user)
        page = client.get(reverse("today")).content.decode()
        assert "From your instructor" in page
        assert "Ines&#x27;s legs" in page and "Resting hands first, please." in page
        assert "0 of 4 this week" in page
        assert own_routine in routines_visible_to(membership.user)
        assert (
            client.get(reverse("massage:routine-detail", args=[own_routine.slug])).status_code
            == 200
        )
    outsider = MembershipFactory()
    assert own_routine not in routines_visible_to(outsider.user)


def test_the_week_counts_massages_of_the_routine_and_a_baby_led_end_counts(
    instructor, own_routine, client
):
    membership, _link = linked_family(instructor)
    teaching_services.assignment_create(
        instructor=instructor,
        routine=own_routine,
        family=membership.family,
        times_per_week=2,
        starts_on=today() - timedelta(days=today().weekday()),
    )
    baby = BabyFactory(family=membership.family)
    started = timezone.now() - timedelta(minutes=30)
    for outcome in (Outcome.BABY_LED_END, Outcome.COMPLETED):
        session = MassageSessionFactory(
            baby=baby, routine=own_routine, started_at=started, ended_at=started, outcome=outcome
        )
        StepVisitFactory(session=session)
    client.force_login(membership.user)
    page = client.get(reverse("today")).content.decode()
    assert "2 of 2 this week" in page
    assert "the week's practice is done, lovely" in page
    session = MassageSessionFactory(
        baby=baby, routine=own_routine, started_at=started, ended_at=started, outcome="completed"
    )
    StepVisitFactory(session=session)
    assert "3 this week (2 suggested)" in client.get(reverse("today")).content.decode()


def test_a_family_that_stopped_sharing_no_longer_gets_assignments(instructor, own_routine, client):
    membership, link = linked_family(instructor)
    teaching_services.assignment_create(
        instructor=instructor,
        routine=own_routine,
        family=membership.family,
        times_per_week=3,
        starts_on=today(),
    )
    page = reverse("massage:routine-detail", args=[own_routine.slug])
    client.force_login(membership.user)
    assert client.get(page).status_code == 200
    Consent.objects.create(link=link, scope=Scope.REVOKED, changed_by=membership.user)
    assert "From your instructor" not in client.get(reverse("today")).content.decode()
    assert own_routine not in routines_visible_to(membership.user)
    assert client.get(page).status_code == 404


def test_an_assignment_that_ended_or_is_yet_to_start_is_not_shown(instructor, own_routine, client):
    membership, _link = linked_family(instructor)
    for starts, ends in (
        (today() - timedelta(days=20), today() - timedelta(days=1)),
        (today() + timedelta(days=2), None),
    ):
        teaching_services.assignment_create(
            instructor=instructor,
            routine=own_routine,
            family=membership.family,
            times_per_week=3,
            starts_on=starts,
            ends_on=ends,
        )
    client.force_login(membership.user)
    assert "From your instructor" not in client.get(reverse("today")).content.decode()


def test_a_family_hides_an_assignment(instructor, own_routine, client):
    membership, _link = linked_family(instructor)
    assignment = teaching_services.assignment_create(
        instructor=instructor,
        routine=own_routine,
        family=membership.family,
        times_per_week=3,
        starts_on=today(),
    )
    caregiver = MembershipFactory(family=membership.family, role="caregiver")
    client.force_login(caregiver.user)
    url = reverse("massage:assignment-hide", args=[membership.family_id, assignment.pk])
    assert client.post(url).status_code == 302
    assert HiddenAssignment.objects.filter(assignment=assignment).exists()
    assert "From your instructor" not in client.get(reverse("today")).content.decode()
    # Another family can't hide it (nor learn it exists).
    outsider = MembershipFactory()
    client.force_login(outsider.user)
    other_url = reverse("massage:assignment-hide", args=[outsider.family_id, assignment.pk])
    assert client.post(other_url).status_code == 404


@pytest.mark.parametrize(
    "change, message",
    [
        ({"times_per_week": 0}, "At least once a week."),
        ({"times_per_week": 15}, "At most 14 times a week."),
        ({"ends_on": "yesterday"}, "The end date is before the start date."),
        ({"starts_on": "soon"}, "Enter a valid date."),
        ({"target": "family-999999"}, "Choose one of your classes or families."),
        ({"note": "x" * 100_000}, "Ensure this value has at most 500 characters"),
    ],
)
def test_bad_assignments_are_refused_with_a_reason(
    as_instructor, instructor, own_routine, change, message
):
    _membership, link = linked_family(instructor)
    data = {
        "routine": own_routine.pk,
        "target": f"family-{link.pk}",
        "times_per_week": 3,
        "starts_on": today().isoformat(),
    } | change
    if data.get("ends_on") == "yesterday":
        data["ends_on"] = (today() - timedelta(days=1)).isoformat()
    response = assign(as_instructor, **data)
    assert response.status_code == INVALID
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Assignment.objects.exists()


def test_routines_of_another_instructor_or_unpublished_cannot_be_assigned(
    as_instructor, instructor
):
    _membership, link = linked_family(instructor)
    for routine in (
        RoutineFactory(author=InstructorFactory(), published=True),
        RoutineFactory(author=instructor, published=False),
    ):
        response = assign(
            as_instructor,
            routine=routine.pk,
            target=f"family-{link.pk}",
            times_per_week=3,
            starts_on=today().isoformat(),
        )
        assert response.status_code == INVALID
    assert not Assignment.objects.exists()


def test_a_family_not_linked_or_not_sharing_cannot_be_assigned_to(instructor, own_routine):
    stranger = MembershipFactory()
    _membership, link = linked_family(instructor)
    Consent.objects.create(link=link, scope=Scope.REVOKED)
    for family in (stranger.family, link.family):
        with pytest.raises(teaching_services.TeachingError):
            teaching_services.assignment_create(
                instructor=instructor,
                routine=own_routine,
                family=family,
                times_per_week=3,
                starts_on=today(),
            )
    assert not Assignment.objects.exists()


def test_only_sharing_families_can_join_a_class_and_an_archived_class_is_closed(
    as_instructor, instructor
):
    teaching_class = teaching_services.class_create(
        instructor=instructor, name="Mornings", starts_on=today(), meets_on=0
    )
    other_link = linked_family(InstructorFactory())[1]
    url = reverse("massage:teaching-class", args=[teaching_class.pk])
    assert as_instructor.post(url, {"links": [other_link.pk]}).status_code == INVALID
    assert not teaching_class.links.exists()

    _membership, link = linked_family(instructor)
    as_instructor.post(reverse("massage:teaching-class-archive", args=[teaching_class.pk]))
    teaching_class.refresh_from_db()
    assert teaching_class.archived_at is not None
    assert as_instructor.post(url, {"links": [link.pk]}).status_code == 409
    assert not teaching_class.links.exists()


def test_a_bad_class_is_refused(as_instructor, instructor):
    response = as_instructor.post(
        reverse("massage:teaching-classes"), {"name": "", "starts_on": "x", "meets_on": 9}
    )
    assert response.status_code == INVALID
    assert not instructor.teaching_classes.exists()


def test_today_costs_the_same_queries_with_more_assignments(
    instructor, own_routine, client, django_assert_max_num_queries
):
    membership, _link = linked_family(instructor)
    BabyFactory(family=membership.family)
    client.force_login(membership.user)
    teaching_services.assignment_create(
        instructor=instructor,
        routine=own_routine,
        family=membership.family,
        times_per_week=3,
        starts_on=today(),
    )
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("today"))
    for _n in range(5):
        teaching_services.assignment_create(
            instructor=instructor,
            routine=routine_with_areas(["legs"]),
            family=membership.family,
            times_per_week=3,
            starts_on=today(),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("today")).content.decode()
    assert page.count("this week") >= 6


def test_a_family_that_stops_sharing_while_the_form_is_sent_is_refused_not_a_500(
    as_instructor, instructor, monkeypatch
):
    teaching_class = teaching_services.class_create(
        instructor=instructor, name="Mornings", starts_on=today(), meets_on=0
    )
    membership, link = linked_family(instructor)
    shared_when_asked = teaching_selectors.shared_links_of

    def stops_sharing_meanwhile(someone):
        found = list(shared_when_asked(someone))
        Consent.objects.create(link=link, scope=Scope.REVOKED, changed_by=membership.user)
        monkeypatch.setattr(teaching_selectors, "shared_links_of", shared_when_asked)
        return InstructorLink.objects.filter(pk__in=[f.pk for f in found]).select_related("family")

    monkeypatch.setattr(teaching_selectors, "shared_links_of", stops_sharing_meanwhile)
    url = reverse("massage:teaching-class", args=[teaching_class.pk])
    response = as_instructor.post(url, {"links": [link.pk]})
    assert response.status_code == 409
    assert "Only families you teach, and that share with you" in response.content.decode()
    assert not teaching_class.links.exists()


def test_the_rule_for_one_routine_says_what_the_list_of_visible_routines_says(instructor, db):
    """`may_see` (the routine pages) and `routines_visible_to` (lists, the figures, /sync/) are
    the same rule written for one routine and for a query: they agree for everyone."""

    def routine(title, *, author=None, published=True):
        return RoutineFactory(title=title, author=author, published=published)

    other = InstructorFactory()
    sharing, link = linked_family(instructor, name="Sharing")
    stopped, stopped_link = linked_family(instructor, name="Stopped")
    in_class, class_link = linked_family(instructor, name="In a class")
    teaching_class = teaching_services.class_create(
        instructor=instructor, name="Tuesdays", starts_on=today(), meets_on=1
    )
    teaching_class.links.add(class_link)
    archived = teaching_services.class_create(
        instructor=instructor, name="Old", starts_on=today(), meets_on=2
    )
    archived.links.add(link)
    routines = [
        routine("Library"),
        routine("Library, unpublished", published=False),
        routine("Own draft", author=instructor, published=False),
        routine("Other's published", author=other),
    ]
    for title, target in [
        ("To the sharing family", {"family": sharing.family}),
        ("To the family that stopped", {"family": stopped.family}),
        ("To the class", {"teaching_class": teaching_class}),
        ("To the archived class", {"teaching_class": archived}),
        ("Ended", {"family": sharing.family, "ends_on": today() - timedelta(days=1)}),
    ]:
        assigned = routine(title, author=instructor)
        routines.append(assigned)
        starts = today() - timedelta(days=7)
        teaching_services.assignment_create(
            instructor=instructor, routine=assigned, times_per_week=2, starts_on=starts, **target
        )
    # Assigned while they could be; then the family stops sharing and the class ends.
    Consent.objects.create(link=stopped_link, scope=Scope.REVOKED, changed_by=stopped.user)
    archived.archived_at = timezone.now()
    archived.save()
    people = [AnonymousUser(), sharing.user, stopped.user, in_class.user, instructor, other]
    for person in people:
        listed = set(routines_visible_to(person))
        for each in routines:
            assert may_see(person, each) == (each in listed), (person, each.title)
    # The world is not trivial: each kind of answer happens.
    assert {r.title for r in routines if may_see(sharing.user, r)} == {
        "Library",
        "To the sharing family",
    }
    assert {r.title for r in routines if may_see(in_class.user, r)} == {"Library", "To the class"}
