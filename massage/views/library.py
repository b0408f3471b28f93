"""The routine library as parents see it: the list, a routine's steps and its printable sheet."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from massage.decorators import wants_fragment
from massage.errors import MALFORMED
from massage.forms import LibraryFilterForm
from massage.selectors import families as family_selectors
from massage.selectors import library as library_selectors

__all__ = ["routine_detail", "routine_list", "routine_print"]


@require_safe
def routine_list(request):
    babies = list(family_selectors.babies_of(request.user)) if request.user.is_authenticated else []
    form = LibraryFilterForm(request.GET, babies=babies)
    if not form.is_valid():
        context = {"form": form, "suitable": [], "others": [], "baby": None, "age": None}
        return _render_list(request, context, status=MALFORMED)
    baby = form.chosen_baby()
    age = baby.age_in_months() if baby else form.cleaned_data.get("age")
    routines = library_selectors.library_routines(
        max_minutes=form.cleaned_data["minutes"], focus=form.cleaned_data["focus"]
    )
    suitable = [r for r in routines if r.fits_age(age)]
    others = [r for r in routines if not r.fits_age(age)]
    context = {"form": form, "suitable": suitable, "others": others, "baby": baby, "age": age}
    if not wants_fragment(request):  # the filters swap the results only; this stays above them
        context["assigned"] = library_selectors.routines_assigned_to(request.user, routines)
    return _render_list(request, context)


def _render_list(request, context, status=200):
    template = "massage/routine_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context, status=status)


@require_safe
def routine_detail(request, slug):
    routine = library_selectors.visible_routine_with_steps(request.user, slug=slug)
    babies = list(family_selectors.babies_of(request.user)) if request.user.is_authenticated else []
    chosen = _chosen_baby(request.GET.get("baby"), babies)
    if chosen:
        # Reached from this baby's "Choose a routine": offer to start with them first.
        babies = [chosen] + [baby for baby in babies if baby != chosen]
    return render(
        request,
        "massage/routine_detail.html",
        {
            "routine": routine,
            "steps": routine.steps.all(),
            "babies": babies,
            "chosen_baby": chosen,
            "age_notes": _age_notes(routine, babies),
            "keep_starts": _keep_starts(routine, babies),
        },
    )


def _keep_starts(routine, babies):
    """What "Keep on this phone" keeps for each baby (static/js/keep.js): the start page and
    the player of a massage started with no network, and the words its link has offline."""
    return [
        {
            "name": baby.name,
            "label": _("%(routine)s with %(name)s") % {"routine": routine.title, "name": baby.name},
            "start": reverse("sessions:session-start", args=[baby.pk, routine.slug]),
            "player": reverse("sessions:session-offline-player", args=[baby.pk, routine.slug]),
        }
        for baby in babies
    ]


def _chosen_baby(value, babies):
    """The user's baby named in the query (?baby=<pk>), if it is one of theirs; else None."""
    return next((baby for baby in babies if str(baby.pk) == value), None)


@require_safe
def routine_print(request, slug):
    routine = library_selectors.visible_routine_with_steps(request.user, slug=slug)
    return render(
        request, "massage/routine_print.html", {"routine": routine, "steps": routine.steps.all()}
    )


def _age_notes(routine, babies):
    """A gentle word for each baby the routine was not made for."""
    today = timezone.localdate()
    return [
        {"baby": baby, "months": baby.age_in_months(today)}
        for baby in babies
        if not routine.fits_age(baby.age_in_months(today))
    ]
