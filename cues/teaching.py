"""The instructor's dashboard: one row per family taught, as far as each family shares.

Counts of massages come from the families that share their practice; the engagement share only
from those that share their cues. A fixed number of queries however many families and massages.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cues.exports import with_visit_totals
from cues.models import CueEvent, InstructorNote, Valence
from massage import access
from massage.models import Baby, Consent, InstructorLink, Scope
from massage.models.teaching import SCOPE_FOR_INSTRUCTOR, SCOPE_ORDER, scopes_at_least
from massage.selectors import teaching as teaching_selectors
from sessions.models import MassageSession, Outcome

WEEKS = 4


def _week_starts(today, weeks=WEEKS):
    """Mondays of the last `weeks` weeks, oldest first; the last is this week's."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def dashboard(instructor, *, teaching_class=None, now=None) -> dict:
    """The rows of the dashboard, for every family taught or for one class's."""
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
    taught = access.taught_families(instructor)
    if teaching_class is not None:
        taught = taught.filter(pk__in=teaching_class.links.values("family"))
    families = list(
        taught.prefetch_related(
            Prefetch("babies", queryset=Baby.objects.order_by("birth_date", "pk"))
        ).order_by("name", "pk")
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
            **{
                f"{kind}{n}": Count("pk", filter=Q(at__gte=start, at__lt=end) & extra)
                for n, (start, end) in enumerate(zip(starts, ends, strict=True))
                for kind, extra in (("engaging", Q(valence=Valence.ENGAGEMENT)), ("total", Q()))
            },
        )
    )
    cue_counts = {row["session__baby__family"]: row for row in cue_rows}
    shares = {
        family_id: round(100 * row["engaging"] / row["total"])
        for family_id, row in cue_counts.items()
        if row["total"]
    }
    flags = _flags(instructor, families, with_cues, starts=starts, now=now, today=today)
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
                "trend": _share_trend(mondays, cue_counts.get(family.pk)),
                "flags": flags.get(family.pk, []),
            }
        )
    stopped = [link for link in links.values() if link.scope not in access.SHARED_SCOPES]
    return {
        "rows": rows,
        "stopped_count": len(stopped),
        "today": today,
        "classes": list(teaching_selectors.classes_of(instructor)),
        "chosen_class": teaching_class,
    }


def _share_trend(mondays, counts) -> dict | None:
    """The engagement share week by week as a small line (40 by 20, 100% at the top): the points
    of the weeks with cues, and words for a screen reader. None without any cue."""
    if not counts or not counts["total"]:
        return None
    weeks, points = [], []
    for n, monday in enumerate(mondays):
        total = counts[f"total{n}"]
        share = round(100 * counts[f"engaging{n}"] / total) if total else None
        weeks.append((monday, share))
        if share is not None:
            points.append((n * 12 + 2, round(18 - share * 16 / 100, 1)))
    return {"weeks": weeks, "points": points, "line": " ".join(f"{x},{y}" for x, y in points)}


QUIET_DAYS = 7
BABY_LED_IN_A_ROW = 3
NARROWED_RECENTLY_DAYS = 14


def _flags(instructor, families, with_cues, *, starts, now, today) -> dict[int, list[str]]:
    """What is worth a look in each family, each with its reason. Four queries in all."""
    family_ids = [family.pk for family in families]
    flags: dict[int, list[str]] = {pk: [] for pk in family_ids}
    if not family_ids:
        return flags

    # The massages of the last four weeks, newest first: quiet spells and baby-led ends.
    recent: dict[int, list[tuple]] = {pk: [] for pk in family_ids}
    for family_id, started, outcome in (
        MassageSession.objects.massages()
        .filter(baby__family__in=family_ids, ended_at__isnull=False, started_at__gte=starts[0])
        .order_by("-started_at", "-pk")
        .values_list("baby__family", "started_at", "outcome")
    ):
        recent[family_id].append((started, outcome))
    assigned = teaching_selectors.assignments_for(families, today)
    for family_id in family_ids:
        massages = recent[family_id]
        if assigned.get(family_id):
            since = assigned[family_id][0].starts_on
            quiet_since = massages[0][0] if massages else None
            quiet_days = (now - quiet_since).days if quiet_since else (today - since).days
            if quiet_days >= QUIET_DAYS:
                flags[family_id].append(
                    _("A routine is assigned, and no massage for %(n)d days.") % {"n": quiet_days}
                )
        latest = [outcome for _started, outcome in massages[:BABY_LED_IN_A_ROW]]
        if len(latest) == BABY_LED_IN_A_ROW and all(o == Outcome.BABY_LED_END for o in latest):
            flags[family_id].append(
                _("The last %(n)d massages were baby-led ends.") % {"n": BABY_LED_IN_A_ROW}
            )

    # The share of enjoying cues, week by week, for the families that share their cues.
    if with_cues:
        weekly: dict[int, dict[int, list[int]]] = {pk: {} for pk in with_cues}
        for family_id, valence, at in (
            CueEvent.objects.logged()
            .filter(session__baby__family__in=with_cues, at__gte=starts[0])
            .values_list("session__baby__family", "valence", "at")
        ):
            week = next(n for n in range(len(starts) - 1, -1, -1) if at >= starts[n])
            counts = weekly[family_id].setdefault(week, [0, 0])
            counts[0] += valence == Valence.ENGAGEMENT
            counts[1] += 1
        last = len(starts) - 1
        for family_id, weeks in weekly.items():
            shares = [
                weeks[n][0] / weeks[n][1] if n in weeks else None
                for n in (last - 2, last - 1, last)
            ]
            if None not in shares and shares[0] > shares[1] > shares[2]:
                flags[family_id].append(_("Enjoying it less, two weeks running."))

    # A consent narrowed lately (or stopped): the family chose to share less.
    since = now - timedelta(days=NARROWED_RECENTLY_DAYS)
    history: dict[int, list[tuple]] = {}
    for family_id, scope, changed_at in (
        Consent.objects.filter(link__instructor=instructor, link__family__in=family_ids)
        .order_by("changed_at", "pk")
        .values_list("link__family", "scope", "changed_at")
    ):
        history.setdefault(family_id, []).append((scope, changed_at))
    rank = {str(scope): n for n, scope in enumerate(SCOPE_ORDER)}
    for family_id, changes in history.items():
        if len(changes) >= 2:
            (before, _at), (now_scope, changed_at) = changes[-2], changes[-1]
            if changed_at >= since and rank.get(now_scope, -1) < rank.get(before, -1):
                flags[family_id].append(
                    _("Shares less with you since %(day)s.")
                    % {"day": date_format(timezone.localtime(changed_at), "j M")}
                )
    return flags


