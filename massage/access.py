"""Who may see and who may change a family's data: the one place that decides.

Selectors build every query for family data from these rules, and views ask them before a change
that only some members may make; nothing else filters family data by who is asking.

Two rules:

- **read**: see a family, its babies, their massages and cues. Today that is the family's members,
  whatever their role. Instructors will read the families they teach once a parent consents: that
  is one more entry in `_read_paths`, and nothing else has to change.
- **change**, by what is changed and the member's role (`ROLES_THAT_MAY`):
  `RECORD` (start and run a massage, log its cues, write notes) is every member's;
  `MANAGE` (the family's name, its babies, invitations and members, deleting it) only parents'.
  A reader who is not a member (an instructor, later) changes nothing.

Each rule is a query of family ids used through `pk__in` / `family__in`, never a join on the
memberships: however many ways a user comes to a family, each family, baby or massage is one row.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from massage.models import Baby, Family, InstructorLink, Membership, Scope
from massage.models.teaching import scopes_at_least

# What a member may change, and which roles may change it.
RECORD = "record"
MANAGE = "manage"
ROLES_THAT_MAY = {
    RECORD: frozenset({Membership.Role.PARENT, Membership.Role.CAREGIVER}),
    MANAGE: frozenset({Membership.Role.PARENT}),
}
# What a member is told when their role may not make the change.
REFUSALS = {
    RECORD: _("Only the family's members can do this."),
    MANAGE: _("Only the family's parents can do this."),
}


def _member_family_ids(user) -> QuerySet:
    return Membership.objects.filter(user=user).values("family")


def _read_paths(user) -> list[QuerySet]:
    """Every way a user comes to read a family's data, each a query of family ids.

    Today only membership. An instructor's link to a family with a parent's current consent will
    be a second entry here (the families it names), read by the same selectors.
    """
    return [_member_family_ids(user)]


def readable_families(user) -> QuerySet[Family]:
    """The families whose babies, massages and cues the user may see."""
    if not user.is_authenticated:
        return Family.objects.none()
    may_read = Q()
    for family_ids in _read_paths(user):
        may_read |= Q(pk__in=family_ids)
    return Family.objects.filter(may_read)


# What a parent may choose to share with an instructor (REVOKED shares nothing).
SHARED_SCOPES = frozenset(str(scope) for scope in (Scope.PRACTICE, Scope.CUES, Scope.EVERYTHING))


def taught_links(user, scope=Scope.PRACTICE) -> QuerySet[InstructorLink]:
    """The instructor `user`'s links to families whose parents' latest consent shares at least
    `scope`, each with that `scope` annotated. Read on every request, so a narrowed consent
    counts at once."""
    if not user.is_authenticated or not getattr(user, "is_instructor", False):
        return InstructorLink.objects.none()
    return InstructorLink.objects.with_scope().filter(
        instructor=user, scope__in=scopes_at_least(scope)
    )


def taught_families(user, scope=Scope.PRACTICE) -> QuerySet[Family]:
    """The families of `taught_links`.

    The instructor's own pages read through these two. The family's own pages stay members only
    until each is taught which scope it needs.
    """
    return Family.objects.filter(pk__in=taught_links(user, scope).values("family"))


def check_instructor(user):
    """The user, if an instructor; else PermissionDenied (403) saying how to become one."""
    if not getattr(user, "is_instructor", False):
        raise PermissionDenied(_("This page is for instructors. Open an instructor profile first."))
    return user


def readable_babies(user) -> QuerySet[Baby]:
    return Baby.objects.filter(family__in=readable_families(user))


def changeable_families(user, change: str) -> QuerySet[Family]:
    """The families in which the user may make a change of this kind (RECORD or MANAGE)."""
    if not user.is_authenticated:
        return Family.objects.none()
    roles = ROLES_THAT_MAY[change]
    return Family.objects.filter(
        pk__in=Membership.objects.filter(user=user, role__in=roles).values("family")
    )


def may_change(membership: Membership, change: str) -> bool:
    """Whether this member's role allows a change of this kind in their family."""
    return membership.role in ROLES_THAT_MAY[change]


def check_may_change(membership: Membership, change: str) -> None:
    """PermissionDenied (403, with the reason) unless the member's role allows the change."""
    if not may_change(membership, change):
        raise PermissionDenied(REFUSALS[change])


def with_may_change(queryset: QuerySet, user, change: str, *, family="family") -> QuerySet:
    """The rows with `may_change`: whether the user may make this kind of change in each row's
    family (`family` names the row's family field). Costs no query of its own."""
    families = changeable_families(user, change).filter(pk=OuterRef(family))
    return queryset.annotate(may_change=Exists(families))


def check_row_may_change(row, change: str) -> None:
    """PermissionDenied (403, with the reason) for a row of `with_may_change` the user may not
    change."""
    if not row.may_change:
        raise PermissionDenied(REFUSALS[change])
