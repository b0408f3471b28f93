"""What the Today page shows for each baby: a massage under way, the last one, this week's count."""

from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from cues.models import Valence
from massage import selectors as massage_selectors
from sessions.models import MassageSession
from sessions.selectors import sessions_of
from sessions.services import session_close_if_stale


def today_page(user, now=None) -> dict:
    """The user's families and babies with their sessions, in a fixed number of queries."""
    now = now or timezone.now()
    families = massage_selectors.families_for_today(user)
    babies = [baby for family in families for baby in family.babies.all()]
    ids = [baby.pk for baby in babies]
    mine = sessions_of(user).filter(baby_id__in=ids)
    # A massage left for hours is closed here as interrupted (it then shows as the last one);
    # when none is, this costs no query beyond the list itself.
    running = {
        session.baby_id: session
        for session in mine.filter(ended_at__isnull=True).select_related("current_step")
        if not session_close_if_stale(session, now=now)
    }
    # The last massage, and the week's count, leave out sessions ended before any step was done.
    latest = MassageSession.objects.massages().filter(baby=OuterRef("baby"), ended_at__isnull=False)
    last = {
        session.baby_id: session
        for session in mine.filter(
            ended_at__isnull=False,
            pk=Subquery(latest.order_by("-started_at", "-pk").values("pk")[:1]),
        ).annotate(
            happy=Count(
                "cues",
                filter=Q(cues__valence=Valence.ENGAGEMENT, cues__undone_at__isnull=True),
            ),
            unsettled=Count(
                "cues",
                filter=Q(cues__valence=Valence.DISENGAGEMENT, cues__undone_at__isnull=True),
            ),
        )
    }
    week_start = timezone.localtime(now).date() - timedelta(days=6)
    this_week = dict(
        mine.massages()
        .filter(started_at__date__gte=week_start)
        .values("baby_id")
        .annotate(n=Count("pk"))
        .values_list("baby_id", "n")
    )
    for baby in babies:
        baby.running_session = running.get(baby.pk)
        baby.last_session = last.get(baby.pk)
        baby.sessions_this_week = this_week.get(baby.pk, 0)
    return {"families": families}
