"""The instructor's dashboard: one row per family taught, as far as each family shares.

Counts of massages come from the families that share their practice; the engagement share only
from those that share their cues. A fixed number of queries however many families and massages.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from cues.models import CueEvent, Valence
from massage import access
from massage.models import Baby, InstructorLink, Scope
from massage.models.teaching import scopes_at_least
from sessions.models import MassageSession

WEEKS = 4


def _week_starts(today, weeks=WEEKS):
    """Mondays of the last `weeks` weeks, oldest first; the last is this week's."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def dashboard(instructor, *, now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    mondays = _week_starts(today)
    zone = timezone.get_current_timezone()
    starts = [datetime.combine(monday, time.min, tzinfo=zone) for monday in mondays]
    ends = [*starts[1:], starts[-1] + timedelta(weeks=1)]

    links = {
        link.family_id: link
        for link in InstructorLink.objects.with_scope().filter(instructor=instructor)
    }
    families = list(
        access.taught_families(instructor)
        .prefetch_related(Prefetch("babies", queryset=Baby.objects.order_by("birth_date", "pk")))
        .order_by("name", "pk")
    )
    practice = (
        MassageSession.objects.massages()
        .filter(baby__family__in=[f.pk for f in families], ended_at__isnull=False)
        .values("baby__family")
        .annotate(
            last=Max("started_at"),
            **{
                f"week{n}": Count("pk", filter=Q(started_at__gte=start, started_at__lt=end))
                for n, (start, end) in enumerate(zip(starts, ends, strict=True))
            },
        )
    )
    by_family = {row["baby__family"]: row for row in practice}
    with_cues = [f.pk for f in families if links[f.pk].scope in scopes_at_least(Scope.CUES)]
    cue_rows = (
        CueEvent.objects.logged()
        .filter(session__baby__family__in=with_cues, at__gte=starts[0])
        .values("session__baby__family")
        .annotate(
            engaging=Count("pk", filter=Q(valence=Valence.ENGAGEMENT)),
            total=Count("pk"),
        )
    )
    shares = {
        row["session__baby__family"]: round(100 * row["engaging"] / row["total"])
        for row in cue_rows
        if row["total"]
    }
    rows = []
    for family in families:
        counts = by_family.get(family.pk, {})
        weeks = [counts.get(f"week{n}", 0) for n in range(WEEKS)]
        rows.append(
            {
                "family": family,
                "scope": links[family.pk].scope,
                "babies": list(family.babies.all()),
                "last": counts.get("last"),
                "this_week": weeks[-1],
                "weeks": list(zip(mondays, weeks, strict=True)),
                "most": max(weeks) or 1,
                "shares_cues": family.pk in with_cues,
                "engagement": shares.get(family.pk),
            }
        )
    stopped = [link for link in links.values() if link.scope not in access.SHARED_SCOPES]
    return {"rows": rows, "stopped_count": len(stopped), "today": today}
