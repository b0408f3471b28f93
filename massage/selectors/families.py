"""Reads of family data, always scoped to the user asking.

Views never query families, babies or invitations directly: they call these, which answer 404 for
anything outside the user's own families, so a tampered id reveals nothing. Who may see or change
what is decided in `massage.access`; these only build on its rules.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from massage import access
from massage.models import Baby, Family, InstructorLink, Invitation, Membership
from massage.models.teaching import scope_options
from massage.selectors import teaching as teaching_selectors


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("family")


def account_memberships(user) -> list[Membership]:
    """The user's families, each marked with whether deleting the account would delete it too.

    A family goes with the account when the user is its only parent.
    """
    memberships = memberships_of(user).annotate(
        other_parents=Count(
            "family__memberships",
            filter=Q(family__memberships__role=Membership.Role.PARENT)
            & ~Q(family__memberships__user=user),
            distinct=True,
        ),
        family_babies=Count("family__babies", distinct=True),
    )
    memberships = list(memberships.order_by("family__name"))
    for membership in memberships:
        membership.goes_with_account = membership.is_parent and not membership.other_parents
    return memberships


def membership_in(user, family_id) -> Membership:
    """The user's membership of a family, or 404 when they are not in it."""
    return get_object_or_404(memberships_of(user), family_id=family_id)


def parent_membership_in(user, family_id) -> Membership:
    """Like membership_in, but only for a change of the family itself (its name, babies,
    invitations, members), which only parents may make: 403 for anyone else in it."""
    membership = membership_in(user, family_id)
    access.check_may_change(membership, access.MANAGE)
    return membership


def family_of(user, family_id) -> Family:
    """A family the user may read, or 404."""
    return get_object_or_404(access.readable_families(user), pk=family_id)


def babies_of(user) -> QuerySet[Baby]:
    return access.readable_babies(user).select_related("family")


def baby_of(user, baby_id) -> Baby:
    return get_object_or_404(babies_of(user), pk=baby_id)


def baby_to_change(user, baby_id, change) -> Baby:
    """A baby the user may read (else 404) in a family where they may make this kind of change
    (`access.RECORD` or `access.MANAGE`; else 403): one query."""
    baby = get_object_or_404(access.with_may_change(babies_of(user), user, change), pk=baby_id)
    access.check_row_may_change(baby, change)
    return baby


def families_for_today(user) -> list[Family]:
    """The user's families with their babies, in two queries whatever their number; each says
    whether it has an instructor (`has_instructor`), so Today asks for assignments only then."""
    return list(
        access.readable_families(user)
        .annotate(has_instructor=Exists(InstructorLink.objects.filter(family=OuterRef("pk"))))
        .prefetch_related(Prefetch("babies", queryset=Baby.objects.order_by("birth_date", "pk")))
        .order_by("name", "pk")
    )


def family_page(membership: Membership) -> dict:
    """Everything the family page shows, in a fixed number of queries."""
    family = membership.family
    return {
        "family": family,
        "membership": membership,
        "babies": list(family.babies.all()),
        "members": list(family.memberships.select_related("user").order_by("joined_at", "pk")),
        "pending_invitations": [
            invitation
            for invitation in family.invitations.filter(
                accepted_at__isnull=True, revoked_at__isnull=True
            ).select_related("invited_by")
            if invitation.is_pending
        ]
        if access.may_change(membership, access.MANAGE)
        else [],
        # Caregivers see who the family's instructors are; only parents change what they see.
        "instructor_links": teaching_selectors.links_of_family(family),
        "scope_options": scope_options(),
        # Its requests to join a class with a code: waiting, or declined.
        "join_requests": teaching_selectors.join_requests_of_family(family),
    }


def invitation_in(membership: Membership, invitation_id) -> Invitation:
    if not access.may_change(membership, access.MANAGE):
        raise Http404
    return get_object_or_404(membership.family.invitations, pk=invitation_id)


def member_in(membership: Membership, member_id) -> Membership:
    return get_object_or_404(membership.family.memberships.select_related("user"), pk=member_id)
