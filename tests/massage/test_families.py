import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from massage.models import Family, Invitation, Membership
from massage.services import families as family_services
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.queued_tasks import run_queued_tasks


def invite(client, family, **data):
    response = client.post(
        reverse("massage:invitation-create", args=[family.pk]),
        {"role": "caregiver", "email": "", **data},
    )
    assert response.status_code == 201
    return response.context["link"]


def test_new_parent_creates_a_family_and_is_its_parent(client, user_without_family):
    client.force_login(user_without_family)
    response = client.post(reverse("massage:family-create"), {"name": "The Okafors"})
    family = Family.objects.get(name="The Okafors")
    assert response.status_code == 302
    assert response.url == reverse("massage:baby-create", args=[family.pk])
    assert family.memberships.get().role == "parent"
    page = client.get(response.url).text
    assert "Family created: The Okafors. Now add your baby." in page
    assert "Welcome, The Okafors" not in page


def test_family_needs_a_name(client, user_without_family):
    client.force_login(user_without_family)
    response = client.post(reverse("massage:family-create"), {"name": "  "})
    assert response.status_code == 422
    assert "This field is required" in response.text
    assert not Family.objects.exists()


def test_today_without_a_family_invites_to_create_one(client, user_without_family):
    client.force_login(user_without_family)
    response = client.get(reverse("today"))
    assert "Create your family" in response.text


def test_invitation_link_lets_a_caregiver_join_once(client, parent, family):
    client.force_login(parent)
    link = invite(client, family, email="nan@example.com")
    assert len(mail.outbox) == 1
    assert link in mail.outbox[0].body
    path = link.removeprefix("http://testserver")

    nan = UserFactory(email="nan@example.com")
    client.force_login(nan)
    assert "Join" in client.get(path).text
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.get(user=nan, family=family).role == "caregiver"

    # Used links are dead, for everyone.
    other = UserFactory()
    client.force_login(other)
    response = client.post(path)
    assert response.status_code == 410
    assert "already been used" in response.text
    assert not Membership.objects.filter(user=other).exists()


class UnreachableMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


