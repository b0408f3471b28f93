"""Joining a class with its code: a parent asks for the family, the instructor approves.

The code is the class's, readable and short; a new one replaces it. Asking shows the class and
its instructor first, and says what the family offers to share; nothing is shared until the
instructor approves, which links the family with that consent and adds it to the class.
"""

import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from massage.models import Consent, InstructorLink, InstructorProfile, JoinRequest, Scope
from massage.services import teaching as teaching_services
from tests.factories import BabyFactory, InstructorFactory, MembershipFactory
from tests.markup import attribute, elements

INVALID, CONFLICT, GONE = 422, 409, 410


@pytest.fixture
def instructor(db):
    instructor = InstructorFactory(display_name="Ana")
    InstructorProfile.objects.create(
        user=instructor,
        practice_name="Little Hands",
        credential="CIMI",
        bio="Ten years of baby massage classes.",
        credential_verified=True,
    )
    return instructor


@pytest.fixture
def teaching_class(instructor):
    return teaching_services.class_create(
        instructor=instructor, name="Tuesday mornings", starts_on=timezone.localdate(), meets_on=1
    )


@pytest.fixture
def parent(db):
    """A parent's membership of a family with one baby."""
    membership = MembershipFactory(family__name="The Rivers", user__display_name="Sam")
    BabyFactory(family=membership.family, name="Maya")
    return membership


@pytest.fixture
def as_instructor(instructor):
    """A client of its own, logged in as the instructor (`client` is the family's)."""
    instructor_client = Client()
    instructor_client.force_login(instructor)
    return instructor_client


def code_url(teaching_class):
    return reverse("massage:class-code", args=[teaching_class.join_code])


def ask(client, membership, teaching_class, scope=Scope.PRACTICE, message="", code=None):
    client.force_login(membership.user)
    return client.post(
        reverse("massage:class-code", args=[code or teaching_class.join_code]),
        {"family": membership.family_id, "scope": scope, "message": message},
    )


def class_page(teaching_class):
    return reverse("massage:teaching-class", args=[teaching_class.pk])


def approve_url(join_request):
    return reverse(
        "massage:join-request-approve", args=[join_request.teaching_class_id, join_request.pk]
    )


def decline_url(join_request):
    return reverse(
        "massage:join-request-decline", args=[join_request.teaching_class_id, join_request.pk]
    )


def pending(parent, teaching_class, scope=Scope.CUES, message=""):
    return JoinRequest.objects.create(
        teaching_class=teaching_class,
        family=parent.family,
        requested_by=parent.user,
        scope=scope,
        message=message,
    )


# The code ----------------------------------------------------------------------------------------


def test_a_new_class_gets_a_short_readable_code(teaching_class):
    code = teaching_class.join_code
    assert len(code) == teaching_services.CLASS_CODE_LENGTH == 8
    assert set(code) <= set(teaching_services.CLASS_CODE_ALPHABET)
    assert not set(code) & set("0O1I")


def test_a_code_that_is_taken_is_drawn_again(instructor, teaching_class, monkeypatch):
    taken = teaching_class.join_code
    draws = iter([taken, taken, "NEWC0DE2".replace("0", "D")])
    monkeypatch.setattr(teaching_services, "_random_class_code", lambda: next(draws))
    other = teaching_services.class_create(
        instructor=instructor, name="Thursdays", starts_on=timezone.localdate(), meets_on=3
    )
    other.refresh_from_db()
    assert other.join_code == "NEWCDDE2"
    teaching_class.refresh_from_db()
    assert teaching_class.join_code == taken


def test_codes_are_typed_in_any_case_with_spaces_or_a_dash(client, parent, teaching_class):
    code = teaching_class.join_code
    typed = f" {code[:4].lower()}-{code[4:]} "
    client.force_login(parent.user)
    response = client.get(reverse("massage:class-code-find"), {"code": typed})
    assert response.status_code == 302
    assert response.url == code_url(teaching_class)


