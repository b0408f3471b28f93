"""An assignment for one baby, and a routine adapted for one family: the original untouched,
the copy for that family only."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from massage.models import Assignment, FocusTag, Routine
from massage.selectors.library import routines_visible_to
from massage.services import teaching as teaching_services
from sessions.models import Outcome
from tests.factories import (
    BabyFactory,
    InstructorFactory,
    MassageSessionFactory,
    RoutineFactory,
    StepVisitFactory,
    routine_with_areas,
)
from tests.massage.test_teaching_classes import assign, linked_family, today

CONFLICT = 409
INVALID = 422


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def as_instructor(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def library_routine(db):
    return routine_with_areas(["legs", "feet", "tummy"], title="Leg and tummy")


def massage_done(baby, routine):
    session = MassageSessionFactory(baby=baby, routine=routine)
    StepVisitFactory(session=session)
    session.finish(outcome=Outcome.COMPLETED, at=timezone.now())


def adapt(client, family, routine):
    return client.post(reverse("massage:routine-adapt", args=[family.pk]), {"routine": routine.pk})


def test_adapting_makes_a_copy_for_the_family_and_leaves_the_original(
    as_instructor, instructor, library_routine
):
    rivers, _link = linked_family(instructor)
    before = list(library_routine.steps.values_list("pk", "stroke", "order"))
    response = adapt(as_instructor, rivers.family, library_routine)
    copy = Routine.objects.get(adapted_for=rivers.family)
    assert response.status_code == 302
    assert response.url == reverse("massage:routine-edit", args=[copy.pk])
    assert copy.author == instructor and not copy.published
    assert copy.copied_from == library_routine
    assert copy.title == "Leg and tummy, for The Rivers"
    assert list(copy.steps.values_list("stroke", flat=True)) == [s for _pk, s, _o in before]
    assert list(library_routine.steps.values_list("pk", "stroke", "order")) == before


def test_the_adapted_copy_goes_to_its_family_only(
    as_instructor, instructor, library_routine, client
):
    rivers, rivers_link = linked_family(instructor, name="The Rivers")
    oaks, oaks_link = linked_family(instructor, name="The Oaks")
    adapt(as_instructor, rivers.family, library_routine)
    copy = Routine.objects.get(adapted_for=rivers.family)
    copy.published = True
    copy.save(update_fields=["published"])
    teaching_class = teaching_services.class_create(
        instructor=instructor, name="Tuesdays", starts_on=today(), meets_on=1
    )
    teaching_services.class_set_families(teaching_class=teaching_class, links=[oaks_link])
    week = {"routine": copy.pk, "times_per_week": 3, "starts_on": today().isoformat()}
    for target in (f"class-{teaching_class.pk}", f"family-{oaks_link.pk}"):
        response = assign(as_instructor, target=target, **week)
        assert response.status_code == CONFLICT
        assert "adapted for The Rivers" in response.content.decode()
    assert not Assignment.objects.exists()
    assert assign(as_instructor, target=f"family-{rivers_link.pk}", **week).status_code == 302
    assert copy in routines_visible_to(rivers.user)
    assert copy not in routines_visible_to(oaks.user)


@pytest.mark.parametrize("whose", ["another instructor's", "a copy already"])
def test_only_a_routine_the_instructor_may_assign_can_be_adapted(
    as_instructor, instructor, library_routine, whose
):
    rivers, _link = linked_family(instructor)
    if whose == "a copy already":
        routine = teaching_services.routine_adapt(
            instructor=instructor, routine=library_routine, family=rivers.family
        )
        routine.published = True
        routine.save(update_fields=["published"])
    else:
        routine = RoutineFactory(author=InstructorFactory(), published=True)
    count = Routine.objects.count()
    response = adapt(as_instructor, rivers.family, routine)
    assert response.status_code == INVALID
    assert "Choose a library routine or one of yours" in response.content.decode()
    assert Routine.objects.count() == count


def test_a_family_that_does_not_share_gets_no_copy(as_instructor, instructor, library_routine):
    rivers, link = linked_family(instructor)
    link.consents.create(scope="revoked", changed_by=rivers.user)
    assert adapt(as_instructor, rivers.family, library_routine).status_code == 404
    assert not Routine.objects.filter(adapted_for__isnull=False).exists()


def test_an_assignment_for_one_baby_counts_that_babys_massages(
    as_instructor, instructor, library_routine, client
):
    rivers, _link = linked_family(instructor)
    ada = BabyFactory(family=rivers.family, name="Ada")
    ben = BabyFactory(family=rivers.family, name="Ben")
    response = assign(
        as_instructor,
        routine=library_routine.pk,
        target=f"baby-{ada.pk}",
        times_per_week=2,
        starts_on=today().isoformat(),
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.baby == ada and assignment.family == rivers.family
    massage_done(ben, library_routine)
    client.force_login(rivers.user)
    text = client.get(reverse("today")).content.decode()
    assert "for Ada" in text
    assert "0 of 2 this week" in text  # Ben's massage is not Ada's practice
    massage_done(ada, library_routine)
    assert "1 of 2 this week" in client.get(reverse("today")).content.decode()


def test_a_baby_of_a_family_that_does_not_share_cannot_be_chosen(
    as_instructor, instructor, library_routine
):
    linked_family(instructor)
    stranger = BabyFactory(name="Zoe")
    response = assign(
        as_instructor,
        routine=library_routine.pk,
        target=f"baby-{stranger.pk}",
        times_per_week=2,
        starts_on=today().isoformat(),
    )
    assert response.status_code == INVALID
    assert "Choose one of your classes or families." in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_assignment_page_costs_the_same_queries_however_many_babies(
    as_instructor, instructor, django_assert_max_num_queries
):
    for n in range(3):
        membership, _link = linked_family(instructor, name=f"Family {n}")
        BabyFactory(family=membership.family)
    with django_assert_max_num_queries(12):
        assert as_instructor.get(reverse("massage:teaching-assignments")).status_code == 200
    for n in range(3, 12):
        membership, _link = linked_family(instructor, name=f"Family {n}")
        BabyFactory.create_batch(2, family=membership.family)
    with django_assert_max_num_queries(12):
        assert as_instructor.get(reverse("massage:teaching-assignments")).status_code == 200


def assigned_titles(page):
    """The titles of the cards under "From your instructor", in order."""
    section = page.split('id="assigned-title"')[1].split("</section>")[0]
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', section)


def test_the_assigned_routines_in_the_library_come_in_title_order_with_their_details(
    instructor, library_routine, client, django_assert_max_num_queries
):
    """An assigned library routine is taken from the library list; an instructor's own one is
    read for itself; either way each card has its length and focus tags, in title order."""
    rivers, _link = linked_family(instructor, name="The Rivers")
    own = routine_with_areas(["legs"], title="Ines's gentle legs")
    own.author, own.published = instructor, True
    own.save()
    own.focus.set([FocusTag.objects.get_or_create(slug="bonding")[0]])
    library_routine.focus.set([FocusTag.objects.get_or_create(slug="sleep")[0]])
    for routine in (library_routine, own):
        teaching_services.assignment_create(
            instructor=instructor,
            routine=routine,
            family=rivers.family,
            times_per_week=2,
            starts_on=today(),
        )
    client.force_login(rivers.user)
    url = reverse("massage:routine-list")
    # session, user, babies, library routines and their focus tags, the links the family
    # shares and the assignments running (the assigned routines' ids), the one not in the
    # library with its focus tags
    with django_assert_max_num_queries(9):
        page = client.get(url).content.decode()
    assert assigned_titles(page) == ["Ines&#x27;s gentle legs", "Leg and tummy"]
    # With the library filtered down to neither, both are still read and shown.
    filtered = client.get(url, {"focus": "teething"}).content.decode()
    for shown in (page, filtered):
        assert assigned_titles(shown) == ["Ines&#x27;s gentle legs", "Leg and tummy"]
        cards = shown.split('id="assigned-title"')[1].split("</section>")[0]
        assert cards.count('class="pill pill-accent"') == 2  # each one's length
        assert "Bonding" in cards and "Sleep" in cards


def test_the_library_lists_what_the_family_was_assigned_at_the_top(
    instructor, library_routine, client
):
    rivers, _rivers_link = linked_family(instructor, name="The Rivers")
    oaks, _oaks_link = linked_family(instructor, name="The Oaks")
    own = routine_with_areas(["legs"], title="Ines's gentle legs")
    own.author, own.published = instructor, True
    own.save()
    teaching_services.assignment_create(
        instructor=instructor,
        routine=own,
        family=rivers.family,
        times_per_week=2,
        starts_on=today(),
    )
    url = reverse("massage:routine-list")
    client.force_login(rivers.user)
    page = client.get(url).content.decode()
    assert "From your instructor" in page and "Ines&#x27;s gentle legs" in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "From your instructor" not in fragment  # the filters swap the results only
    restored = client.get(
        url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).content.decode()
    assert "From your instructor" in restored
    client.force_login(oaks.user)
    page = client.get(url).content.decode()
    assert "From your instructor" not in page and "gentle legs" not in page
