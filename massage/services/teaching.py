"""Writes for the instructor's side: profiles, inviting a family, the family's consent, classes and
assignments.

A family links to an instructor only by a parent accepting an invitation, choosing then what the
instructor may see; any parent may narrow, widen or stop it later, each change a new Consent row.
What an instructor may read follows from the latest row (see `massage.access.taught_families`).
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massage import access
from massage.errors import Code
from massage.mail import mail_or_log
from massage.models import (
    Assignment,
    Consent,
    HiddenAssignment,
    InstructorLink,
    InstructorProfile,
    JoinRequest,
    Membership,
    Routine,
    Scope,
    TeachingClass,
    TeachingInvitation,
    User,
)
from massage.models.teaching import MAX_TIMES_PER_WEEK
from massage.selectors import teaching as teaching_selectors
from massage.services import library as library_services
from massage.services.families import FamilyError, token_digest

TEACHING_INVITATION_DAYS = 14


class TeachingError(FamilyError):
    """A change on the instructor's side that can't be made; the message says why."""


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
    return mail_or_log(
        subject=_("%(name)s invites you to their baby massage class on Gentle Hands")
        % {"name": instructor.get_full_name()},
        template="massage/email/teaching_invitation.txt",
        context=context,
        to=invitation.email,
        about=f"Teaching invitation {invitation.pk}",
    )


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


def class_create(*, instructor: User, name: str, starts_on, meets_on: int) -> TeachingClass:
    """A new class, with a code families can ask to join it with."""
    if not instructor.is_instructor:
        raise TeachingError(_("Only instructors can run classes."))
    with transaction.atomic():
        teaching_class = TeachingClass.objects.create(
            instructor=instructor, name=name, starts_on=starts_on, meets_on=meets_on
        )
        class_code_new(teaching_class=teaching_class)
    return teaching_class


def class_set_families(*, teaching_class: TeachingClass, links) -> None:
    """The class's families are these links (each the class's instructor's, and shared)."""
    allowed = set(
        teaching_selectors.shared_links_of(teaching_class.instructor).values_list("pk", flat=True)
    )
    chosen = {link.pk for link in links}
    if chosen - allowed:
        raise TeachingError(
            _("Only families you teach, and that share with you, can join a class.")
        )
    teaching_class.links.set(chosen)


def class_archive(*, teaching_class: TeachingClass) -> None:
    """The course is over; its families stay linked until they or the instructor unlink."""
    if teaching_class.archived_at is None:
        teaching_class.archived_at = timezone.now()
        teaching_class.save(update_fields=["archived_at"])


def assignment_create(
    *,
    instructor: User,
    routine: Routine,
    teaching_class: TeachingClass | None = None,
    family=None,
    baby=None,
    note: str = "",
    times_per_week: int,
    starts_on,
    ends_on=None,
    suggested_weekdays: int = 0,
    suggested_time=None,
) -> Assignment:
    """`suggested_weekdays` (bits, Monday = 1 << 0) and `suggested_time` go together: reminder
    times the families may use; none is turned on by this."""
    if (teaching_class is None) == (family is None):
        raise TeachingError(_("Assign the routine to a class or to one family."))
    if not teaching_selectors.routines_to_assign(instructor).filter(pk=routine.pk).exists():
        raise TeachingError(
            _("Only library routines and your own published routines can be assigned.")
        )
    if teaching_class is not None and (
        teaching_class.instructor_id != instructor.pk or teaching_class.archived_at is not None
    ):
        raise TeachingError(_("That class is not one of your running classes."))
    if (
        family is not None
        and not teaching_selectors.shared_links_of(instructor).filter(family=family).exists()
    ):
        raise TeachingError(_("That family doesn't share with you."))
    if baby is not None and (family is None or baby.family_id != family.pk):
        raise TeachingError(_("That baby is not in the family you chose."))
    if routine.adapted_for_id is not None and (
        family is None or family.pk != routine.adapted_for_id
    ):
        raise TeachingError(
            _("This copy was adapted for %(family)s: assign it to that family only.")
            % {"family": routine.adapted_for.name}
        )
    if not 1 <= times_per_week <= MAX_TIMES_PER_WEEK:
        raise TeachingError(
            _("Between 1 and %(most)d times a week, please.") % {"most": MAX_TIMES_PER_WEEK}
        )
    if ends_on is not None and ends_on < starts_on:
        raise TeachingError(_("The end date is before the start date."))
    if not 0 <= suggested_weekdays <= 0b111_1111 or bool(suggested_weekdays) != (
        suggested_time is not None
    ):
        raise TeachingError(_("Suggest reminder days and a time together, or neither."))
    return Assignment.objects.create(
        instructor=instructor,
        routine=routine,
        teaching_class=teaching_class,
        family=family,
        baby=baby,
        note=note,
        times_per_week=times_per_week,
        starts_on=starts_on,
        ends_on=ends_on,
        suggested_weekdays=suggested_weekdays,
        suggested_time=suggested_time,
    )