def test_the_class_page_shows_the_code_and_a_link_to_share(as_instructor, teaching_class):
    code = teaching_class.join_code
    page = as_instructor.get(class_page(teaching_class)).content.decode()
    assert f"{code[:4]}-{code[4:]}" in page
    assert elements(page, "a", href=f"http://testserver{code_url(teaching_class)}")


def test_a_new_code_replaces_the_old_one(as_instructor, client, parent, teaching_class):
    old = teaching_class.join_code
    response = as_instructor.post(reverse("massage:teaching-class-code", args=[teaching_class.pk]))
    assert response.status_code == 302
    teaching_class.refresh_from_db()
    assert teaching_class.join_code != old
    client.force_login(parent.user)
    response = client.get(reverse("massage:class-code", args=[old]))
    assert response.status_code == 404
    assert "No class has this code" in response.content.decode()
    assert client.get(code_url(teaching_class)).status_code == 200


def test_a_class_without_a_code_gets_one_with_the_button(as_instructor, teaching_class):
    teaching_class.join_code = None
    teaching_class.save()
    page = as_instructor.get(class_page(teaching_class)).content.decode()
    assert "Make a class code" in page
    as_instructor.post(reverse("massage:teaching-class-code", args=[teaching_class.pk]))
    teaching_class.refresh_from_db()
    assert teaching_class.join_code


def test_an_archived_class_gets_no_new_code(as_instructor, teaching_class):
    old = teaching_class.join_code
    teaching_services.class_archive(teaching_class=teaching_class)
    response = as_instructor.post(reverse("massage:teaching-class-code", args=[teaching_class.pk]))
    assert response.status_code == GONE
    teaching_class.refresh_from_db()
    assert teaching_class.join_code == old


# Asking ------------------------------------------------------------------------------------------


def test_the_family_sees_the_class_and_its_instructor_before_asking(client, parent, teaching_class):
    client.force_login(parent.user)
    response = client.get(code_url(teaching_class))
    assert response.status_code == 200
    page = response.content.decode()
    for words in ("Tuesday mornings", "Ana", "Little Hands", "CIMI", "Ten years of baby"):
        assert words in page
    assert elements(page, "span", **{"class": "badge badge-verified"})
    values = {attribute(radio, "value") for radio in elements(page, "input", type="radio")}
    assert values == {"practice", "practice_and_cues", "everything"}
    assert not JoinRequest.objects.exists()


def test_the_find_page_takes_the_code_to_the_class(client, parent, teaching_class):
    client.force_login(parent.user)
    assert client.get(reverse("massage:class-code-find")).status_code == 200
    response = client.get(
        reverse("massage:class-code-find"),
        {"code": teaching_class.join_code, "family": parent.family_id},
    )
    assert response.status_code == 302
    assert response.url == f"{code_url(teaching_class)}?family={parent.family_id}"


@pytest.mark.parametrize("scope", [Scope.PRACTICE, Scope.CUES, Scope.EVERYTHING])
def test_a_parent_asks_offering_each_scope_and_nothing_is_shared_yet(
    client, parent, teaching_class, scope
):
    response = ask(client, parent, teaching_class, scope=scope, message="Maya is 12 weeks.")
    assert response.status_code == 302
    assert response.url == reverse("massage:family-detail", args=[parent.family_id])
    join_request = JoinRequest.objects.get()
    assert (join_request.family, join_request.requested_by) == (parent.family, parent.user)
    assert join_request.scope == scope
    assert join_request.message == "Maya is 12 weeks."
    assert join_request.state == JoinRequest.State.PENDING
    assert not InstructorLink.objects.exists()
    assert not Consent.objects.exists()
    # The instructor is told by mail, with a link to the class.
    assert "The Rivers" in mail.outbox[-1].subject
    assert class_page(teaching_class) in mail.outbox[-1].body


