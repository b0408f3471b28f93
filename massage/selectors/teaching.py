"""Reads for the instructor's side: a family's instructors, an instructor's invitations, classes and
assignments, and what a family has been assigned.

Each read is scoped: an instructor's reads to their own rows, a family's to its own (404 otherwise).
"""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from massage import access
from massage.models import (
    Assignment,
    Baby,
    Consent,
    InstructorLink,
    JoinRequest,
    Routine,
    TeachingClass,
    TeachingInvitation,
)


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


def shared_links_of(instructor):
    """The instructor's links whose family currently shares something."""
    return (
        InstructorLink.objects.with_scope()
        .filter(instructor=instructor, scope__in=access.SHARED_SCOPES)
        .select_related("family")
        .prefetch_related(
            Prefetch("family__babies", queryset=Baby.objects.order_by("birth_date", "pk"))
        )
        .order_by("family__name", "pk")
    )


def classes_of(instructor, *, archived=False):
    return (
        TeachingClass.objects.filter(instructor=instructor, archived_at__isnull=not archived)
        .prefetch_related(
            Prefetch("links", queryset=InstructorLink.objects.select_related("family"))
        )
        .order_by("-starts_on", "name", "pk")
    )


def class_choices(instructor):
    """The instructor's running classes, names only (for a filter), newest first."""
    return (
        TeachingClass.objects.filter(instructor=instructor, archived_at__isnull=True)
        .order_by("-starts_on", "name", "pk")
        .only("pk", "name")
    )


def links_stopped_count(instructor, shared_count=None) -> int:
    """How many of the instructor's families share nothing with them any more: every link but
    those sharing something (`shared_count`, when the caller has counted them already)."""
    if shared_count is None:
        shared_count = access.taught_links(instructor).count()
    return InstructorLink.objects.filter(instructor=instructor).count() - shared_count


def class_of(instructor, class_id) -> TeachingClass:
    return get_object_or_404(TeachingClass.objects.filter(instructor=instructor), pk=class_id)


def routines_to_assign(instructor):
    """What an instructor may assign: the library, and their own published routines."""
    return Routine.objects.filter(published=True).filter(
        Q(author__isnull=True) | Q(author=instructor)
    )


def assignments_for(families, today, *, details=True) -> dict[int, list[Assignment]]:
    """The assignments running today for each family, from instructors it shares with, leaving
    out those it hid: family id → assignments. Four queries however many families (one for
    families no instructor sees). `details=False`: without their routine, instructor and baby,
    for a page that reads only the assignments' own fields (the instructor's flags)."""
    family_ids = [family.pk for family in families]
    shared = InstructorLink.objects.with_scope().filter(
        family__in=family_ids, scope__in=access.SHARED_SCOPES
    )
    shared_pairs = set(shared.values_list("instructor_id", "family_id"))
    found: dict[int, list[Assignment]] = {family_id: [] for family_id in family_ids}
    if not shared_pairs:
        return found  # no instructor sees these families: nothing can be assigned to them
    # Which of these families each running class holds: pairs, not whole classes' links.
    members: dict[int, list[int]] = {}
    for class_id, family_id in TeachingClass.links.through.objects.filter(
        instructorlink__family__in=family_ids, teachingclass__archived_at__isnull=True
    ).values_list("teachingclass_id", "instructorlink__family_id"):
        members.setdefault(class_id, []).append(family_id)
    running = (
        Assignment.objects.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(Q(family__in=family_ids) | Q(teaching_class__in=list(members)))
        .prefetch_related("hidden")
        .order_by("starts_on", "pk")
    )
    if details:
        running = running.select_related("routine", "instructor", "baby")
    for assignment in running:
        if assignment.family_id:
            targets = [assignment.family_id]
        else:
            targets = members.get(assignment.teaching_class_id, [])
        hidden = {row.family_id for row in assignment.hidden.all()}
        for family_id in targets:
            if (
                family_id in found
                and family_id not in hidden
                and (assignment.instructor_id, family_id) in shared_pairs
            ):
                found[family_id].append(assignment)
    return found


