"""Reads of the routine library: what a user may see and follow, what fits a baby today, and an
instructor's own routines in the studio.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Abs
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from massage.models import Routine, Step
from massage.selectors import teaching as teaching_selectors


def routines_visible_to(user) -> QuerySet[Routine]:
    """The shared library for everyone; an instructor also sees their own routines, and a family
    the routines its instructors assigned to it."""
    visible = Q(author__isnull=True, published=True)
    if user.is_authenticated:
        visible |= Q(author=user)
        # What an instructor assigned to the user's families, for as long as it runs.
        visible |= Q(pk__in=teaching_selectors.assigned_routines(user), published=True)
    return Routine.objects.filter(visible)


def may_see(user, routine) -> bool:
    """`routines_visible_to`'s rule for one routine already read: the library's published ones,
    the user's own, and the published ones assigned to the user's families (read only for a
    routine that is neither the library's nor the user's). The two must say the same: see
    tests/massage/test_teaching_classes.py."""
    if routine.author_id is None:
        return routine.published
    if not user.is_authenticated:
        return False
    if routine.author_id == user.pk:
        return True
    return routine.published and routine.pk in teaching_selectors.assigned_routines(user)


def library_routines(*, max_minutes=None, focus=None) -> list[Routine]:
    routines = (
        Routine.objects.library()
        .with_total_seconds()
        .prefetch_related("focus")
        .order_by("min_age_months", "title", "pk")
    )
    if max_minutes:
        routines = routines.filter(total_seconds__lte=max_minutes * 60)
    if focus:
        routines = routines.filter(focus__slug=focus)
    return list(routines)


def routines_instead(user, *, months, without_areas, instead_of, limit=2) -> list[Routine]:
    """Routines that fit a baby of `months` and have no step on `without_areas`, those closest
    in length to `instead_of` first."""
    fitting = Q()
    if months is not None:
        fitting = Q(min_age_months__lte=months, max_age_months__gte=months)
    return list(
        routines_visible_to(user)
        .filter(fitting, pk__in=Step.objects.values("routine"))
        .exclude(pk=instead_of.pk)
        .exclude(pk__in=Step.objects.filter(body_area__in=without_areas).values("routine"))
        .with_total_seconds()
        .annotate(gap=Abs(F("total_seconds") - instead_of.total_seconds))
        .order_by("gap", "title", "pk")[:limit]
    )


def visible_routine_with_steps(user, **lookup) -> Routine:
    """routine_with_steps(routines_visible_to(user), **lookup), with the same 404, but the rule
    is checked on the routine found (`may_see`), so a library routine or the user's own costs no
    read of assignments."""
    routine = routine_with_steps(Routine.objects.all(), **lookup)
    if not may_see(user, routine):
        raise Http404
    return routine


def routine_with_steps(queryset: QuerySet[Routine], **lookup) -> Routine:
    """One routine with its steps and focus tags, in three queries however many steps it has."""
    return get_object_or_404(
        queryset.with_total_seconds().prefetch_related(
            "focus", Prefetch("steps", queryset=Step.objects.order_by("order"))
        ),
        **lookup,
    )


def authored_routines(user) -> QuerySet[Routine]:
    """An instructor's own routines; other instructors' and the library's are not here (404)."""
    if not getattr(user, "is_instructor", False):
        raise PermissionDenied(_("Only instructors can author routines."))
    return Routine.objects.filter(author=user)


def authored_step(user, step_id) -> Step:
    return get_object_or_404(
        Step.objects.select_related("routine").filter(routine__in=authored_routines(user)),
        pk=step_id,
    )


def routines_assigned_to(user, shown=()) -> list[Routine]:
    """The routines the user's families were assigned and may follow now, for the top of the
    library (the routines, once each, however many assignments name them), in title order.

    `shown`: routines the page has read already, with their length and focus tags (the
    library's); an assigned one among them is taken from there rather than read again.
    """
    if not user.is_authenticated:
        return []
    ids = teaching_selectors.assigned_routines(user)
    found = {routine.pk: routine for routine in shown if routine.pk in ids and routine.published}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        found |= {
            routine.pk: routine
            for routine in Routine.objects.filter(pk__in=missing, published=True)
            .with_total_seconds()
            .prefetch_related("focus")
        }
    return sorted(found.values(), key=lambda routine: (routine.title, routine.pk))