def test_an_unknown_code_says_so_and_keeps_what_was_typed(client, parent, teaching_class):
    client.force_login(parent.user)
    response = client.get(reverse("massage:class-code-find"), {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "No class has this code" in page
    assert attribute(elements(page, "input", name="code")[0], "value") == "ZZZZ-ZZZZ"
    response = ask(client, parent, teaching_class, code="ZZZZZZZZ")
    assert response.status_code == 404
    assert not JoinRequest.objects.exists()


def test_an_empty_code_is_refused(client, parent):
    client.force_login(parent.user)
    response = client.get(reverse("massage:class-code-find"), {"code": "  "})
    assert response.status_code == INVALID
    assert "Type the code your instructor gave you." in response.content.decode()


def test_an_archived_class_takes_no_requests(client, parent, teaching_class):
    teaching_services.class_archive(teaching_class=teaching_class)
    client.force_login(parent.user)
    response = client.get(code_url(teaching_class))
    assert response.status_code == GONE
    assert "This class has ended." in response.content.decode()
    assert ask(client, parent, teaching_class).status_code == GONE
    assert not JoinRequest.objects.exists()


def test_a_caregiver_cannot_ask_for_the_family(client, parent, teaching_class):
    caregiver = MembershipFactory(family=parent.family, role="caregiver")
    client.force_login(caregiver.user)
    page = client.get(code_url(teaching_class)).content.decode()
    assert "Only a family's parent can ask to join a class." in page
    response = ask(client, caregiver, teaching_class)
    assert response.status_code == 403
    assert not JoinRequest.objects.exists()


def test_a_parent_elsewhere_cannot_ask_for_a_family_where_they_are_a_caregiver(
    client, parent, teaching_class
):
    caregiver = MembershipFactory(family=parent.family, role="caregiver")
    MembershipFactory(user=caregiver.user)  # a parent of a family of their own
    response = ask(client, caregiver, teaching_class)
    assert response.status_code == 403
    assert not JoinRequest.objects.exists()


def test_another_familys_id_is_refused(client, parent, teaching_class):
    other = MembershipFactory()
    client.force_login(parent.user)
    response = client.post(
        code_url(teaching_class), {"family": other.family_id, "scope": Scope.PRACTICE}
    )
    assert response.status_code == INVALID
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"scope": Scope.REVOKED}, {"scope": "all"}, {}, {"scope": "practice", "message": "x" * 5000}],
)
def test_bad_choices_and_a_5_kb_message_are_refused(client, parent, teaching_class, data):
    client.force_login(parent.user)
    response = client.post(code_url(teaching_class), {"family": parent.family_id, **data})
    assert response.status_code == INVALID
    assert not JoinRequest.objects.exists()
    if "message" in data:
        assert "Keep it to 300 characters" in response.content.decode()


def test_asking_twice_is_a_friendly_409_and_no_second_row(client, parent, teaching_class):
    assert ask(client, parent, teaching_class).status_code == 302
    response = ask(client, parent, teaching_class, scope=Scope.CUES)
    assert response.status_code == CONFLICT
    assert "You already asked to join: waiting for Ana&#x27;s answer." in response.content.decode()
    assert JoinRequest.objects.count() == 1


def test_the_database_keeps_one_waiting_request_per_family_and_class(parent, teaching_class):
    pending(parent, teaching_class)
    with pytest.raises(IntegrityError):
        pending(parent, teaching_class)


def test_a_family_that_already_shares_is_sent_to_its_page(client, parent, teaching_class):
    link = InstructorLink.objects.create(instructor=teaching_class.instructor, family=parent.family)
    Consent.objects.create(link=link, scope=Scope.CUES, changed_by=parent.user)
    client.force_login(parent.user)
    page = client.get(code_url(teaching_class)).content.decode()
    assert "already shares with Ana (practice and cues)" in page
    assert elements(
        page, "a", href=reverse("massage:family-detail", args=[parent.family_id]) + "#instructors"
    )
    response = ask(client, parent, teaching_class)
    assert response.status_code == CONFLICT
    teaching_class.links.add(link)
    assert "already in this class" in client.get(code_url(teaching_class)).content.decode()
    assert not JoinRequest.objects.exists()