def assignment_for_family(family, assignment_id) -> Assignment:
    """An assignment the family sees on Today (its own, or its class's); 404 otherwise."""
    for assignment in assignments_for([family], timezone.localdate())[family.pk]:
        if assignment.pk == int(assignment_id):
            return assignment
    raise Http404


def assignments_of(instructor):
    return (
        Assignment.objects.filter(instructor=instructor)
        .select_related("routine", "teaching_class", "family", "baby")
        .order_by("-starts_on", "-pk")
    )


def assigned_routines(user, today=None) -> list[int]:
    """Ids of the routines assigned to the user's families and running today, from instructors
    the family shares with: these are visible and startable for the family (only for it).

    Two plain queries (one for a family no instructor sees) rather than one of nested
    subqueries: the library, the routine page and Today ask on every request, and building that
    query cost Django several times what running it cost the database."""
    today = today or timezone.localdate()
    shared = {
        link_id: (instructor_id, family_id)
        for link_id, instructor_id, family_id, scope in InstructorLink.objects.with_scope()
        .filter(family__in=access.readable_families(user))
        .values_list("pk", "instructor_id", "family_id", "scope")
        if scope in access.SHARED_SCOPES
    }
    if not shared:
        return []
    pairs = set(shared.values())
    running = (
        Assignment.objects.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(
            Q(family__in={family_id for _, family_id in pairs})
            | Q(teaching_class__archived_at__isnull=True, teaching_class__links__in=list(shared))
        )
        .values_list("routine_id", "instructor_id", "family_id")
    )
    # A family's own assignment counts when it shares with that instructor; a class's, through
    # the shared link that put the family in the class (matched by the query).
    found = {
        routine_id
        for routine_id, instructor_id, family_id in running
        if family_id is None or (instructor_id, family_id) in pairs
    }
    return sorted(found)


# Class codes and requests to join ----------------------------------------------------------------


def class_for_code(code: str) -> TeachingClass | None:
    """The class a code opens (archived or not: the page says which), with what a family sees of
    its instructor; None for a code no class has. Any logged-in person may look a code up."""
    if not code:
        return None
    return (
        TeachingClass.objects.select_related("instructor__instructor_profile")
        .filter(join_code=code)
        .first()
    )


def pending_requests_of_class(teaching_class) -> list[JoinRequest]:
    """The class's requests waiting for its instructor, each with its family's babies: three
    queries however many."""
    return list(
        JoinRequest.objects.filter(teaching_class=teaching_class, state=JoinRequest.State.PENDING)
        .select_related("family", "requested_by")
        .prefetch_related(
            Prefetch("family__babies", queryset=Baby.objects.order_by("birth_date", "pk"))
        )
        .order_by("created_at", "pk")
    )


def join_requests_of_family(family) -> list[JoinRequest]:
    """The family's requests to join a class that are waiting or were declined, newest first
    (an approved one shows as the instructor it links to)."""
    return list(
        JoinRequest.objects.filter(family=family)
        .exclude(state=JoinRequest.State.APPROVED)
        .select_related("teaching_class__instructor")
        .order_by("-created_at", "-pk")
    )


def join_request_in_family(family, request_id) -> JoinRequest:
    return get_object_or_404(JoinRequest.objects.filter(family=family), pk=request_id)


def shared_link_to(instructor, family_id) -> InstructorLink:
    """The instructor's link to a family that shares with them; 404 otherwise."""
    link = shared_links_of(instructor).filter(family_id=family_id).first()
    if link is None:
        raise Http404
    return link


def routines_to_adapt(instructor):
    """What an instructor may copy for one family: what they may assign, but not a copy made
    for a family already."""
    return routines_to_assign(instructor).filter(adapted_for__isnull=True).order_by("title", "pk")
