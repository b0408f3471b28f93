"""A person's own account page: their name, their families, and deleting the account."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from cues.models import CueEvent
from massage.models import Baby, Family, Membership, Routine, User
from massage.services import families as family_services
from sessions.models import MassageSession
from tests.factories import (
    PASSWORD,
    BabyFactory,
    CueEventFactory,
    InstructorFactory,
    MassageSessionFactory,
    MembershipFactory,
    RoutineFactory,
    StepFactory,
)
from tests.markup import assert_in_html

ACCOUNT = reverse("massage:account")
DELETE = reverse("massage:account-delete")


def test_the_account_page_shows_the_email_and_families(as_parent, parent, family, caregiver):
    page = as_parent.get(ACCOUNT).text
    assert parent.email in page
    assert family.name in page
    assert reverse("massage:family-detail", args=[family.pk]) in page
    assert reverse("account_change_password") in page


def test_the_account_page_makes_a_constant_number_of_queries(
    client, parent, family, django_assert_max_num_queries
):
    for _ in range(5):
        other = MembershipFactory(user=parent).family
        BabyFactory(family=other)
        MembershipFactory(family=other)
    client.force_login(parent)
    with django_assert_max_num_queries(4):
        assert client.get(ACCOUNT).status_code == 200


def test_a_name_is_saved(as_parent, parent):
    response = as_parent.post(ACCOUNT, {"display_name": "Sam"})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.display_name == "Sam"


def test_the_name_is_asked_as_at_sign_up_and_cannot_be_emptied(as_parent, parent):
    page = as_parent.get(ACCOUNT).text
    assert_in_html('<label for="id_display_name">Your name</label>', page)
    assert "Logged in as" in page
    before = parent.display_name
    response = as_parent.post(ACCOUNT, {"display_name": "  "})
    assert response.status_code == 422
    assert "Please give your name." in response.text
    parent.refresh_from_db()
    assert parent.display_name == before


def test_a_name_too_long_is_refused_and_nothing_changes(as_parent, parent):
    before = parent.display_name
    response = as_parent.post(ACCOUNT, {"display_name": "x" * 200})
    assert response.status_code == 422
    assert "at most 80 characters" in response.text
    parent.refresh_from_db()
    assert parent.display_name == before


def test_the_delete_page_says_what_goes_and_what_stays(client, parent, family):
    shared = MembershipFactory(user=parent).family
    MembershipFactory(family=shared)  # another parent: the family stays
    client.force_login(parent)
    page = client.get(DELETE).text
    assert f"<strong>{family.name}</strong> is deleted too" in page
    assert f"<strong>{shared.name}</strong> stays" in page


def test_a_wrong_password_deletes_nothing(as_parent, parent, family):
    response = as_parent.post(DELETE, {"password": "not-it"})
    assert response.status_code == 422
    assert "That is not your password." in response.text
    assert User.objects.filter(pk=parent.pk).exists()
    assert Family.objects.filter(pk=family.pk).exists()


def test_no_password_deletes_nothing(as_parent, parent):
    response = as_parent.post(DELETE, {})
    assert response.status_code == 422
    assert User.objects.filter(pk=parent.pk).exists()


def test_the_only_parent_takes_the_family_and_its_records_along(
    client, parent, family, baby, caregiver, outsider
):
    session = MassageSessionFactory(baby=baby, started_by=parent)
    CueEventFactory(session=session, recorded_by=caregiver)
    elsewhere = MassageSessionFactory(baby=outsider.families.get().babies.get())
    client.force_login(parent)
    response = client.post(DELETE, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("massage:landing")
    assert f"Your account is deleted, and with it: {family.name}." in response.text
    assert not User.objects.filter(pk=parent.pk).exists()
    assert not Family.objects.filter(pk=family.pk).exists()
    assert not Baby.objects.filter(pk=baby.pk).exists()
    assert not MassageSession.objects.filter(pk=session.pk).exists()
    assert not CueEvent.objects.exists()
    # The caregiver keeps their login; another family is untouched; this browser is logged out.
    assert User.objects.filter(pk=caregiver.pk).exists()
    assert MassageSession.objects.filter(pk=elsewhere.pk).exists()
    assert client.get(ACCOUNT).status_code == 302


def test_with_another_parent_the_family_stays_and_keeps_its_records(client, parent, family, baby):
    other_parent = MembershipFactory(family=family).user
    session = MassageSessionFactory(baby=baby, started_by=parent)
    cue = CueEventFactory(session=session, recorded_by=parent)
    client.force_login(parent)
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 302
    assert Family.objects.filter(pk=family.pk).exists()
    assert list(Membership.objects.filter(family=family).values_list("user", flat=True)) == [
        other_parent.pk
    ]
    session.refresh_from_db()
    cue.refresh_from_db()
    assert session.started_by is None
    assert cue.recorded_by is None


def test_a_caregiver_leaves_the_family_behind(client, family, caregiver):
    client.force_login(caregiver)
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 302
    assert Family.objects.filter(pk=family.pk).exists()
    assert not User.objects.filter(pk=caregiver.pk).exists()


def test_an_instructor_takes_their_routines_along_not_the_library(client, db):
    instructor = InstructorFactory()
    own = RoutineFactory(author=instructor, slug="my-routine")
    StepFactory(routine=own)
    library = RoutineFactory()
    client.force_login(instructor)
    page = client.get(DELETE).text
    assert "The routines you wrote in the studio are deleted" in page
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 302
    assert not Routine.objects.filter(pk=own.pk).exists()
    assert Routine.objects.filter(pk=library.pk).exists()


@pytest.mark.parametrize("url", [ACCOUNT, DELETE])
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.post(url, {"password": PASSWORD, "display_name": "x"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db(transaction=True)
def test_two_parents_deleting_their_accounts_at_once_leave_no_orphaned_family():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so nothing races")
    for _round in range(5):
        first = MembershipFactory()
        second = MembershipFactory(family=first.family)
        BabyFactory(family=first.family)
        barrier = threading.Barrier(2)
        failures = []

        def delete(user, barrier=barrier, failures=failures):
            try:
                barrier.wait(timeout=10)
                family_services.account_delete(user=user)
            except Exception as error:  # a thread's failure must fail the test, not vanish
                failures.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=delete, args=(m.user,)) for m in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert failures == []
        assert not Family.objects.filter(pk=first.family_id).exists()