def family_for_instructor(instructor, family_id) -> tuple:
    """A family the instructor teaches and that shares with them, with its link (scope
    annotated); 404 for any other family, or one that stopped sharing."""
    link = (
        InstructorLink.objects.with_scope()
        .filter(instructor=instructor, family_id=family_id, scope__in=access.SHARED_SCOPES)
        .select_related("family")
        .first()
    )
    if link is None or not instructor.is_instructor:
        raise Http404
    return link.family, link


def family_page(instructor, family_id, *, now=None) -> dict:
    """What an instructor sees of one family: always its practice (assignments, massages, how
    long, how each ended); cue counts only when it shares cues; notes only with everything."""
    now = now or timezone.now()
    family, link = family_for_instructor(instructor, family_id)
    shares_cues = link.scope in scopes_at_least(Scope.CUES)
    shares_notes = link.scope in scopes_at_least(Scope.EVERYTHING)
    # The time massaged, as the summary and the exports count it.
    sessions = (
        with_visit_totals(
            MassageSession.objects.massages().filter(
                baby__family=family, started_at__gte=now - timedelta(weeks=8)
            )
        )
        .select_related("baby")
        .order_by("-started_at", "-pk")
    )
    if shares_cues:
        sessions = sessions.annotate(
            engaging=Count(
                "cues",
                filter=Q(cues__valence=Valence.ENGAGEMENT, cues__undone_at__isnull=True),
            ),
            unsettled=Count(
                "cues",
                filter=Q(cues__valence=Valence.DISENGAGEMENT, cues__undone_at__isnull=True),
            ),
        )
    return not_shared_page(family, link) | {
        "shares_cues": shares_cues,
        "shares_notes": shares_notes,
        "babies": list(family.babies.order_by("birth_date", "pk")),
        "assignments": teaching_selectors.assignments_for([family], timezone.localdate(now))[
            family.pk
        ],
        "sessions": list(sessions[:60]),
        "notes": list(
            InstructorNote.objects.filter(family=family, instructor=instructor)
            .select_related("session", "replied_by")
            .order_by("-created_at", "-pk")[:10]
        ),
    }


def shares_cues(link) -> bool:
    return link.scope in scopes_at_least(Scope.CUES)


def not_shared_page(family, link) -> dict:
    """What a page the family does not share says instead: what it does share (the family's
    own page for its instructor begins with the same)."""
    return {
        "family": family,
        "link": link,
        "scope_label": Scope(link.scope).label,
        "scope_words": SCOPE_FOR_INSTRUCTOR[Scope(link.scope)],
    }


def session_of_family(family, session_id) -> MassageSession:
    """A session of one of the family's babies, with what its review shows; 404 otherwise.
    `family` comes from `family_for_instructor`, which checked the instructor may see it."""
    session = (
        MassageSession.objects.filter(baby__family=family, pk=session_id)
        .select_related("baby", "routine", "current_step")
        .first()
    )
    if session is None:
        raise Http404
    return session


def baby_of_family(family, baby_id) -> Baby:
    baby = Baby.objects.filter(family=family, pk=baby_id).first()
    if baby is None:
        raise Http404
    return baby


def viewer_context(link) -> dict:
    """What the review and history templates need to show an instructor a read-only page:
    no forms, the notes only when the family shares them."""
    return {
        "for_instructor": True,
        "link": link,
        "scope_label": Scope(link.scope).label,
        "shares_notes": link.scope in scopes_at_least(Scope.EVERYTHING),
    }