@transaction.atomic
def routine_adapt(*, instructor: User, routine: Routine, family) -> Routine:
    """A copy of a routine the instructor may assign, for one family they teach: steps shortened
    or left out in the studio, the original untouched. Unpublished until the instructor
    publishes it; then it can be assigned to that family only."""
    if not teaching_selectors.routines_to_assign(instructor).filter(pk=routine.pk).exists():
        raise TeachingError(
            _("Only library routines and your own published routines can be adapted.")
        )
    if routine.adapted_for_id is not None:
        raise TeachingError(_("This routine is already a family's copy: adapt the original."))
    if not teaching_selectors.shared_links_of(instructor).filter(family=family).exists():
        raise TeachingError(_("That family doesn't share with you."))
    copy = library_services.routine_duplicate(routine=routine, author=instructor)
    copy.adapted_for = family
    copy.title = (_("%(title)s, for %(family)s") % {"title": routine.title, "family": family.name})[
        : Routine._meta.get_field("title").max_length
    ]
    copy.save(update_fields=["adapted_for", "title"])
    return copy


def assignment_hide(*, assignment: Assignment, membership: Membership) -> None:
    """A family member hides an assignment from the family's Today."""
    HiddenAssignment.objects.get_or_create(assignment=assignment, family_id=membership.family_id)


# Class codes and requests to join ----------------------------------------------------------------

# Letters and digits that can't be mistaken for one another when read aloud or copied from a
# whiteboard: no 0 and O, no 1 and I.
CLASS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CLASS_CODE_LENGTH = 8
_CODE_ATTEMPTS = 8


class ClassEnded(TeachingError):
    """The class is archived: its code takes no new families."""

    code = Code.GONE


class AlreadyAsked(TeachingError):
    """The family's request to join this class is already waiting for the instructor."""


class AlreadyTaught(TeachingError):
    """The family already shares with the class's instructor: what it shares is changed on the
    family's page, and the instructor can add it to the class."""


def _random_class_code() -> str:
    return "".join(secrets.choice(CLASS_CODE_ALPHABET) for _ in range(CLASS_CODE_LENGTH))


def normalize_class_code(text: str) -> str:
    """A code as typed (any case, spaces or dashes between its parts) as it is stored."""
    return "".join(ch for ch in text.upper() if ch not in " -\t\u00a0")


def class_code_new(*, teaching_class: TeachingClass) -> str:
    """Give the class a new code (its first, or instead of the old one, which stops working)."""
    if teaching_class.archived_at is not None:
        raise ClassEnded(_("This class is archived: it takes no new families."))
    for _attempt in range(_CODE_ATTEMPTS):
        code = _random_class_code()
        try:
            with transaction.atomic():
                TeachingClass.objects.filter(pk=teaching_class.pk).update(join_code=code)
        except IntegrityError:  # another class has it: draw again
            continue
        teaching_class.join_code = code
        return code
    raise TeachingError(_("No new code could be made just now. Please try again."))


def join_request_create(
    *, teaching_class: TeachingClass, membership: Membership, scope: str, message: str, url_for
) -> tuple[JoinRequest, bool]:
    """A parent asks, for their family, to join the class, offering to share `scope`.

    `url_for(teaching_class)` gives the address of the class's page, for the instructor's mail.
    Returns the request and whether the instructor's mail went out (the request stands either
    way).
    """
    access.check_may_change(membership, access.MANAGE)
    if scope not in access.SHARED_SCOPES:
        raise TeachingError(_("Choose what your instructor may see."))
    family = membership.family
    instructor = teaching_class.instructor
    with transaction.atomic():
        teaching_class = TeachingClass.objects.select_for_update().get(pk=teaching_class.pk)
        teaching_class.instructor = instructor
        if teaching_class.archived_at is not None:
            raise ClassEnded(_("This class has ended: it takes no new families."))
        if teaching_class.instructor_id == membership.user_id:
            raise TeachingError(_("This is your own class: give its code to the families."))
        refusal = join_refusal(teaching_class, family)
        if refusal is not None:
            raise refusal
        try:
            with transaction.atomic():
                join_request = JoinRequest.objects.create(
                    teaching_class=teaching_class,
                    family=family,
                    requested_by=membership.user,
                    scope=scope,
                    message=message,
                )
        except IntegrityError as error:  # the same request, sent twice at once
            raise AlreadyAsked(_already_asked(instructor)) from error
    return join_request, _mail_join_request(join_request, url_for(teaching_class))


