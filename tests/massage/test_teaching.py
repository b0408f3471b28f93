"""The instructor's side: profiles, inviting a family, the family's consent and what it shows."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from massage import access
from massage.models import Consent, InstructorLink, Scope, TeachingInvitation
from massage.services import teaching as teaching_services
from tests.factories import BabyFactory, InstructorFactory, MembershipFactory
from tests.markup import attribute, elements

INVALID = 422


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def parent(db):
    return MembershipFactory()  # a parent's membership


@pytest.fixture
def as_instructor(client, instructor):
    client.force_login(instructor)
    return client


def sent_token(outbox_message):
    match = re.search(r"/classes/join/([^/\s]+)/", outbox_message.body)
    assert match, outbox_message.body
    return match.group(1)


def invite(as_instructor, email="family@example.com"):
    response = as_instructor.post(reverse("massage:teaching-invitations"), {"email": email})
    assert response.status_code == 302, response.content
    return sent_token(mail.outbox[-1])


def join(client, membership, token, scope=Scope.PRACTICE):
    client.force_login(membership.user)
    return client.post(
        reverse("massage:class-join", args=[token]),
        {"family": membership.family_id, "scope": scope},
    )


# Profiles ----------------------------------------------------------------------------------------


def test_a_parent_can_open_an_instructor_profile_and_becomes_an_instructor(client, parent):
    client.force_login(parent.user)
    response = client.post(
        reverse("massage:instructor-profile"),
        {"practice_name": "Calm Hands", "credential": "CIMI", "bio": "Ten years of classes."},
    )
    assert response.status_code == 302
    parent.user.refresh_from_db()
    assert parent.user.is_instructor
    profile = parent.user.instructor_profile
    assert (profile.practice_name, profile.credential, profile.credential_verified) == (
        "Calm Hands",
        "CIMI",
        False,
    )
    # Still a parent of their own family.
    assert client.get(reverse("massage:family-detail", args=[parent.family_id])).status_code == 200


def test_a_changed_credential_needs_checking_again(instructor):
    profile = teaching_services.profile_save(
        user=instructor, practice_name="", credential="CIMI", bio=""
    )
    profile.credential_verified = True
    profile.save()
    same = teaching_services.profile_save(
        user=instructor, practice_name="New", credential="CIMI", bio=""
    )
    assert same.credential_verified
    changed = teaching_services.profile_save(
        user=instructor, practice_name="", credential="CEIM", bio=""
    )
    assert not changed.credential_verified


def test_a_too_long_bio_is_refused(client, parent):
    client.force_login(parent.user)
    response = client.post(reverse("massage:instructor-profile"), {"bio": "x" * 100_000})
    assert response.status_code == INVALID
    parent.user.refresh_from_db()
    assert not parent.user.is_instructor


# Invitations -------------------------------------------------------------------------------------


def test_an_invitation_is_mailed_and_its_link_shows_the_instructor(
    as_instructor, instructor, client, parent
):
    teaching_services.profile_save(
        user=instructor, practice_name="Calm Hands", credential="CIMI", bio="Hi"
    )
    token = invite(as_instructor)
    assert mail.outbox[-1].to == ["family@example.com"]
    client.force_login(parent.user)
    page = client.get(reverse("massage:class-join", args=[token]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Calm Hands" in text and "CIMI" in text and "Not checked by Gentle Hands" in text
    for label in ("Practice only", "Practice and cues", "Everything, notes included"):
        assert label in text


def test_a_parent_joins_choosing_what_to_share(as_instructor, instructor, client, parent):
    token = invite(as_instructor)
    response = join(client, parent, token, Scope.CUES)
    assert response.status_code == 302
    link = InstructorLink.objects.with_scope().get(instructor=instructor, family=parent.family)
    assert link.scope == Scope.CUES
    assert Consent.objects.get(link=link).changed_by == parent.user
    assert list(access.taught_families(instructor)) == [parent.family]
    # The link works once.
    again = join(client, MembershipFactory(), token)
    assert again.status_code == 410


def test_resend_makes_a_new_link_and_the_old_one_stops_working(as_instructor, client, parent):
    old = invite(as_instructor)
    invitation = TeachingInvitation.objects.get()
    response = as_instructor.post(
        reverse("massage:teaching-invitation-resend", args=[invitation.pk])
    )
    assert response.status_code == 302
    new = sent_token(mail.outbox[-1])
    assert new != old
    assert join(client, parent, old).status_code == 410
    assert join(client, parent, new).status_code == 302


def test_a_withdrawn_invitation_cannot_be_used(as_instructor, client, parent):
    token = invite(as_instructor)
    invitation = TeachingInvitation.objects.get()
    as_instructor.post(reverse("massage:teaching-invitation-revoke", args=[invitation.pk]))
    response = join(client, parent, token)
    assert response.status_code == 410
    assert "withdrew" in response.content.decode()
    assert not InstructorLink.objects.exists()


@pytest.mark.parametrize(
    "data, status",
    [
        ({"scope": "all_of_it"}, INVALID),
        ({"scope": Scope.REVOKED}, INVALID),  # joining to share nothing makes no sense
        ({}, INVALID),
    ],
)
def test_joining_without_a_valid_choice_is_refused(as_instructor, client, parent, data, status):
    token = invite(as_instructor)
    client.force_login(parent.user)
    response = client.post(
        reverse("massage:class-join", args=[token]), {"family": parent.family_id, **data}
    )
    assert response.status_code == status
    assert not InstructorLink.objects.exists()


def test_a_caregiver_cannot_join_a_class_for_the_family(as_instructor, client, parent):
    token = invite(as_instructor)
    caregiver = MembershipFactory(family=parent.family, role="caregiver")
    client.force_login(caregiver.user)
    page = client.get(reverse("massage:class-join", args=[token]))
    assert "Only a family's parent can join a class" in page.content.decode()
    response = client.post(
        reverse("massage:class-join", args=[token]),
        {"family": parent.family_id, "scope": Scope.PRACTICE},
    )
    assert response.status_code == 403  # as joining with a class code: only parents act
    assert "parents can do this." in response.content.decode()
    assert not InstructorLink.objects.exists()


def test_another_familys_id_is_refused(as_instructor, client, parent):
    token = invite(as_instructor)
    other = MembershipFactory()
    client.force_login(parent.user)
    response = client.post(
        reverse("massage:class-join", args=[token]),
        {"family": other.family_id, "scope": "practice"},
    )
    assert response.status_code == INVALID
    assert not InstructorLink.objects.exists()


def test_a_parent_cannot_invite_families(client, parent):
    client.force_login(parent.user)
    response = client.post(reverse("massage:teaching-invitations"), {"email": "x@example.com"})
    assert response.status_code == 403
    assert not TeachingInvitation.objects.exists()


def test_a_bad_email_is_refused(as_instructor):
    response = as_instructor.post(reverse("massage:teaching-invitations"), {"email": "not-mail"})
    assert response.status_code == INVALID
    assert not TeachingInvitation.objects.exists()


def test_another_instructors_invitation_is_404(as_instructor, client):
    other = InstructorFactory()
    invitation, _mailed = teaching_services.invitation_send(
        instructor=other, email="a@example.com", url_for=lambda token: token
    )
    for name in ("teaching-invitation-resend", "teaching-invitation-revoke"):
        response = as_instructor.post(reverse(f"massage:{name}", args=[invitation.pk]))
        assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# Consent -----------------------------------------------------------------------------------------


@pytest.fixture
def linked(as_instructor, instructor, client, parent):
    token = invite(as_instructor)
    join(client, parent, token, Scope.CUES)
    return InstructorLink.objects.get(instructor=instructor, family=parent.family)


def consent_url(link):
    return reverse("massage:consent-change", args=[link.family_id, link.pk])


def test_the_family_page_shows_its_instructors_and_what_they_see(client, parent, linked):
    client.force_login(parent.user)
    text = client.get(reverse("massage:family-detail", args=[parent.family_id])).content.decode()
    assert "Your instructors" in text
    (chosen,) = elements(text, "input", type="radio", name="scope", checked=None)
    assert attribute(chosen, "value") == "practice_and_cues"
    assert "Changes so far" in text


def test_any_parent_narrows_or_stops_sharing_and_it_counts_at_once(
    client, parent, linked, instructor
):
    partner = MembershipFactory(family=parent.family, role="parent")
    client.force_login(partner.user)
    response = client.post(consent_url(linked), {"scope": Scope.PRACTICE})
    assert response.status_code == 302
    assert list(access.taught_families(instructor, Scope.CUES)) == []
    assert list(access.taught_families(instructor, Scope.PRACTICE)) == [parent.family]

    client.post(consent_url(linked), {"scope": Scope.REVOKED})
    assert list(access.taught_families(instructor)) == []
    history = list(linked.consents.order_by("changed_at", "pk").values_list("scope", "changed_by"))
    assert history == [
        (Scope.CUES, parent.user.pk),
        (Scope.PRACTICE, partner.user.pk),
        (Scope.REVOKED, partner.user.pk),
    ]
    # The link stays: the family sees what it shared and can share again.
    assert InstructorLink.objects.filter(pk=linked.pk).exists()


def test_a_caregiver_sees_the_instructors_but_cannot_change_consent(client, parent, linked):
    caregiver = MembershipFactory(family=parent.family, role="caregiver")
    client.force_login(caregiver.user)
    text = client.get(reverse("massage:family-detail", args=[parent.family_id])).content.decode()
    assert "Only the family's parents can change this." in text
    response = client.post(consent_url(linked), {"scope": Scope.EVERYTHING})
    assert response.status_code == 403
    assert linked.consents.count() == 1


def test_a_bad_scope_is_refused_and_changes_nothing(client, parent, linked):
    client.force_login(parent.user)
    response = client.post(consent_url(linked), {"scope": "the_lot"})
    assert response.status_code == INVALID
    assert linked.consents.count() == 1


def test_another_family_cannot_touch_the_link(client, linked):
    outsider = MembershipFactory()
    client.force_login(outsider.user)
    assert client.post(consent_url(linked), {"scope": Scope.REVOKED}).status_code == 404
    # Nor through its own family's address.
    url = reverse("massage:consent-change", args=[outsider.family_id, linked.pk])
    assert client.post(url, {"scope": Scope.REVOKED}).status_code == 404
    assert linked.consents.count() == 1


def test_taught_families_never_repeats_a_family(instructor, parent):
    link = InstructorLink.objects.create(instructor=instructor, family=parent.family)
    for scope in (Scope.PRACTICE, Scope.CUES, Scope.EVERYTHING):
        Consent.objects.create(link=link, scope=scope, changed_by=parent.user)
    BabyFactory.create_batch(3, family=parent.family)
    assert list(access.taught_families(instructor)) == [parent.family]
    assert list(access.taught_families(parent.user)) == []  # not an instructor


def test_the_familys_json_export_holds_its_consent_history(client, parent, linked, instructor):
    client.force_login(parent.user)
    client.post(consent_url(linked), {"scope": Scope.REVOKED})
    response = client.get(reverse("cues:export-json", args=[parent.family_id]))
    exported = response.json()["instructors"]
    assert len(exported) == 1
    assert exported[0]["instructor"] == str(instructor)
    assert exported[0]["shares"] == "revoked"
    assert [c["scope"] for c in exported[0]["consent"]] == ["practice_and_cues", "revoked"]
    assert exported[0]["consent"][0]["changed_by"] == str(parent.user)


def test_staff_check_a_credential_in_the_admin_and_families_see_it(
    admin_client, instructor, as_instructor, client, parent
):
    profile = teaching_services.profile_save(
        user=instructor, practice_name="", credential="CIMI", bio=""
    )
    changelist = reverse("admin:massage_instructorprofile_changelist")
    assert admin_client.get(changelist).status_code == 200
    response = admin_client.post(
        reverse("admin:massage_instructorprofile_change", args=[profile.pk]),
        {"practice_name": "", "credential": "CIMI", "bio": "", "credential_verified": "on"},
    )
    assert response.status_code == 302
    token = invite(as_instructor)
    client.force_login(parent.user)
    assert "Credential checked" in client.get(reverse("massage:class-join", args=[token])).text
