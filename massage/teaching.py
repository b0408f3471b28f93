"""Writes and reads for the instructor's side: profiles, inviting a family, the family's consent.

A family links to an instructor only by a parent accepting an invitation, choosing then what the
instructor may see; any parent may narrow, widen or stop it later, each change a new Consent row.
What an instructor may read follows from the latest row (see `massage.access.taught_families`).
"""

import logging
import secrets
import smtplib
from datetime import timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from massage import access
from massage.models import (
    Consent,
    InstructorLink,
    InstructorProfile,
    Membership,
    Scope,
    TeachingInvitation,
    User,
)
from massage.services import FamilyError, token_digest

logger = logging.getLogger(__name__)

TEACHING_INVITATION_DAYS = 14


class TeachingError(FamilyError):
    """A change on the instructor's side that can't be made; the message says why."""


# Profiles --------------------------------------------------------------------------------------


def profile_save(*, user: User, practice_name: str, credential: str, bio: str) -> InstructorProfile:
    """Open or update the user's instructor profile; the user becomes an instructor (a parent
    may be one too). A changed credential needs checking again."""
    with transaction.atomic():
        profile, _created = InstructorProfile.objects.select_for_update().get_or_create(user=user)
        if profile.credential != credential:
            profile.credential_verified = False
        profile.practice_name = practice_name
        profile.credential = credential
        profile.bio = bio
        profile.save()
        if not user.is_instructor:
            user.is_instructor = True
            user.save(update_fields=["is_instructor"])
    return profile


# Inviting a family -----------------------------------------------------------------------------


def invitation_send(*, instructor: User, email: str, url_for) -> tuple[TeachingInvitation, bool]:
    """Make an invitation for `email` and mail its link (`url_for(token)` gives the address).

    Returns the invitation and whether the mail went out; the invitation stands either way.
    """
    if not instructor.is_instructor:
        raise TeachingError(_("Only instructors can invite families."))
    token = secrets.token_urlsafe(24)
    invitation = TeachingInvitation.objects.create(
        instructor=instructor,
        email=email.lower(),
        token_digest=token_digest(token),
        expires_at=timezone.now() + timedelta(days=TEACHING_INVITATION_DAYS),
    )
    return invitation, _mail(invitation, url_for(token))


def invitation_resend(*, invitation: TeachingInvitation, url_for) -> bool:
    """A new link for a pending invitation (the old one stops working), mailed again."""
    with transaction.atomic():
        invitation = TeachingInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise TeachingError(_("This invitation was already used or withdrawn."))
        token = secrets.token_urlsafe(24)
        invitation.token_digest = token_digest(token)
        invitation.expires_at = timezone.now() + timedelta(days=TEACHING_INVITATION_DAYS)
        invitation.save(update_fields=["token_digest", "expires_at"])
    return _mail(invitation, url_for(token))


def invitation_revoke(*, invitation: TeachingInvitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def _mail(invitation: TeachingInvitation, url: str) -> bool:
    instructor = invitation.instructor
    context = {"instructor": instructor, "url": url, "days": TEACHING_INVITATION_DAYS}
    try:
        send_mail(
            subject=_("%(name)s invites you to their baby massage class on Gentle Hands")
            % {"name": instructor.get_full_name()},
            message=render_to_string("massage/email/teaching_invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except (smtplib.SMTPException, OSError):
        logger.warning("Teaching invitation %s: not mailed", invitation.pk, exc_info=True)
        return False
    return True


def invitation_for_token(token: str) -> TeachingInvitation:
    """The invitation a link stands for while it can still be used; else TeachingError."""
    invitation = (
        TeachingInvitation.objects.select_related("instructor__instructor_profile")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if invitation is None:
        raise TeachingError(
            _("This invitation link is not valid. Ask your instructor for a new one.")
        )
    if invitation.accepted_at is not None:
        raise TeachingError(_("This invitation link has already been used."))
    if invitation.revoked_at is not None:
        raise TeachingError(_("Your instructor withdrew this invitation."))
    if invitation.expires_at <= timezone.now():
        raise TeachingError(
            _("This invitation link has expired. Ask your instructor for a new one.")
        )
    return invitation


def invitation_accept(*, token: str, membership: Membership, scope: str) -> InstructorLink:
    """A parent links their family to the instructor, sharing `scope`."""
    access.check_may_change(membership, access.MANAGE)
    if scope not in access.SHARED_SCOPES:
        raise TeachingError(_("Choose what your instructor may see."))
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = TeachingInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise TeachingError(_("This invitation link has already been used."))
        if invitation.instructor_id == membership.user_id:
            raise TeachingError(_("This is your own invitation: send it to a family."))
        try:
            with transaction.atomic():
                link = InstructorLink.objects.create(
                    instructor=invitation.instructor, family=membership.family
                )
        except IntegrityError as error:
            raise TeachingError(
                _("%(name)s already teaches this family. Change what they see on its page.")
                % {"name": invitation.instructor.get_full_name()}
            ) from error
        Consent.objects.create(link=link, scope=scope, changed_by=membership.user)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = membership.user
        invitation.link = link
        invitation.save(update_fields=["accepted_at", "accepted_by", "link"])
    return link


# The family's consent -------------------------------------------------------------------------


def consent_change(*, link: InstructorLink, membership: Membership, scope: str) -> Consent:
    """A parent widens, narrows or stops what the instructor sees, from the next request on."""
    access.check_may_change(membership, access.MANAGE)
    if membership.family_id != link.family_id:
        raise TeachingError(_("That instructor does not teach this family."))
    if scope not in {str(s) for s in Scope}:
        raise TeachingError(_("Choose what your instructor may see."))
    with transaction.atomic():
        InstructorLink.objects.select_for_update().get(pk=link.pk)
        current = Consent.objects.filter(link=link).order_by("-changed_at", "-pk").first()
        if current is not None and current.scope == scope:
            return current
        return Consent.objects.create(link=link, scope=scope, changed_by=membership.user)


# Reads -----------------------------------------------------------------------------------------


def links_of_family(family) -> list[InstructorLink]:
    """The family's instructors with their current scope and consent history: three queries."""
    return list(
        InstructorLink.objects.filter(family=family)
        .with_scope()
        .select_related("instructor__instructor_profile")
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("changed_by").order_by("-changed_at"),
            )
        )
        .order_by("created_at", "pk")
    )


def link_in_family(family, link_id) -> InstructorLink:
    return get_object_or_404(InstructorLink.objects.filter(family=family), pk=link_id)


def invitations_of(instructor) -> list[TeachingInvitation]:
    return list(
        TeachingInvitation.objects.filter(instructor=instructor, accepted_at__isnull=True)
        .filter(revoked_at__isnull=True)
        .order_by("-created_at", "-pk")
    )


def invitation_of(instructor, invitation_id) -> TeachingInvitation:
    return get_object_or_404(
        TeachingInvitation.objects.filter(instructor=instructor), pk=invitation_id
    )
