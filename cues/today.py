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


# A massage's standing cues of each side, counted by the database.
CUE_COUNTS = {
    "happy": Count(
        "cues", filter=Q(cues__valence=Valence.ENGAGEMENT, cues__undone_at__isnull=True)
    ),
    "unsettled": Count(
        "cues", filter=Q(cues__valence=Valence.DISENGAGEMENT, cues__undone_at__isnull=True)
    ),
}


def today_page(user, now=None) -> dict:
    """The user's families and babies with their sessions, in a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    families = family_selectors.families_for_today(user)
    babies = [baby for family in families for baby in family.babies.all()]
    ids = [baby.pk for baby in babies]
    # The babies come from the user's readable families already: filtering on their ids alone
    # spares every query below the join and subqueries of `sessions_of(user)`.
    mine = MassageSession.objects.filter(baby_id__in=ids)
    week_since = day_start(today - timedelta(days=6))
    recent = _recent(mine, since=week_since)
    # A massage left for hours is closed here as interrupted (it then shows as the last one);
    # when none is, this costs no query. One closed now may have had no step done, so it would
    # not count as a massage: read the list again then.
    closed = [s for s in recent if s.ended_at is None and session_close_if_stale(s, now=now)]
    if closed:
        recent = _recent(mine, since=week_since)
    running, last, this_week = {}, {}, {}
    for session in recent:  # newest first
        if session.ended_at is None:
            running[session.baby_id] = session
        # The last massage, and the week's count, leave out sessions ended before any step
        # was done.
        if not session.counted:
            continue
        if session.started_at >= week_since:
            this_week[session.baby_id] = this_week.get(session.baby_id, 0) + 1
        if session.ended_at is not None:
            last.setdefault(session.baby_id, session)
    if older := [pk for pk in ids if pk not in last]:  # no massage ended in the last 7 days
        last |= _last_massages(mine.filter(baby_id__in=older))
    for baby in babies:
        baby.running_session = running.get(baby.pk)
        baby.last_session = last.get(baby.pk)
        baby.sessions_this_week = this_week.get(baby.pk, 0)
    _attach_assignments(families, recent, today=today)
    taught = [family for family in families if family.has_instructor]
    words = cue_selectors.notes_for_today(taught, now=now) if taught else {}
    for family in families:
        family.instructor_words = words.get(family.pk, [])
    return {"families": families, "today": today}


def _recent(sessions, *, since) -> list[MassageSession]:
    """The massages under way and those begun since `since` (the last 7 days, which hold this
    week's too), newest first, each with `counted` (whether it is a massage) and its cue
    counts: one query for what Today shows of them all."""
    return list(
        sessions.filter(Q(ended_at__isnull=True) | Q(started_at__gte=since))
        .with_counted()
        .annotate(**CUE_COUNTS)
        .select_related("current_step")
        .order_by("-started_at", "-pk")
    )


def _last_massages(sessions) -> dict:
    """Each baby's last ended massage among these sessions, with its cue counts: one query."""
    latest = MassageSession.objects.massages().filter(baby=OuterRef("baby"), ended_at__isnull=False)
    return {
        session.baby_id: session
        for session in sessions.filter(
            ended_at__isnull=False,
            pk=Subquery(latest.order_by("-started_at", "-pk").values("pk")[:1]),
        ).annotate(**CUE_COUNTS)
    }


def _attach_assignments(families, recent, *, today):
    """Each family's running assignments, with how this week is going (Monday to Sunday): the
    massages of that routine so far, a baby-led end counting as practice. `recent` holds the
    last 7 days' massages (see `_recent`), so this week's since Monday are among them."""
    taught = [family for family in families if family.has_instructor]
    assigned = teaching_selectors.assignments_for(taught, today) if taught else {}
    monday = day_start(today - timedelta(days=today.weekday()))
    today_from, tomorrow_from = day_start(today), day_start(today + timedelta(days=1))
    routine_ids = {a.routine_id for found in assigned.values() for a in found}
    family_of = {baby.pk: family.pk for family in families for baby in family.babies.all()}
    done = {}
    for session in recent:
        if not (session.counted and session.routine_id in routine_ids):
            continue
        if session.started_at < monday:
            continue
        on_today = today_from <= session.started_at < tomorrow_from
        # Per baby, and summed per family for the assignments to the whole family or class.
        for key in (
            ("baby", session.baby_id, session.routine_id),
            ("family", family_of[session.baby_id], session.routine_id),
        ):
            row = done.setdefault(key, {"n": 0, "today": 0})
            row["n"] += 1
            row["today"] += on_today
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