def test_a_family_that_stopped_sharing_may_ask_again(client, parent, teaching_class):
    link = InstructorLink.objects.create(instructor=teaching_class.instructor, family=parent.family)
    Consent.objects.create(link=link, scope=Scope.REVOKED, changed_by=parent.user)
    assert ask(client, parent, teaching_class).status_code == 302


def test_the_instructor_cannot_ask_to_join_their_own_class(client, instructor, teaching_class):
    own = MembershipFactory(user=instructor)
    client.force_login(instructor)
    assert "This is your class." in client.get(code_url(teaching_class)).content.decode()
    assert ask(client, own, teaching_class).status_code == CONFLICT


# The instructor's answer -------------------------------------------------------------------------


def test_the_class_page_lists_the_requests_with_babies_scope_and_message(
    as_instructor, parent, teaching_class
):
    pending(parent, teaching_class, scope=Scope.EVERYTHING, message="Maya loves her bath.")
    page = as_instructor.get(class_page(teaching_class)).content.decode()
    for words in ("The Rivers", "Maya", "12 weeks", "Everything, notes included", "her bath"):
        assert words in page
    assert elements(page, "form", action=approve_url(JoinRequest.objects.get()))


def test_the_class_page_makes_as_many_queries_for_many_requests_as_for_one(
    as_instructor, parent, teaching_class, django_assert_max_num_queries
):
    pending(parent, teaching_class)
    with django_assert_max_num_queries(30) as one:
        assert as_instructor.get(class_page(teaching_class)).status_code == 200
    for _ in range(6):
        membership = MembershipFactory()
        BabyFactory(family=membership.family)
        BabyFactory(family=membership.family)
        pending(membership, teaching_class)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = as_instructor.get(class_page(teaching_class))
    assert response.content.decode().count('class="join-request"') == 7


def test_approving_links_the_family_with_its_consent_and_adds_it_to_the_class(
    as_instructor, parent, teaching_class
):
    join_request = pending(parent, teaching_class, scope=Scope.CUES)
    response = as_instructor.post(approve_url(join_request))
    assert response.status_code == 302
    link = InstructorLink.objects.with_scope().get(
        instructor=teaching_class.instructor, family=parent.family
    )
    assert link.scope == Scope.CUES
    consent = Consent.objects.get(link=link)
    assert consent.changed_by == parent.user
    assert list(teaching_class.links.all()) == [link]
    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.APPROVED
    assert join_request.decided_at is not None


def test_approving_reuses_a_link_the_family_had_stopped(as_instructor, parent, teaching_class):
    link = InstructorLink.objects.create(instructor=teaching_class.instructor, family=parent.family)
    Consent.objects.create(link=link, scope=Scope.REVOKED, changed_by=parent.user)
    join_request = pending(parent, teaching_class, scope=Scope.PRACTICE)
    assert as_instructor.post(approve_url(join_request)).status_code == 302
    assert InstructorLink.objects.count() == 1
    assert InstructorLink.objects.with_scope().get().scope == Scope.PRACTICE
    assert [c.scope for c in Consent.objects.order_by("pk")] == [Scope.REVOKED, Scope.PRACTICE]


def test_approving_keeps_a_choice_the_family_made_since_asking(
    as_instructor, parent, teaching_class
):
    join_request = pending(parent, teaching_class, scope=Scope.EVERYTHING)
    # Meanwhile the family accepted an invitation, sharing less.
    link = InstructorLink.objects.create(instructor=teaching_class.instructor, family=parent.family)
    Consent.objects.create(link=link, scope=Scope.PRACTICE, changed_by=parent.user)
    assert as_instructor.post(approve_url(join_request)).status_code == 302
    assert InstructorLink.objects.with_scope().get().scope == Scope.PRACTICE
    assert Consent.objects.count() == 1
    assert list(teaching_class.links.all()) == [link]


