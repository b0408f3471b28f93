from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from massage import access
from massage.content import language_in_sentence, page_language
from massage.decorators import login_required_or_401
from massage.errors import CONFLICT, GONE, INVALID, MALFORMED
from massage.fragments import fragments_version, step_fragments
from massage.middleware import time_zone_from
from massage.selectors import families as family_selectors
from massage.selectors import library as library_selectors
from sessions import selectors, services
from sessions.forms import FinishForm, NoteForm, ProgressForm, ReminderForm, StepMoveForm
from sessions.models import (
    MAX_EXTRA_SECONDS,
    MAX_STEP_VISIT_SECONDS,
    STEP_TIME_FACTOR,
    STEP_TIME_MARGIN,
    Outcome,
    weekdays_in_words,
    weekdays_of,
)
from sessions.readiness import (
    ASK_A_CLINICIAN,
    INSTEAD_WHEN_UNWELL,
    ReadinessForm,
    calm_answers,
    initial_answers,
    judge,
)


@login_required
@require_http_methods(["GET", "POST"])
def session_start(request, baby_id, slug):
    baby = family_selectors.baby_to_change(request.user, baby_id, access.RECORD)
    routine = library_selectors.visible_routine_with_steps(request.user, slug=slug)
    services.sessions_close_stale(baby=baby)
    running = selectors.running_session_for(baby)
    steps = list(routine.steps.all())
    areas = [step.body_area for step in steps]
    today = timezone.localdate()
    if request.method == "POST":
        form = ReadinessForm(request.POST, areas=areas)
    else:
        remembered = selectors.last_readiness(baby)
        form = ReadinessForm(initial=initial_answers(request.GET, remembered), areas=areas)
    context = {
        "baby": baby,
        "routine": routine,
        "form": form,
        "running": running,
        "verdict": None,
        "ask_a_clinician": ASK_A_CLINICIAN,
        "first_time": not selectors.family_has_done(routine, baby.family),
        "calm_answers": calm_answers(steps=steps, baby=baby, routine=routine, today=today),
    }
    if running:
        return render(
            request,
            "sessions/session_start.html",
            context,
            status=CONFLICT if request.method == "POST" else 200,
        )
    if request.method != "POST":
        context["verdict"] = judge({}, steps=steps, baby=baby, routine=routine, today=today)
        context["remembered"] = [name for name in form.REMEMBERED if name in form.initial]
        return render(request, "sessions/session_start.html", context)
    if not form.is_valid():
        return render(request, "sessions/session_start.html", context, status=INVALID)
    answers = form.answers()
    verdict = judge(answers, steps=steps, baby=baby, routine=routine, today=today)
    context["verdict"] = verdict
    if not verdict.may_start(form.cleaned_data["go_ahead"]):
        return _render_verdict(request, context, answers, steps)
    try:
        session = services.session_start(
            baby=baby,
            routine=routine,
            user=request.user,
            answers=answers,
            excluded_step_ids=verdict.excluded_step_ids,
        )
    except services.SessionAlreadyRunning as error:
        context["running"] = error.running
        return render(request, "sessions/session_start.html", context, status=error.status)
    except services.SessionError as error:  # every step left out, and "start" sent anyway
        messages.error(request, str(error))
        return _render_verdict(request, context, answers, steps)
    for reason in verdict.left_out:
        messages.info(request, reason)
    return redirect("sessions:session-player", session_id=session.pk)


