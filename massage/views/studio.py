"""Instructors' authoring: copy or start routines, edit their steps, preview and publish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from massage.decorators import accepts_uploads, wants_fragment
from massage.errors import CONFLICT, INVALID, MALFORMED, UNAVAILABLE
from massage.forms import RoutineForm, StudioStepForm
from massage.models import Step
from massage.selectors import library as library_selectors
from massage.services import library as library_services

__all__ = [
    "routine_create",
    "routine_delete",
    "routine_duplicate",
    "routine_edit",
    "routine_preview",
    "routine_publish",
    "routine_update",
    "step_create",
    "step_delete",
    "step_move",
    "step_update",
    "studio",
]


@login_required
@require_safe
def studio(request):
    routines = (
        library_selectors.authored_routines(request.user)
        .with_total_seconds()
        .order_by("-updated_at", "pk")
    )
    library_routines = library_selectors.library_routines()
    return render(
        request,
        "massage/routine_studio.html",
        {"routines": routines, "library_routines": library_routines},
    )


@login_required
@require_http_methods(["GET", "POST"])
def routine_create(request):
    library_selectors.authored_routines(request.user)  # instructors only
    form = RoutineForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            routine = library_services.routine_create(author=request.user, **form.cleaned_data)
            messages.success(request, _("Routine created. Now add its steps."))
            return redirect("massage:routine-edit", routine_id=routine.pk)
        return render(request, "massage/routine_form.html", {"form": form}, status=INVALID)
    return render(request, "massage/routine_form.html", {"form": form})


@login_required
@require_POST
def routine_duplicate(request, slug):
    library_selectors.authored_routines(request.user)  # instructors only
    source = library_selectors.visible_routine_with_steps(request.user, slug=slug)
    copy = library_services.routine_duplicate(routine=source, author=request.user)
    messages.success(
        request,
        _("This is your own copy of “%(title)s”. Adapt it, then publish.")
        % {"title": source.title},
    )
    return redirect("massage:routine-edit", routine_id=copy.pk)


@login_required
@require_safe
def routine_edit(request, routine_id):
    routine = library_selectors.routine_with_steps(
        library_selectors.authored_routines(request.user), pk=routine_id
    )
    return render(request, "massage/routine_edit.html", _edit_context(routine))


def _edit_context(routine):
    return {"routine": routine, "steps": list(routine.steps.all())}


@login_required
@require_http_methods(["GET", "POST"])
def routine_update(request, routine_id):
    routine = library_selectors.routine_with_steps(
        library_selectors.authored_routines(request.user), pk=routine_id
    )
    form = RoutineForm(request.POST or None, instance=routine)
    context = {"form": form, "routine": routine}
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect("massage:routine-edit", routine_id=routine.pk)
        return render(request, "massage/routine_form.html", context, status=INVALID)
    return render(request, "massage/routine_form.html", context)


@login_required
@require_POST
def routine_publish(request, routine_id):
    routine = library_selectors.routine_with_steps(
        library_selectors.authored_routines(request.user), pk=routine_id
    )
    if not routine.published and routine.step_count == 0:
        messages.error(request, _("Add at least one step before publishing."))
        return render(request, "massage/routine_edit.html", _edit_context(routine), status=CONFLICT)
    routine.published = not routine.published
    routine.save(update_fields=["published", "updated_at"])
    messages.success(
        request,
        _("Published: families you assign it to can follow it.")
        if routine.published
        else _("Back to draft: only you can see it."),
    )
    return redirect("massage:routine-edit", routine_id=routine.pk)


@login_required
@require_safe
def routine_preview(request, routine_id):
    routine = library_selectors.routine_with_steps(
        library_selectors.authored_routines(request.user), pk=routine_id
    )
    return render(
        request,
        "massage/routine_detail.html",
        {"routine": routine, "steps": routine.steps.all(), "preview": True, "age_notes": []},
    )


@login_required
@require_http_methods(["GET", "POST"])
def routine_delete(request, routine_id):
    routine = library_selectors.routine_with_steps(
        library_selectors.authored_routines(request.user), pk=routine_id
    )
    if request.method == "POST":
        library_services.routine_delete(routine=routine)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": routine.title})
        return redirect("massage:studio")
    return render(request, "massage/routine_confirm_delete.html", {"routine": routine})


@accepts_uploads
@login_required
@require_http_methods(["GET", "POST"])
def step_create(request, routine_id):
    routine = library_selectors.routine_with_steps(
        library_selectors.authored_routines(request.user), pk=routine_id
    )
    step = Step(routine=routine)
    return _step_form(request, routine, step)


@accepts_uploads
@login_required
@require_http_methods(["GET", "POST"])
def step_update(request, step_id):
    step = library_selectors.authored_step(request.user, step_id)
    return _step_form(request, step.routine, step)


def _step_form(request, routine, step):
    form = StudioStepForm(request.POST or None, request.FILES or None, instance=step)
    context = {"form": form, "routine": routine, "step": step}
    if request.method != "POST":
        return render(request, "massage/step_form.html", context)
    if not form.is_valid():
        return render(request, "massage/step_form.html", context, status=INVALID)
    try:
        library_services.step_save(step=form.save(commit=False), **form.file_changes())
    except OSError:  # the file storage failed (disk full, bucket down): nothing was saved
        form.add_error(
            None,
            _(
                "The photo or recording could not be stored just now. "
                "Nothing was changed: please try again."
            ),
        )
        return render(request, "massage/step_form.html", context, status=UNAVAILABLE)
    messages.success(request, _("Step saved."))
    return redirect("massage:routine-edit", routine_id=routine.pk)


@login_required
@require_http_methods(["GET", "POST"])
def step_delete(request, step_id):
    step = library_selectors.authored_step(request.user, step_id)
    if request.method == "POST":
        library_services.step_delete(step=step)
        messages.success(request, _("Step removed."))
        return redirect("massage:routine-edit", routine_id=step.routine_id)
    return render(request, "massage/step_confirm_delete.html", {"step": step})


@login_required
@require_POST
def step_move(request, step_id):
    step = library_selectors.authored_step(request.user, step_id)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if offset is None:
        messages.error(request, _("Choose to move the step up or down."))
        routine = library_selectors.routine_with_steps(
            library_selectors.authored_routines(request.user), pk=step.routine_id
        )
        return render(
            request, "massage/routine_edit.html", _edit_context(routine), status=MALFORMED
        )
    position = library_services.step_move(step=step, offset=offset)
    moved = _("“%(stroke)s” moved to position %(position)d.") % {
        "stroke": step.stroke,
        "position": position,
    }
    if wants_fragment(request):
        routine = library_selectors.routine_with_steps(
            library_selectors.authored_routines(request.user), pk=step.routine_id
        )
        context = {
            **_edit_context(routine),
            "moved": {"pk": step.pk, "direction": request.POST["direction"], "message": moved},
        }
        return render(request, "massage/routine_edit.html#steps", context)
    messages.success(request, moved)
    return redirect("massage:routine-edit", routine_id=step.routine_id)
