from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cues.teaching import dashboard, family_page
from massage import access
from massage.selectors import teaching as teaching_selectors


@login_required
@require_safe
def teaching_dashboard(request):
    """The families an instructor teaches, each as far as its parents share."""
    access.check_instructor(request.user)
    chosen = request.GET.get("class", "")
    teaching_class = None
    if chosen:
        if not chosen.isdigit() or len(chosen) > 18:
            return render(
                request,
                "cues/teaching_dashboard.html",
                dashboard(request.user) | {"class_error": _("That class is not one of yours.")},
                status=400,
            )
        teaching_class = teaching_selectors.class_of(request.user, chosen)
    context = dashboard(request.user, teaching_class=teaching_class)
    return render(request, "cues/teaching_dashboard.html", context)


@login_required
@require_safe
def teaching_family(request, family_id):
    """One family as its instructor sees it: what it shares, and nothing more."""
    access.check_instructor(request.user)
    return render(request, "cues/teaching_family.html", family_page(request.user, family_id))