def _render_verdict(request, context, answers, steps):
    """What the answers mean, before anything starts: a hard stop, advice the parent may go
    past, and the steps left out with how long the routine is without them."""
    verdict, routine, baby = context["verdict"], context["routine"], context["baby"]
    kept = [step for step in steps if step.pk not in set(verdict.excluded_step_ids)]
    kept_seconds = sum(step.duration_seconds for step in kept)
    context |= {
        "confirming": True,
        "answers": answers,
        "change_query": urlencode(answers, doseq=True),
        "instead_when_unwell": INSTEAD_WHEN_UNWELL if verdict.stop else [],
        "kept_seconds": kept_seconds,
        "nothing_left": not kept,
        "alternatives": [],
    }
    # Most of the routine gone (a tummy routine shrinking to a minute): offer one that fits.
    if verdict.excluded_step_ids and not verdict.stop and kept_seconds * 2 < routine.total_seconds:
        context["alternatives"] = library_selectors.routines_instead(
            request.user,
            months=baby.age_in_months(timezone.localdate()),
            without_areas=verdict.excluded_areas,
            instead_of=routine,
        )
    # Refused: starting what can't start (a hard stop sent with "start" anyway, nothing left).
    refused = not kept or (verdict.stop and context["form"].cleaned_data.get("go_ahead"))
    status = CONFLICT if refused else 200
    return render(request, "sessions/session_start.html", context, status=status)


@login_required
@require_safe
def session_player(request, session_id):
    session = selectors.session_to_record(request.user, session_id)
    services.session_close_if_stale(session)
    if not session.is_running:
        return redirect("sessions:session-summary", session_id=session.pk)
    steps = selectors.session_steps(session)
    if not steps:
        session.finish(outcome=Outcome.INTERRUPTED, reason=_("The routine was removed"))
        return redirect("sessions:session-summary", session_id=session.pk)
    return _render_player(request, session, steps)


@login_required
@require_safe
def session_offline_player(request, baby_id, slug):
    """The player for a massage started on the phone with no network. The phone keeps this page
    (the worker, static/js/keep.js) while it can fetch it; opened from the start page offline,
    its scripts give the massage the phone's own id and send it later through /sync/. Nothing is
    stored by opening it."""
    baby = family_selectors.baby_to_change(request.user, baby_id, access.RECORD)
    routine = library_selectors.visible_routine_with_steps(request.user, slug=slug)
    steps = list(routine.steps.all())
    if not steps:
        raise Http404(_("This routine has no steps yet."))
    session = services.session_unsaved(baby=baby, routine=routine, user=request.user)
    return _render_player(request, session, steps, visits={}, offline_start=True)


def _render_player(
    request, session, steps, *, error=None, status=200, visits=None, offline_start=False
):
    if visits is None:
        visits = selectors.visits_by_step(session)
    current = selectors.resume_step(session, steps, visits)
    index = steps.index(current)
    return render(
        request,
        "sessions/session_player.html",
        {
            "session": session,
            "steps": steps,
            "step_sections": _step_sections(steps, current),
            "figures_url": _figures_url(session, steps),
            "current": current,
            "position": index + 1,
            "next_step": steps[index + 1] if index + 1 < len(steps) else None,
            "player_data": _player_data(session, steps, current, visits),
            "error": error,
            "offline_start": offline_start,
        },
        status=status,
    )


PLAYER_STEP = "sessions/partials/player_step.html"
PLAYER_FIGURE = "sessions/partials/player_figure.html"
FIGURE_SLOT = "<!--figure-->"  # where player_step.html takes its picture
FIGURES_MAX_AGE = 365 * 24 * 3600


def _step_sections(steps, current):
    """Every step's section, the current one shown. What is in a section depends only on the
    step and the language, so it is drawn once and then comes from the cache.

    Only the current step's picture is in the page (and photos, whose addresses expire): it is
    all the page shows without JavaScript, where each step is a page of its own. With it, the
    player fetches the others from routine_figures, which the browser keeps."""
    texts = step_fragments(steps, PLAYER_STEP)
    inline = [step for step in steps if step.pk == current.pk or step.has_photo]
    drawn = step_fragments(inline, PLAYER_FIGURE)
    figures = {step.pk: figure for step, figure in zip(inline, drawn, strict=True)}
    return mark_safe(
        "".join(
            f'<section class="player-step" data-step-id="{step.pk:d}" '
            f'aria-labelledby="step-title-{step.pk:d}"{"" if step.pk == current.pk else " hidden"}>'
            f"{html.replace(FIGURE_SLOT, figures.get(step.pk, ''), 1)}</section>"
            for step, html in zip(steps, texts, strict=True)
        )
    )


