"""Writes that touch families, memberships and invitations."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massage import access
from massage.errors import AppError
from massage.mail import mail_or_log
from massage.models import Family, Invitation, Membership
from massage.services import library as library_services


class FamilyError(AppError):
    """A family change that can't be made; the message is shown to the user."""


def family_create(*, user, name: str) -> Family:
    with transaction.atomic():
        family = Family.objects.create(name=name)
        Membership.objects.create(user=user, family=family, role=Membership.Role.PARENT)
    return family


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *, family: Family, invited_by, email: str = "", role=Membership.Role.CAREGIVER
) -> tuple[Invitation, str]:
    """Make a single-use invitation; returns (invitation, token). The token is not stored."""
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        family=family,
        token_digest=token_digest(token),
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    return invitation, token


def invitation_email(*, invitation: Invitation, url: str) -> bool:
    """Email the link to the invited address; False when the mail server can't take it.

    The invitation stands either way: the parent sees the link and can share it themselves.
    """
    context = {"family": invitation.family, "inviter": invitation.invited_by, "url": url}
    return mail_or_log(
        subject=_("Join %(family)s on Gentle Hands") % {"family": invitation.family.name},
        template="massage/email/invitation.txt",
        context=context,
        to=invitation.email,
        about=f"Invitation {invitation.pk}",
    )


class InvitationError(FamilyError):
    pass


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link stands for, if it can still be used; else InvitationError."""
    invitation = (
        Invitation.objects.select_related("family", "invited_by")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid. Ask for a new one."))
    if invitation.accepted_at is not None:
        raise InvitationError(
            _(
                "This invitation link has already been used. Each link works once: "
                "ask for a new one."
            )
        )
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation was withdrawn. Ask for a new one."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation link has expired. Ask for a new one."))
    return invitation


def invitation_accept(*, token: str, user) -> Membership:
    with transaction.atomic():
        invitation = invitation_for_token(token)
        # Lock the row so the same link can't be used twice by two people at once.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationError(_("This invitation link has already been used."))
        if Membership.objects.filter(user=user, family_id=invitation.family_id).exists():
            raise InvitationError(_("You are already a member of this family."))
        try:
            membership = Membership.objects.create(
                user=user, family_id=invitation.family_id, role=invitation.role
            )
        except IntegrityError as error:
            raise InvitationError(_("You are already a member of this family.")) from error
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at"])
    return membership


def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def membership_remove(*, membership: Membership, by: Membership) -> None:
    """A parent removes a caregiver (never another parent, never themselves)."""
    if not access.may_change(by, access.MANAGE):
        raise FamilyError(_("Only a parent can remove someone from the family."))
    if membership.pk == by.pk:
        raise FamilyError(_("To leave the family yourself, use “Leave this family”."))
    if membership.is_parent:
        raise FamilyError(_("A parent can't be removed. They can leave the family themselves."))
    membership.delete()


def _is_only_parent(membership: Membership) -> bool:
    """Whether this member is the family's only parent. Call inside a transaction.

    The family row is locked first, so two parents leaving (or deleting their accounts) at once
    can't each leave the family to the other and orphan it: the second waits, then finds itself
    the only parent.
    """
    if not membership.is_parent:
        return False
    family = Family.objects.select_for_update().get(pk=membership.family_id)
    others = Membership.objects.filter(family=family, role=Membership.Role.PARENT)
    return not others.exclude(pk=membership.pk).exists()


def membership_leave(*, membership: Membership) -> None:
    """Anyone may leave, but a family is never left without a parent."""
    with transaction.atomic():
        if _is_only_parent(membership):
            raise FamilyError(
                _(
                    "You are this family's only parent, so you can't leave it. "
                    "Invite another parent first, or delete the family."
                )
            )
        membership.delete()


def family_delete(*, membership: Membership) -> None:
    """A parent deletes the family and everything about its babies."""
    if not access.may_change(membership, access.MANAGE):
        raise FamilyError(_("Only a parent can delete the family."))
    membership.family.delete()


def account_delete(*, user) -> list[str]:
    """Delete a user's account; returns the names of the families deleted with it.

    A family whose only parent this is goes too, with its babies and everything recorded about
    them (nobody would be left to look after it); in other families only the membership goes, and
    the massages and cues this user recorded stay, no longer naming them. An instructor's own
    routines and their files are deleted.
    """
    with transaction.atomic():
        deleted = []
        memberships = Membership.objects.filter(user=user).select_related("family")
        for membership in memberships.order_by("family_id"):
            if _is_only_parent(membership):
                deleted.append(membership.family.name)
                membership.family.delete()
        for routine in user.routines.all():
            library_services.routine_delete(routine=routine)
        user.delete()
    return deleted
