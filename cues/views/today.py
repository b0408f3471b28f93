from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cues.today import today_page


@login_required
@require_safe
def today(request):
    """The home page of a signed-in family: each baby, what is under way and what came last."""
    return render(request, "cues/today.html", today_page(request.user))