class RefusedConnection(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.mark.parametrize("backend", [UnreachableMailServer, RefusedConnection])
def test_invitation_survives_a_mail_server_failure(client, parent, family, backend):
    client.force_login(parent)
    mailers = {"default": {"BACKEND": f"{__name__}.{backend.__name__}"}}
    with override_settings(MAILERS=mailers):
        response = client.post(
            reverse("massage:invitation-create", args=[family.pk]),
            {"role": "caregiver", "email": "nan@example.com"},
        )
    assert response.status_code == 201
    assert "send the email to nan@example.com just now" in response.text
    assert "We emailed" not in response.text
    invitation = Invitation.objects.get()
    assert invitation.email == "nan@example.com"
    # The link shown still works.
    nan = UserFactory(email="nan@example.com")
    client.force_login(nan)
    path = response.context["link"].removeprefix("http://testserver")
    assert client.post(path).status_code == 302
    assert Membership.objects.filter(user=nan, family=family).exists()


def test_invitation_email_sent_says_so(client, parent, family):
    client.force_login(parent)
    response = client.post(
        reverse("massage:invitation-create", args=[family.pk]),
        {"role": "caregiver", "email": "nan@example.com"},
    )
    assert "We emailed the link to nan@example.com" in response.text
    assert "couldn" not in response.text


def test_invitation_for_another_address_warns_but_still_lets_the_link_holder_join(
    client, parent, family
):
    client.force_login(parent)
    path = invite(client, family, email="nan@example.com").removeprefix("http://testserver")
    grandma = UserFactory(email="rose.home@example.com")
    client.force_login(grandma)
    page = client.get(path).text
    assert "This invitation was sent to nan@example.com" in page
    assert "logged in as rose.home@example.com" in page
    assert "Log in with another account" in page
    assert client.post(path).status_code == 302
    assert Membership.objects.filter(user=grandma, family=family).exists()


@pytest.mark.parametrize("invited", ["", "Nan@Example.com"])
def test_no_warning_for_a_link_only_invitation_or_the_same_address(client, parent, family, invited):
    client.force_login(parent)
    path = invite(client, family, email=invited).removeprefix("http://testserver")
    client.force_login(UserFactory(email="nan@example.com"))
    page = client.get(path).text
    assert "Join" in page
    assert "This invitation was sent to" not in page


def test_invitation_can_make_a_second_parent(client, parent, family):
    client.force_login(parent)
    link = invite(client, family, role="parent")
    partner = UserFactory()
    client.force_login(partner)
    client.post(link.removeprefix("http://testserver"))
    assert Membership.objects.get(user=partner, family=family).role == "parent"


def test_only_a_digest_of_the_token_is_stored(client, parent, family):
    client.force_login(parent)
    link = invite(client, family)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_digest
    assert invitation.token_digest == family_services.token_digest(token)


def test_expired_invitation_is_refused(client, parent, family):
    client.force_login(parent)
    path = invite(client, family).removeprefix("http://testserver")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    joiner = UserFactory()
    client.force_login(joiner)
    response = client.post(path)
    assert response.status_code == 410
    assert "expired" in response.text
    assert not Membership.objects.filter(user=joiner).exists()


def test_withdrawn_and_unknown_invitations_are_refused(client, parent, family):
    client.force_login(parent)
    path = invite(client, family).removeprefix("http://testserver")
    invitation = Invitation.objects.get()
    response = client.post(
        reverse("massage:invitation-revoke", args=[family.pk, invitation.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Invitation withdrawn" in response.text
    assert "<html" not in response.text  # only the region, for htmx
    assert client.get(path).status_code == 410
    assert client.get("/invitations/not-a-real-token/").status_code == 410


def open_invitation_logged_out(client, parent, family, **data):
    """The parent makes a link; a visitor, logged out, opens it and sees the welcome page."""
    client.force_login(parent)
    path = invite(client, family, **data).removeprefix("http://testserver")
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "Join " + family.name in page.text
    return path


def sign_up(client, email="grandpa@example.com"):
    """Sign up, then confirm the address with the mail's link in the same browser: the answer
    to that confirmation (it logs in, and so joins the invitation's family)."""
    cache.clear()  # allauth mails an address once in three minutes: earlier tests' sign-ups
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"name": "Grandpa Joe", "email": email, "password1": "rolling-hills-42"},
        )
    assert response.url == reverse("account_email_verification_sent")
    run_queued_tasks()
    [body] = [m.body for m in mail.outbox if m.to == [email] and "/confirm-email/" in m.body]
    return client.post(re.search(r"http://testserver(/accounts/confirm-email/\S+/)", body)[1])


def test_an_opened_invitation_joins_whoever_signs_up_from_the_header(client, parent, family):
    open_invitation_logged_out(client, parent, family)
    # The header's "Sign up", with nothing in the address to say where from.
    signup_page = client.get(reverse("account_signup")).text
    assert f"you join {family.name} right after" in signup_page

    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("today")
    membership = family.memberships.get(user__email="grandpa@example.com")
    assert membership.role == "caregiver"
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == membership.user
    page = client.get(response.url).text
    assert f"You have joined {family.name}." in page
    assert "Create your family" not in page


def test_an_opened_invitation_joins_whoever_logs_in_from_the_header(client, parent, family):
    nan = UserFactory(email="nan@example.com")
    open_invitation_logged_out(client, parent, family, role="parent")
    assert f"Log in to join {family.name}." in client.get(reverse("account_login")).text

    response = client.post(reverse("account_login"), {"login": nan.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("today")
    assert Membership.objects.get(user=nan, family=family).role == "parent"
    assert f"You have joined {family.name}." in client.get(response.url).text


def test_the_invitations_own_buttons_also_join_after_signing_up(client, parent, family):
    path = open_invitation_logged_out(client, parent, family)
    page = client.get(path).text
    assert f'href="{reverse("account_signup")}"' in page
    response = sign_up(client)
    assert response.url == reverse("today")
    assert family.memberships.filter(user__email="grandpa@example.com").exists()
    # Used, the link is forgotten: the next log-in in this browser joins nothing more.
    client.logout()
    other = UserFactory()
    client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})
    assert not Membership.objects.filter(user=other).exists()


def test_declining_forgets_the_invitation_and_keeps_the_link_usable(client, parent, family):
    path = open_invitation_logged_out(client, parent, family)

    response = client.post(reverse("massage:invitation-decline", args=[path.split("/")[2]]))

    assert response.status_code == 302
    assert "You haven&#x27;t joined" in client.get(response.url).text
    response = sign_up(client)
    assert response.url == reverse("massage:family-create")
    assert not family.memberships.filter(user__email="grandpa@example.com").exists()
    assert Invitation.objects.get().is_pending
    assert client.get(path).status_code == 200


def test_an_invitation_that_expired_meanwhile_is_explained_after_signing_up(client, parent, family):
    open_invitation_logged_out(client, parent, family)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == reverse("massage:family-create")
    assert "This invitation link has expired" in client.get(response.url).text
    assert not family.memberships.filter(user__email="grandpa@example.com").exists()


def test_a_member_logging_in_after_opening_their_own_familys_link_is_told(client, parent, family):
    open_invitation_logged_out(client, parent, family)
    response = client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "already a member" in client.get(response.url).text
    assert Invitation.objects.get().accepted_at is None


def test_a_logged_in_member_may_decline_an_invitation(client, parent, family):
    client.force_login(parent)
    path = invite(client, family).removeprefix("http://testserver")
    joiner = UserFactory()
    client.force_login(joiner)
    assert "No, thanks" in client.get(path).text
    response = client.post(reverse("massage:invitation-decline", args=[path.split("/")[2]]))
    assert response.url == reverse("today")
    assert not Membership.objects.filter(user=joiner).exists()


def test_member_already_in_family_cannot_use_an_invitation(client, parent, family):
    client.force_login(parent)
    path = invite(client, family).removeprefix("http://testserver")
    response = client.post(path)
    assert response.status_code == 409
    assert "already a member" in response.text
    assert Invitation.objects.get().accepted_at is None


def test_parent_removes_a_caregiver_with_htmx(client, parent, family, caregiver):
    client.force_login(parent)
    member = Membership.objects.get(user=caregiver)
    response = client.post(
        reverse("massage:member-remove", args=[family.pk, member.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="members"' in response.text
    assert caregiver.email not in response.text
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_a_parent_cannot_be_removed_by_another_parent(client, parent, family):
    other_parent = MembershipFactory(family=family, role="parent")
    client.force_login(parent)
    response = client.post(reverse("massage:member-remove", args=[family.pk, other_parent.pk]))
    assert response.status_code == 409
    assert Membership.objects.filter(pk=other_parent.pk).exists()


def test_caregiver_can_leave_but_cannot_remove_others(client, parent, family, caregiver):
    client.force_login(caregiver)
    parent_membership = Membership.objects.get(user=parent)
    response = client.post(reverse("massage:member-remove", args=[family.pk, parent_membership.pk]))
    assert response.status_code == 403
    response = client.post(reverse("massage:family-leave", args=[family.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=caregiver).exists()


def test_only_parent_cannot_leave(client, parent, family):
    client.force_login(parent)
    response = client.post(reverse("massage:family-leave", args=[family.pk]))
    assert response.status_code == 409
    assert "only parent" in response.text
    assert Membership.objects.filter(user=parent).exists()


def test_family_delete_needs_the_exact_name(client, parent, family):
    client.force_login(parent)
    url = reverse("massage:family-delete", args=[family.pk])
    assert client.post(url, {"confirm_name": "nope"}).status_code == 422
    assert Family.objects.filter(pk=family.pk).exists()
    assert client.post(url, {"confirm_name": family.name}).status_code == 302
    assert not Family.objects.filter(pk=family.pk).exists()


@pytest.mark.django_db
def test_invitation_accept_twice_in_the_service_is_refused():
    parent = MembershipFactory().user
    family = parent.families.get()
    _, token = family_services.invitation_create(family=family, invited_by=parent)
    first, second = UserFactory(), UserFactory()
    family_services.invitation_accept(token=token, user=first)
    with pytest.raises(family_services.InvitationError):
        family_services.invitation_accept(token=token, user=second)
    assert family.memberships.count() == 2


def test_theme_choice_is_remembered_without_javascript(client):
    response = client.post(reverse("massage:theme-set"), {"theme": "dark", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["theme"].value == "dark"
    assert 'data-theme="dark"' in client.get("/").text
    # An outside "next" is not followed.
    response = client.post(
        reverse("massage:theme-set"), {"theme": "light", "next": "https://evil.example/"}
    )
    assert response.url == reverse("today")
