"""Cue logging from the player: JSON for its background saves, plain forms without JavaScript."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cues import selectors, services
from cues.forms import CueForm, ResponseForm
from massage.decorators import login_required_or_401, wants_json
from massage.errors import MALFORMED
from sessions import selectors as session_selectors


def _error(request, session_id, message, status):
    """Bad input answers 4xx: as JSON for the player's saves, as a short page for a plain form."""
    if wants_json(request):
        return JsonResponse({"errors": {"__all__": [message]}}, status=status)
    context = {"message": message, "session_id": session_id}
    return render(request, "cues/cue_error.html", context, status=status)


def _form_error(request, session_id, form):
    if wants_json(request):
        return JsonResponse({"errors": form.errors}, status=MALFORMED)
    return _error(request, session_id, next(iter(form.errors.values()))[0], MALFORMED)


# The player's background saves get a 401 they can act on rather than the login page.
_player_endpoint = login_required_or_401(_lazy("Not saved yet: log in again to save your cues."))


@_player_endpoint
@require_POST
def cue_create(request, session_id):
    session = session_selectors.session_to_record(request.user, session_id, related=())
    steps = session_selectors.session_steps(session, to_record=True)
    form = CueForm(request.POST, session=session, steps=steps)
    if not form.is_valid():
        return _form_error(request, session.pk, form)
    try:
        cue, created = services.cue_log(session=session, user=request.user, **form.cleaned_data)
    except services.CueError as error:
        return _error(request, session.pk, str(error), error.status)
    prompt = services.prompt_for(cue)
    if wants_json(request):
        return JsonResponse(
            {"id": str(cue.client_id), "created": created, "prompt": prompt.as_dict()},
            status=201 if created else 200,
        )
    messages.info(request, f"{cue.get_kind_display()}: {prompt.message}")
    # The player then offers undo for this cue, or the pause choices when it asks for a pause.
    player = reverse("sessions:session-player", args=[session.pk])
    return redirect(f"{player}?cue={cue.client_id}")


@_player_endpoint
@require_POST
def cue_undo(request, session_id, client_id):
    cue = selectors.cue_of(request.user, session_id, client_id)
    try:
        services.cue_undo(cue=cue)
    except services.CueError as error:
        return _error(request, session_id, str(error), error.status)
    if wants_json(request):
        return JsonResponse({"id": str(cue.client_id), "undone": True})
    messages.info(request, _("Cue taken back."))
    return redirect("sessions:session-player", session_id=session_id)


@_player_endpoint
@require_POST
def cue_respond(request, session_id, client_id):
    cue = selectors.cue_of(request.user, session_id, client_id)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return _form_error(request, session_id, form)
    try:
        services.cue_respond(
            cue=cue,
            response=form.cleaned_data["response"],
            move_session=not wants_json(request),
        )
    except services.CueError as error:
        return _error(request, session_id, str(error), error.status)
    cue.session.refresh_from_db(fields=["ended_at"])
    target = reverse(
        "sessions:session-player" if cue.session.is_running else "sessions:session-summary",
        args=[session_id],
    )
    if wants_json(request):
        return JsonResponse({"id": str(cue.client_id), "next": target})
    return redirect(target)