def _figures_url(session, steps):
    every_step = selectors.routine_steps(session, played=steps)
    version = fragments_version(every_step, PLAYER_FIGURE)
    return reverse("sessions:routine-figures", args=[session.routine_id, version])


@require_safe
def routine_figures(request, routine_id, version):
    """The pictures of a routine's steps, for the player to fetch once. They change only with
    the routine and the code, which the address's version stands for, so the browser keeps
    them for a year; an old version is sent on to the current one. Nothing of a family is in
    it; a routine of the shared library is public, any other one only its viewers'."""
    routine = selectors.routine_to_draw(request.user, routine_id)
    steps = [step for step in routine.steps.order_by("order") if not step.has_photo]
    current = fragments_version(steps, PLAYER_FIGURE)
    if version != current:
        return redirect("sessions:routine-figures", routine_id=routine.pk, version=current)
    figures = step_fragments(steps, PLAYER_FIGURE)
    response = HttpResponse(
        "".join(
            f'<div data-figure-for="{step.pk:d}">{figure}</div>'
            for step, figure in zip(steps, figures, strict=True)
        )
    )
    # Any cache may keep the shared library's; an instructor's routine stays in the browser.
    scope = "public" if routine.author_id is None else "private"
    patch_cache_control(response, **{scope: True}, max_age=FIGURES_MAX_AGE, immutable=True)
    return response


def _player_data(session, steps, current, visits):
    """Everything the browser needs to run the routine without asking the server again."""
    return {
        "steps": [
            {  # the step's words the player reads from its section in the page
                "id": step.pk,
                "areaKey": step.body_area,
                "seconds": step.duration_seconds,
                # Only what a step has: 34 empty ones would weigh on the page.
                **(
                    {
                        "repetitions": step.repetitions,
                        "secondsPerRepetition": step.seconds_per_repetition,
                    }
                    if step.repetitions
                    else {}
                ),
                **({"narration": step.narration.url} if step.narration else {}),
            }
            for step in steps
        ],
        "session": session.pk,
        "routine": {"title": session.routine_title_shown, "artwork": static("img/icon.svg")},
        "current": current.pk,
        "elapsed": session.current_elapsed,
        "seq": session.progress_seq,
        "visits": {str(v.step_id): [v.seconds, v.skipped] for v in visits.values() if v.step_id},
        "extra": {str(v.step_id): v.extra_seconds for v in visits.values() if v.extra_seconds},
        "limits": {
            "factor": STEP_TIME_FACTOR,
            "margin": STEP_TIME_MARGIN,
            "maxSeconds": MAX_STEP_VISIT_SECONDS,
            "maxExtra": MAX_EXTRA_SECONDS,
        },
        "speech": _speech(),
        "labels": {
            "start": _("Start"),
            "continue": _("Continue"),
            "pause": _("Pause"),
            "resume": _("Resume"),
            "next": _("Next: %(name)s"),
            "lastStep": _("Last step"),
            "stepOf": _("Step %(k)s of %(n)s"),
            "left": _("%(t)s left"),
            "repOf": _("stroke %(k)s of %(n)s"),
            "getReady": _("Get ready…"),
            "finishing": _("Well done! Saving…"),
            "saving": _("Saving…"),
            "savedHere": _("Well done! Saved on this phone, and sent once the network is back."),
            "minutes": _("%(n)s min"),
        },
    }


def _speech():
    """The voice's language (the page's, sent here as <html lang> may not say it) and its words:
    the countdown's numbers, and what the settings say when the phone has no voice for it."""
    language = page_language()
    return {
        "lang": language,
        "countdown": {"1": _("One"), "2": _("Two"), "3": _("Three")},
        "noVoice": _(
            "This phone has no voice for %(language)s, so steps are not read aloud. A step's "
            "recording still plays where it has one, and the chime marks each new step while "
            "Hands-free is on."
        )
        % {"language": language_in_sentence(language)},
    }