def test_approving_twice_is_409_with_the_reason(as_instructor, parent, teaching_class):
    join_request = pending(parent, teaching_class)
    assert as_instructor.post(approve_url(join_request)).status_code == 302
    response = as_instructor.post(approve_url(join_request))
    assert response.status_code == CONFLICT
    assert "You already approved this request" in response.content.decode()
    assert Consent.objects.count() == 1
    response = as_instructor.post(decline_url(join_request))
    assert response.status_code == CONFLICT
    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.APPROVED


def _at_once(*calls):
    """Run the calls in threads released together; each one's result or error, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # kept, to be looked at by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_link_the_family_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so nothing races")
    instructor = InstructorFactory()
    teaching_class = teaching_services.class_create(
        instructor=instructor, name="Race", starts_on=timezone.localdate(), meets_on=2
    )
    for _round in range(5):
        join_request = pending(MembershipFactory(), teaching_class)

        def approve(request_id=join_request.pk):
            return teaching_services.join_request_approve(
                teaching_class=teaching_class, request_id=request_id
            )

        def withdraw(join_request=join_request):
            membership = join_request.family.memberships.get()
            return teaching_services.join_request_withdraw(
                join_request=join_request, membership=membership
            )

        results = _at_once(approve, approve, withdraw)
        refused = [r for r in results if isinstance(r, teaching_services.TeachingError)]
        assert not [r for r in results if isinstance(r, Exception) and r not in refused]
        assert len(refused) == 2, results  # one of the three wins, the others are told why
        family = join_request.family
        approved = JoinRequest.objects.filter(pk=join_request.pk).exists()
        assert InstructorLink.objects.filter(family=family).count() == (1 if approved else 0)
        assert Consent.objects.filter(link__family=family).count() == (1 if approved else 0)


def test_a_request_withdrawn_meanwhile_is_409_not_500(as_instructor, parent, teaching_class):
    join_request = pending(parent, teaching_class)
    url = approve_url(join_request)
    join_request.delete()
    response = as_instructor.post(url)
    assert response.status_code == CONFLICT
    assert "the family withdrew it" in response.content.decode()
    assert not InstructorLink.objects.exists()


def test_a_request_to_a_class_archived_since_cannot_be_approved(
    as_instructor, parent, teaching_class
):
    join_request = pending(parent, teaching_class)
    teaching_services.class_archive(teaching_class=teaching_class)
    assert as_instructor.post(approve_url(join_request)).status_code == CONFLICT
    assert not InstructorLink.objects.exists()
    assert as_instructor.post(decline_url(join_request)).status_code == 302


def test_declining_keeps_the_request_and_the_family_sees_it(
    as_instructor, client, parent, teaching_class
):
    join_request = pending(parent, teaching_class)
    assert as_instructor.post(decline_url(join_request)).status_code == 302
    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.DECLINED
    assert not InstructorLink.objects.exists()
    client.force_login(parent.user)
    page = client.get(reverse("massage:family-detail", args=[parent.family_id])).content.decode()
    assert "Declined" in page
    assert not elements(page, "form", action=withdraw_url(join_request))


def test_another_instructor_cannot_see_or_answer_the_requests(client, parent, teaching_class):
    join_request = pending(parent, teaching_class)
    client.force_login(InstructorFactory())
    assert client.get(class_page(teaching_class)).status_code == 404
    assert client.post(approve_url(join_request)).status_code == 404
    assert client.post(decline_url(join_request)).status_code == 404
    assert (
        client.post(reverse("massage:teaching-class-code", args=[teaching_class.pk])).status_code
        == 404
    )
    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.PENDING


def test_a_parent_who_is_not_an_instructor_is_refused(client, parent, teaching_class):
    join_request = pending(parent, teaching_class)
    client.force_login(parent.user)
    assert client.post(approve_url(join_request)).status_code == 403
    assert not InstructorLink.objects.exists()


# The family's side -------------------------------------------------------------------------------


def withdraw_url(join_request):
    return reverse("massage:join-request-withdraw", args=[join_request.family_id, join_request.pk])


def test_the_family_page_says_it_waits_and_offers_to_withdraw(client, parent, teaching_class):
    join_request = pending(parent, teaching_class)
    client.force_login(parent.user)
    page = client.get(reverse("massage:family-detail", args=[parent.family_id])).content.decode()
    assert "Waiting for Ana's answer" in page
    assert elements(page, "form", action=withdraw_url(join_request))
    join_link = f"{reverse('massage:class-code-find')}?family={parent.family_id}"
    assert elements(page, "a", href=join_link)


def test_a_parent_without_instructors_finds_the_code_entry(client, parent):
    client.force_login(parent.user)
    page = client.get(reverse("massage:family-detail", args=[parent.family_id])).content.decode()
    assert "Join a class with a code" in page
    account = client.get(reverse("massage:account")).content.decode()
    assert "Join a class with a code" in account


def test_withdrawing_a_waiting_request(client, parent, teaching_class):
    join_request = pending(parent, teaching_class)
    client.force_login(parent.user)
    assert client.post(withdraw_url(join_request)).status_code == 302
    assert not JoinRequest.objects.exists()
    # It can be asked again afterwards.
    assert ask(client, parent, teaching_class).status_code == 302


def test_an_answered_request_cannot_be_withdrawn(as_instructor, client, parent, teaching_class):
    join_request = pending(parent, teaching_class)
    as_instructor.post(approve_url(join_request))
    client.force_login(parent.user)
    response = client.post(withdraw_url(join_request))
    assert response.status_code == CONFLICT
    assert "already answered" in response.content.decode()
    assert JoinRequest.objects.get().state == JoinRequest.State.APPROVED


def test_a_caregiver_sees_the_request_but_cannot_withdraw_it(client, parent, teaching_class):
    join_request = pending(parent, teaching_class)
    caregiver = MembershipFactory(family=parent.family, role="caregiver")
    client.force_login(caregiver.user)
    page = client.get(reverse("massage:family-detail", args=[parent.family_id])).content.decode()
    assert "Waiting for Ana's answer" in page
    assert not elements(page, "form", action=withdraw_url(join_request))
    assert client.post(withdraw_url(join_request)).status_code == 403
    assert JoinRequest.objects.exists()


def test_another_family_cannot_withdraw_it(client, parent, teaching_class):
    join_request = pending(parent, teaching_class)
    other = MembershipFactory()
    client.force_login(other.user)
    assert client.post(withdraw_url(join_request)).status_code == 404
    wrong_family = reverse("massage:join-request-withdraw", args=[other.family_id, join_request.pk])
    assert client.post(wrong_family).status_code == 404
    assert JoinRequest.objects.exists()


def test_the_whole_way_from_code_to_class(as_instructor, client, parent, teaching_class):
    """Ask with the code, approve, and the family is in the class, sharing what it chose."""
    assert ask(client, parent, teaching_class, scope=Scope.EVERYTHING).status_code == 302
    join_request = JoinRequest.objects.get()
    page = as_instructor.get(class_page(teaching_class)).content.decode()
    assert "The Rivers" in page
    assert as_instructor.post(approve_url(join_request)).status_code == 302
    family_page = client.get(reverse("massage:family-detail", args=[parent.family_id]))
    assert "Waiting for" not in family_page.content.decode()
    assert "Ana" in family_page.content.decode()
    assert InstructorLink.objects.with_scope().get().scope == Scope.EVERYTHING