def join_refusal(teaching_class: TeachingClass, family) -> TeachingError | None:
    """Why this family can't ask to join the class now (it asked already, or it already shares
    with the instructor), or None if it can."""
    instructor = teaching_class.instructor
    name = instructor.get_full_name()
    if JoinRequest.objects.filter(
        teaching_class=teaching_class, family=family, state=JoinRequest.State.PENDING
    ).exists():
        return AlreadyAsked(_already_asked(instructor))
    link = (
        InstructorLink.objects.with_scope()
        .filter(instructor=instructor, family=family, scope__in=access.SHARED_SCOPES)
        .first()
    )
    if link is None:
        return None
    if teaching_class.links.filter(pk=link.pk).exists():
        return AlreadyTaught(
            _("%(family)s is already in this class. What %(name)s sees is on your family's page.")
            % {"family": family.name, "name": name}
        )
    return AlreadyTaught(
        _(
            "%(family)s already shares with %(name)s (%(scope)s), who can add you to this class. "
            "To change what %(name)s sees, go to your family's page."
        )
        % {"family": family.name, "name": name, "scope": Scope(link.scope).label.lower()}
    )


def _already_asked(instructor) -> str:
    return _("You already asked to join: waiting for %(name)s's answer.") % {
        "name": instructor.get_full_name()
    }


def _mail_join_request(join_request: JoinRequest, url: str) -> bool:
    teaching_class = join_request.teaching_class
    instructor = teaching_class.instructor
    context = {"join_request": join_request, "teaching_class": teaching_class, "url": url}
    return mail_or_log(
        subject=_("%(family)s asks to join %(name)s")
        % {"family": join_request.family.name, "name": teaching_class.name},
        template="massage/email/join_request.txt",
        context=context,
        to=instructor.email,
        about=f"Join request {join_request.pk}",
    )


def _pending_join_request(teaching_class: TeachingClass, request_id) -> JoinRequest:
    """The class's request, locked, if it still waits for an answer; else TeachingError (409)."""
    join_request = (
        JoinRequest.objects.select_for_update()
        .filter(teaching_class=teaching_class, pk=request_id)
        .first()
    )
    if join_request is None:
        raise TeachingError(_("This request is no longer there: the family withdrew it."))
    if join_request.state == JoinRequest.State.APPROVED:
        raise TeachingError(
            _("You already approved this request: %(family)s is in the class.")
            % {"family": join_request.family.name}
        )
    if join_request.state == JoinRequest.State.DECLINED:
        raise TeachingError(_("You already declined this request."))
    return join_request


def join_request_approve(*, teaching_class: TeachingClass, request_id) -> JoinRequest:
    """The instructor says yes: the family links to them (or its link is used again) with the
    consent it offered, and joins the class; all of it or nothing.

    If the family already shares with the instructor by then (it accepted an invitation after
    asking), its latest choice stands: approving never widens or narrows what a family chose.
    """
    with transaction.atomic():
        teaching_class = TeachingClass.objects.select_for_update().get(pk=teaching_class.pk)
        join_request = _pending_join_request(teaching_class, request_id)
        if teaching_class.archived_at is not None:
            raise TeachingError(_("This class is archived: it takes no new families."))
        link, _created = InstructorLink.objects.get_or_create(
            instructor_id=teaching_class.instructor_id, family_id=join_request.family_id
        )
        current = (
            Consent.objects.filter(link=link).order_by("-changed_at", "-pk").values("scope").first()
        )
        if current is None or current["scope"] not in access.SHARED_SCOPES:
            Consent.objects.create(
                link=link, scope=join_request.scope, changed_by_id=join_request.requested_by_id
            )
        teaching_class.links.add(link)
        join_request.state = JoinRequest.State.APPROVED
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["state", "decided_at"])
    return join_request


def join_request_decline(*, teaching_class: TeachingClass, request_id) -> JoinRequest:
    """The instructor says no; the request is kept, as declined, and the family sees it."""
    with transaction.atomic():
        join_request = _pending_join_request(teaching_class, request_id)
        join_request.state = JoinRequest.State.DECLINED
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["state", "decided_at"])
    return join_request


def join_request_withdraw(*, join_request: JoinRequest, membership: Membership) -> None:
    """A parent takes back the family's request while it waits; an answered one stays."""
    access.check_may_change(membership, access.MANAGE)
    if join_request.family_id != membership.family_id:
        raise TeachingError(_("That request is not your family's."))
    deleted, _rows = JoinRequest.objects.filter(
        pk=join_request.pk, state=JoinRequest.State.PENDING
    ).delete()
    if not deleted:
        raise TeachingError(_("The instructor has already answered this request."))