@login_required_or_401(_lazy("Not saved: log in again, and the massage carries on from here."))
@require_POST
def session_progress(request, session_id):
    session = selectors.session_to_record(request.user, session_id, related=())
    form = ProgressForm(request.POST, steps=selectors.session_steps(session, to_record=True))
    if not form.is_valid():
        return _json_errors(form.errors, status=MALFORMED)
    try:
        services.session_progress(
            session=session,
            seq=form.cleaned_data["seq"],
            current_step=form.cleaned_data["step"],
            elapsed=form.cleaned_data["elapsed"],
            visits=form.cleaned_data["visits"],
        )
    except services.SessionConflict as error:
        # Where the session really is, so the player can catch up or say it moved elsewhere.
        return JsonResponse(
            {
                "errors": {"__all__": [str(error)]},
                "seq": error.session.progress_seq,
                "step": error.session.current_step_id,
                "running": error.session.is_running,
            },
            status=error.status,
        )
    except services.SessionError as error:
        return _json_errors({"__all__": [str(error)]}, status=error.status)
    return HttpResponse(status=204)


def _json_errors(errors, status):
    return JsonResponse({"errors": errors}, status=status)


@login_required
@require_POST
def session_step(request, session_id):
    """The player without JavaScript: one form post per step."""
    session = selectors.session_to_record(request.user, session_id)
    if not session.is_running:
        return _render_summary(
            request, session, error=_("This massage has ended."), status=CONFLICT
        )
    steps = selectors.session_steps(session)
    if not steps:
        return redirect("sessions:session-player", session_id=session.pk)  # it ends the session
    form = StepMoveForm(request.POST, steps=steps)
    if not form.is_valid():
        error = _("That step change could not be understood.")
        return _render_player(request, session, steps, error=error, status=MALFORMED)
    try:
        moved = services.session_move(
            session=session, from_step=form.cleaned_data["step"], action=form.cleaned_data["action"]
        )
    except services.SessionConflict as error:
        session = selectors.session_to_record(request.user, session_id)
        if not session.is_running:
            return _render_summary(request, session, error=str(error), status=error.status)
        return _render_player(request, session, steps, error=str(error), status=error.status)
    if not moved.is_running:
        return redirect("sessions:session-summary", session_id=session.pk)
    return redirect("sessions:session-player", session_id=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_finish(request, session_id):
    session = selectors.session_to_record(request.user, session_id)
    if not session.is_running:
        if request.method == "POST":
            error = _("This massage had already ended.")
            return _render_summary(request, session, error=error, status=CONFLICT)
        return redirect("sessions:session-summary", session_id=session.pk)
    step_done = session.has_step_done()
    form = FinishForm(request.POST or None, step_done=step_done)
    context = {"session": session, "form": form, "step_done": step_done}
    if request.method != "POST":
        return render(request, "sessions/session_finish.html", context)
    if not form.is_valid():
        return render(request, "sessions/session_finish.html", context, status=INVALID)
    try:
        services.session_finish(
            session=session,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except services.SessionError as error:
        session.refresh_from_db()
        return _render_summary(request, session, error=str(error), status=error.status)
    return redirect("sessions:session-summary", session_id=session.pk)


@login_required
@require_safe
def session_summary(request, session_id):
    session = selectors.session_of(request.user, session_id)
    services.session_close_if_stale(session)
    if session.is_running:
        return redirect("sessions:session-player", session_id=session.pk)
    return _render_summary(request, session)


def _render_summary(request, session, *, error=None, status=200):
    context = selectors.session_summary(session) | {
        "note_form": NoteForm(initial={"note": session.note}),
        "error": error,
    }
    return render(request, "sessions/session_summary.html", context, status=status)


@login_required
@require_POST
def session_note(request, session_id):
    session = selectors.session_to_record(request.user, session_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        context = selectors.session_summary(session) | {"note_form": form}
        return render(request, "sessions/session_summary.html", context, status=INVALID)
    session.note = form.cleaned_data["note"]
    session.save(update_fields=["note"])
    messages.success(request, _("Note saved."))
    return redirect("sessions:session-summary", session_id=session.pk)


# -- Reminders ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reminder_edit(request, family_id):
    """The person's own reminder for a family: days, time, time zone; on, changed or off.

    `?suggestion=<assignment>` fills the form in with what the instructor suggested; nothing is
    turned on until the person saves.
    """
    membership = family_selectors.membership_in(request.user, family_id)
    access.check_may_change(membership, access.RECORD)
    reminder = selectors.reminder_of(membership)
    suggestions = selectors.reminder_suggestions(membership.family, timezone.localdate())
    suggestion = None
    status = 200
    if request.method == "POST":
        form = ReminderForm(request.POST)
        if form.is_valid():
            try:
                services.reminder_save(membership=membership, **form.cleaned_data)
            except services.ReminderError as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                messages.success(request, _("Reminder saved. We'll send it by email."))
                return redirect("sessions:reminder-edit", family_id=family_id)
        else:
            status = INVALID
    else:
        suggestion = next(
            (s for s in suggestions if str(s.pk) == request.GET.get("suggestion")), None
        )
        form = ReminderForm(initial=_reminder_initial(request, reminder, suggestion))
    context = {
        "family": membership.family,
        "reminder": reminder,
        "reminder_days": weekdays_in_words(reminder.weekdays) if reminder else "",
        "form": form,
        "suggestions": [(s, weekdays_in_words(s.suggested_weekdays)) for s in suggestions],
        "suggestion": suggestion,
    }
    return render(request, "sessions/reminder_form.html", context, status=status)


def _reminder_initial(request, reminder, suggestion) -> dict:
    zone = time_zone_from(request)
    initial = {"time_zone": str(zone) if zone else settings.TIME_ZONE}
    if reminder is not None:
        initial |= {
            "weekdays": [str(day) for day in reminder.weekday_numbers],
            "time": reminder.time,
            "time_zone": reminder.time_zone,
        }
    if suggestion is not None:
        initial |= {
            "weekdays": [str(day) for day in weekdays_of(suggestion.suggested_weekdays)],
            "time": suggestion.suggested_time,
        }
    return initial


@login_required
@require_POST
def reminder_off(request, family_id):
    membership = family_selectors.membership_in(request.user, family_id)
    access.check_may_change(membership, access.RECORD)
    if services.reminder_turn_off(membership=membership):
        messages.success(request, _("Reminder turned off. Your days and time are kept for later."))
    else:
        messages.info(request, _("No reminder was on."))
    return redirect("sessions:reminder-edit", family_id=family_id)


@csrf_exempt  # a mail program's one-click POST carries no CSRF token: the token is the key
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe(request, token):
    """The mail's unsubscribe link, no login needed: GET asks, POST (the button, or the mail
    program's one-click `List-Unsubscribe=One-Click`) turns the reminder off."""
    try:
        reminder = selectors.reminder_for_token(token)
    except Http404:
        context = {"reason": _("This link doesn't stand for any reminder. It may be mistyped.")}
        return render(request, "sessions/reminder_unsubscribe.html", context, status=404)
    context = {"reminder": reminder, "family": reminder.family, "token": token}
    if request.method == "POST":
        try:
            services.reminder_unsubscribe(reminder=reminder)
        except services.ReminderGone as error:
            context["reason"] = str(error)
            return render(
                request, "sessions/reminder_unsubscribe.html", context, status=error.status
            )
        context["done"] = True
        return render(request, "sessions/reminder_unsubscribe.html", context)
    if not reminder.active:
        context["reason"] = _(
            "These reminders are already off. You can turn them on again on the family's page."
        )
        return render(request, "sessions/reminder_unsubscribe.html", context, status=GONE)
    context["days"] = weekdays_in_words(reminder.weekdays)
    return render(request, "sessions/reminder_unsubscribe.html", context)
