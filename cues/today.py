"""What the Today page shows for each baby: a massage under way, the last one, this week's count."""

from datetime import datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from cues import selectors as cue_selectors
from cues.models import Valence
from massage.selectors import families as family_selectors
from massage.selectors import teaching as teaching_selectors
from sessions.models import MassageSession
from sessions.services import session_close_if_stale


def day_start(day):
    """Midnight at the start of `day` in the user's time zone. The week's counts compare
    `started_at` with such instants, which its index answers, rather than with the date of
    each row (`started_at__date`, a function the database would run on every session)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def today_page(user, now=None) -> dict:
    """The user's families and babies with their sessions, in a fixed number of queries."""
    now = now or timezone.now()
    families = family_selectors.families_for_today(user)
    babies = [baby for family in families for baby in family.babies.all()]
    ids = [baby.pk for baby in babies]
    # The babies come from the user's readable families already: filtering on their ids alone
    # spares every query below the join and subqueries of `sessions_of(user)`.
    mine = MassageSession.objects.filter(baby_id__in=ids)
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
        .filter(started_at__gte=day_start(week_start))
        .values("baby_id")
        .annotate(n=Count("pk"))
        .values_list("baby_id", "n")
    )
    for baby in babies:
        baby.running_session = running.get(baby.pk)
        baby.last_session = last.get(baby.pk)
        baby.sessions_this_week = this_week.get(baby.pk, 0)
    today = timezone.localtime(now).date()
    _attach_assignments(families, mine, today=today)
    taught = [family for family in families if family.has_instructor]
    words = cue_selectors.notes_for_today(taught, now=now) if taught else {}
    for family in families:
        family.instructor_words = words.get(family.pk, [])
    return {"families": families, "today": today}


def _attach_assignments(families, sessions, *, today):
    """Each family's running assignments, with how this week is going (Monday to Sunday): the
    massages of that routine so far, a baby-led end counting as practice."""
    taught = [family for family in families if family.has_instructor]
    assigned = teaching_selectors.assignments_for(taught, today) if taught else {}
    monday = today - timedelta(days=today.weekday())
    routine_ids = {a.routine_id for found in assigned.values() for a in found}
    done = {}
    if routine_ids:
        tomorrow = today + timedelta(days=1)
        today_only = Q(started_at__gte=day_start(today), started_at__lt=day_start(tomorrow))
        rows = (
            sessions.massages()
            .filter(routine_id__in=routine_ids, started_at__gte=day_start(monday))
            .values("baby__family", "baby", "routine")
            .annotate(n=Count("pk"), today=Count("pk", filter=today_only))
        )
        # Per baby, and summed per family for the assignments to the whole family or class.
        for row in rows:
            done[("baby", row["baby"], row["routine"])] = row
            total = done.setdefault(("family", row["baby__family"], row["routine"]), {})
            total["n"] = total.get("n", 0) + row["n"]
            total["today"] = total.get("today", 0) + row["today"]
    for family in families:
        family.assignments_today = []
        for assignment in assigned.get(family.pk, []):
            if assignment.baby_id:
                row = done.get(("baby", assignment.baby_id, assignment.routine_id), {})
            else:
                row = done.get(("family", family.pk, assignment.routine_id), {})
            count = row.get("n", 0)
            family.assignments_today.append(
                {
                    "assignment": assignment,
                    "done": count,
                    "wanted": assignment.times_per_week,
                    "next": _next_day(today, count, assignment.times_per_week, row.get("today", 0)),
                }
            )


def _next_day(today, done, wanted, done_today):
    """A gentle suggestion: today if not yet, else tomorrow, while the week still has days;
    None once the week's practice is done (or the week is over)."""
    if done >= wanted:
        return None
    if not done_today:
        return today
    tomorrow = today + timedelta(days=1)
    return tomorrow if tomorrow.weekday() != 0 else None
