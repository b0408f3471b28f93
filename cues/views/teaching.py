from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cues import pages, services
from cues.forms import InstructorNoteForm
from cues.teaching import (
    SEARCH_MAX_LENGTH,
    baby_of_family,
    dashboard,
    family_for_instructor,
    family_page,
    not_shared_page,
    session_of_family,
    shares_cues,
    viewer_context,
)
from massage import access
from massage.errors import INVALID
from massage.selectors import teaching as teaching_selectors


@login_required
@require_safe
def teaching_dashboard(request):
    """The families an instructor teaches, a page at a time, each as far as its parents share;
    one class's, or those whose name holds what was searched for."""
    access.check_instructor(request.user)
    chosen = request.GET.get("class", "")
    search = request.GET.get("q", "").strip()
    page_number = request.GET.get("page")
    error = None
    if chosen and (not chosen.isdigit() or len(chosen) > 18):
        error = {"class_error": _("That class is not one of yours.")}
    elif len(search) > SEARCH_MAX_LENGTH:
        error = {
            "search_error": _("Search with at most %(n)d characters.") % {"n": SEARCH_MAX_LENGTH}
        }
    if error:
        context = dashboard(request.user, page_number=page_number) | error
        return render(request, "cues/teaching_dashboard.html", context, status=400)
    teaching_class = teaching_selectors.class_of(request.user, chosen) if chosen else None
    context = dashboard(
        request.user, teaching_class=teaching_class, search=search, page_number=page_number
    )
    return render(request, "cues/teaching_dashboard.html", context)


@login_required
@require_safe
def teaching_family(request, family_id):
    """One family as its instructor sees it: what it shares, and nothing more."""
    access.check_instructor(request.user)
    context = family_page(request.user, family_id) | {"note_form": InstructorNoteForm()}
    return render(request, "cues/teaching_family.html", context)


def _cues_shared_or_404(request, family_id):
    """The family and its link when it shares its cues; else the page that says what it shares
    (404, as for any page the family did not open to the instructor)."""
    access.check_instructor(request.user)
    family, link = family_for_instructor(request.user, family_id)
    if not shares_cues(link):
        page = render(
            request, "cues/teaching_not_shared.html", not_shared_page(family, link), status=404
        )
        return family, link, page
    return family, link, None


@login_required
@require_safe
def teaching_session(request, family_id, session_id):
    """A massage's review as the family's instructor sees it: read only, notes if shared."""
    family, link, refusal = _cues_shared_or_404(request, family_id)
    if refusal:
        return refusal
    session = session_of_family(family, session_id)
    context = (
        pages.review_page(session) | viewer_context(link) | {"note_form": InstructorNoteForm()}
    )
    return render(request, "cues/session_review.html", context)


@login_required
@require_safe
def teaching_baby_history(request, family_id, baby_id):
    """A baby's history and what the cues suggest, as the family's instructor sees it."""
    family, link, refusal = _cues_shared_or_404(request, family_id)
    if refusal:
        return refusal
    baby = baby_of_family(family, baby_id)
    context = pages.history_page(baby, request.GET.get("page")) | viewer_context(link)
    return render(request, "cues/baby_history.html", context)


@login_required
@require_POST
def teaching_note(request, family_id, session_id=None):
    """The instructor's word to a family: on the family (its page), or on one massage (its
    review, where the family shares its cues)."""
    access.check_instructor(request.user)
    family, link = family_for_instructor(request.user, family_id)
    session = None
    if session_id is not None:
        if not shares_cues(link):
            raise Http404
        session = session_of_family(family, session_id)
    form = InstructorNoteForm(request.POST)
    if not form.is_valid():
        if session is None:
            context = family_page(request.user, family_id) | {"note_form": form}
            return render(request, "cues/teaching_family.html", context, status=INVALID)
        context = pages.review_page(session) | viewer_context(link) | {"note_form": form}
        return render(request, "cues/session_review.html", context, status=INVALID)
    services.note_write(
        instructor=request.user, family=family, session=session, text=form.cleaned_data["text"]
    )
    messages.success(request, _("Sent: the family sees it on Today."))
    if session is None:
        return redirect("cues:teaching-family", family_id=family.pk)
    return redirect("cues:teaching-session", family_id=family.pk, session_id=session.pk)
