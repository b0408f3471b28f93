"""The family's look back: a session's review, a baby's history and insight, notes on cues."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cues import pages, selectors, services
from cues.forms import InstructorNoteForm
from massage.decorators import wants_fragment
from massage.errors import INVALID
from massage.selectors import families as family_selectors
from sessions import selectors as session_selectors
from sessions import services as session_services

REVIEW = "cues/session_review.html"


@login_required
@require_safe
def session_review(request, session_id):
    """A session looked back on: timeline, counts, every cue with its note, the check before.

    A massage still going can be reviewed too (its cues so far), with a way back to the player.
    """
    # The family's review reads only the baby (a massage still going, its step when drawn).
    session = session_selectors.session_of(request.user, session_id, related=("baby",))
    return render(request, REVIEW, pages.family_review_page(session))


@login_required
@require_POST
def cue_note(request, session_id, client_id):
    cue = selectors.cue_of(request.user, session_id, client_id)
    if cue.undone_at is not None:
        raise Http404
    form = pages.note_form(cue, request.POST)
    if not form.is_valid():
        if wants_fragment(request):
            return render(request, f"{REVIEW}#cue_row", pages.cue_row(cue, form), status=INVALID)
        context = pages.review_page(cue.session, forms={cue.pk: form})
        return render(request, REVIEW, context, status=INVALID)
    services.cue_set_note(cue=cue, note=form.cleaned_data["note"])
    if wants_fragment(request):
        context = pages.cue_row(cue, pages.note_form(cue)) | {"saved": True}
        return render(request, f"{REVIEW}#cue_row", context)
    messages.success(request, _("Note saved."))
    target = reverse("cues:session-review", args=[cue.session_id])
    return redirect(f"{target}#cue-{cue.client_id}")


@login_required
@require_safe
def baby_history(request, baby_id):
    """A baby's massages, the last weeks as charts, and what the cues suggest so far."""
    baby = family_selectors.baby_of(request.user, baby_id)
    version, running = selectors.baby_history_version(baby)
    # So a massage left for hours is listed (only a massage under way can have been left).
    if running and session_services.sessions_close_stale(baby=baby):
        version, running = selectors.baby_history_version(baby)
    content = pages.history_content(baby, request.GET.get("page"), version=(version, running))
    context = {"baby": baby, "content": content}
    return render(request, "cues/baby_history.html", context)


@login_required
@require_POST
def note_reply(request, note_id):
    """The family's one reply to an instructor's note (any member who records massages)."""
    note = selectors.note_to_answer(request.user, note_id)
    form = InstructorNoteForm(request.POST)
    status = None
    if not form.is_valid():
        status = INVALID
    else:
        try:
            services.note_reply(note=note, user=request.user, text=form.cleaned_data["text"])
        except services.CueError as error:
            form.add_error(None, str(error))
            status = error.status
    if status:
        note.refresh_from_db()
        context = {"note": note, "form": form}
        return render(request, "cues/note_reply.html", context, status=status)
    messages.success(request, _("Reply sent."))
    if note.session_id:
        return redirect(f"{reverse('cues:session-review', args=[note.session_id])}#word-back")
    return redirect(f"{reverse('today')}#word-back-{note.family_id}")
