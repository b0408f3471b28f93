"""The instructor's dashboard: one row per family taught, as far as each family shares.

Counts of massages come from the families that share their practice; the engagement share only
from those that share their cues. A page of families at a time, in a fixed number of queries
however many families and massages.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cues.exports import with_visit_totals
from cues.models import CueEvent, InstructorNote, Valence
from massage import access
from massage.formats import DAY_MONTH
from massage.models import Baby, Consent, Family, InstructorLink, Scope
from massage.models.teaching import SCOPE_FOR_INSTRUCTOR, SCOPE_ORDER, scopes_at_least
from massage.selectors import teaching as teaching_selectors
from sessions.models import MassageSession, Outcome

WEEKS = 4
FAMILIES_PER_PAGE = 20
SEARCH_MAX_LENGTH = 100


def _week_starts(today, weeks=WEEKS):
    """Mondays of the last `weeks` weeks, oldest first; the last is this week's."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def dashboard(instructor, *, teaching_class=None, search="", page_number=None, now=None) -> dict:
    """The rows of the dashboard, a page of families at a time: every family taught, or one
    class's, or those whose name holds `search`. Only the page's families are counted, so its
    cost follows the page, not how many families the instructor teaches."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    mondays = _week_starts(today)
    zone = timezone.get_current_timezone()
    starts = [datetime.combine(monday, time.min, tzinfo=zone) for monday in mondays]

    # With each link, when its consent last changed and what it shared before (for the flags).
    consents = Consent.objects.filter(link=OuterRef("pk")).order_by("-changed_at", "-pk")
    taught = (
        access.taught_links(instructor)
        .select_related("family")
        .annotate(
            scope_changed_at=Subquery(consents.values("changed_at")[:1]),
            scope_before=Subquery(consents.values("scope")[1:2]),
        )
    )
    if teaching_class is not None:
        taught = taught.filter(pk__in=teaching_class.links.values("pk"))
    if search:
        taught = taught.filter(family__name__icontains=search)
    page = Paginator(taught.order_by("family__name", "family__pk"), FAMILIES_PER_PAGE).get_page(
        page_number
    )
    links = {link.family_id: link for link in page.object_list}
    families = [link.family for link in page.object_list]
    prefetch_related_objects(
        families, Prefetch("babies", queryset=Baby.objects.order_by("birth_date", "pk"))
    )
    family_ids = [family.pk for family in families]
    with_cues = {pk for pk, link in links.items() if shares_cues(link)}
    recent = _recent(family_ids, with_cues, starts)
    earlier = _last_massages([pk for pk in family_ids if recent[pk].last is None])
    flags = _flags(families, links, recent, now=now, today=today)
    # The weeks' names, once for every row (the rows' words for a screen reader use them).
    days = [date_format(monday, DAY_MONTH) for monday in mondays]
    rows = []
    for family in families:
        done = recent[family.pk]
        rows.append(
            {
                "family": family,
                "scope": links[family.pk].scope,
                "babies": list(family.babies.all()),
                "last": done.last or earlier.get(family.pk),
                "this_week": done.weeks[-1],
                "weeks": list(zip(mondays, done.weeks, strict=True)),
                "weeks_label": ", ".join(
                    _("week of %(day)s: %(count)s") % {"day": day, "count": count}
                    for day, count in zip(days, done.weeks, strict=True)
                ),
                "bars": _bars(done.weeks),
                "shares_cues": family.pk in with_cues,
                "engagement": done.engagement,
                "trend": _share_trend(mondays, days, done),
                "flags": flags.get(family.pk, []),
            }
        )
    return {
        "rows": rows,
        "page": page,
        "search": search,
        "stopped_count": teaching_selectors.links_stopped_count(
            instructor, None if (teaching_class or search) else page.paginator.count
        ),
        "today": today,
        "classes": list(teaching_selectors.class_choices(instructor)),
        "chosen_class": teaching_class,
    }


@dataclass
class _Recent:
    """A family's massages done in the dashboard's weeks (how many each week, how the newest
    ended) and the cues logged in them, week by week, where it shares its cues."""

    weeks: list[int] = field(default_factory=lambda: [0] * WEEKS)
    engaging: list[int] = field(default_factory=lambda: [0] * WEEKS)
    cues: list[int] = field(default_factory=lambda: [0] * WEEKS)
    outcomes: list[str] = field(default_factory=list)
    last: datetime | None = None

    @property
    def engagement(self) -> int | None:
        """The share of its cues that were signs of enjoying, in percent; None without cues."""
        total = sum(self.cues)
        return round(100 * sum(self.engaging) / total) if total else None


def _recent(family_ids, with_cues, starts) -> dict[int, _Recent]:
    """Family id → its `_Recent`, in two queries: the massages done since the first Monday,
    newest first, and the standing cues of those of families sharing cues, counted per massage
    by the database. A massage's cues count in the week it began, as on the baby's history."""
    recent = {pk: _Recent() for pk in family_ids}
    massages = (
        MassageSession.objects.massages()
        .filter(baby__family__in=family_ids, ended_at__isnull=False, started_at__gte=starts[0])
        .order_by("-started_at", "-pk")
        .values_list("baby__family", "pk", "started_at", "outcome")
    )
    week_of = {}
    for family_id, session_id, started, outcome in massages:
        done = recent[family_id]
        week = bisect_right(starts, started) - 1
        done.weeks[week] += 1
        done.outcomes.append(outcome)
        done.last = done.last or started
        if family_id in with_cues:
            week_of[session_id] = (done, week)
    if week_of:
        for session_id, engaging, total in (
            CueEvent.objects.logged()
            .filter(session__in=list(week_of))
            .values("session")
            .annotate(engaging=Count("pk", filter=Q(valence=Valence.ENGAGEMENT)), total=Count("pk"))
            .order_by()
            .values_list("session", "engaging", "total")
        ):
            done, week = week_of[session_id]
            done.engaging[week] += engaging
            done.cues[week] += total
    return recent


def _last_massages(family_ids) -> dict[int, datetime]:
    """Family id → the start of its last massage done, for families with none in the recent
    weeks: each found by walking its babies' sessions newest first (the index's order)."""
    if not family_ids:
        return {}
    latest = (
        MassageSession.objects.massages()
        .filter(baby__family=OuterRef("pk"), ended_at__isnull=False)
        .order_by("-started_at")
        .values("started_at")[:1]
    )
    return dict(
        Family.objects.filter(pk__in=family_ids)
        .annotate(last=Subquery(latest))
        .exclude(last=None)
        .values_list("pk", "last")
    )


def _bars(weeks) -> list[tuple[str, str]]:
    """The massages of each week as bars 20 high at most (40 wide in all): (x, height), as
    text, so that no language's number format (a decimal comma) reaches the drawing."""
    most = max(weeks) or 1
    return [
        (str(n * 10), str(round(count * 20 / most) if count else 1))
        for n, count in enumerate(weeks)
    ]


def _share_trend(mondays, days, done: _Recent) -> dict | None:
    """The engagement share week by week as a small line (40 by 20, 100% at the top): the points
    of the weeks with cues, and words for a screen reader. None without any cue."""
    if not sum(done.cues):
        return None
    weeks, points, words = [], [], []
    for n, (monday, day) in enumerate(zip(mondays, days, strict=True)):
        total = done.cues[n]
        share = round(100 * done.engaging[n] / total) if total else None
        weeks.append((monday, share))
        words.append(
            "{} {}".format(
                _("week of %(day)s") % {"day": day},
                _("no cues") if share is None else f"{share}%",
            )
        )
        if share is not None:
            points.append((str(n * 12 + 2), str(round(18 - share * 16 / 100, 1))))
    return {
        "weeks": weeks,
        "label": "{}: {}".format(_("Share enjoying, week by week"), ", ".join(words)),
        "points": points,
        "line": " ".join(f"{x},{y}" for x, y in points),  # coordinates as text, as in `_bars`
    }


QUIET_DAYS = 7
BABY_LED_IN_A_ROW = 3
NARROWED_RECENTLY_DAYS = 14


def _flags(families, links, recent, *, now, today) -> dict:
    """Family id → what is worth a look in it, each with its reason: from the families'
    `_Recent`, their assignments and their links' last change of consent."""
    family_ids = [family.pk for family in families]
    flags: dict[int, list[str]] = {pk: [] for pk in family_ids}
    if not family_ids:
        return flags
    assigned = teaching_selectors.assignments_for(families, today, details=False)
    for family_id in family_ids:
        done = recent[family_id]
        if assigned.get(family_id):
            since = assigned[family_id][0].starts_on
            quiet_days = (now - done.last).days if done.last else (today - since).days
            if quiet_days >= QUIET_DAYS:
                flags[family_id].append(
                    _("A routine is assigned, and no massage for %(n)d days.") % {"n": quiet_days}
                )
        ends = done.outcomes[:BABY_LED_IN_A_ROW]
        if len(ends) == BABY_LED_IN_A_ROW and all(o == Outcome.BABY_LED_END for o in ends):
            flags[family_id].append(
                _("The last %(n)d massages were baby-led ends.") % {"n": BABY_LED_IN_A_ROW}
            )
        # The share of enjoying cues falling over the last three weeks, each week with cues.
        shares = [
            done.engaging[n] / done.cues[n] if done.cues[n] else None
            for n in (WEEKS - 3, WEEKS - 2, WEEKS - 1)
        ]
        if None not in shares and shares[0] > shares[1] > shares[2]:
            flags[family_id].append(_("Enjoying it less, two weeks running."))

    # A consent narrowed lately: the family chose to share less.
    since = now - timedelta(days=NARROWED_RECENTLY_DAYS)
    rank = {str(scope): n for n, scope in enumerate(SCOPE_ORDER)}
    for family_id in family_ids:
        link = links[family_id]
        if (
            link.scope_before is not None
            and link.scope_changed_at >= since
            and rank.get(link.scope, -1) < rank.get(link.scope_before, -1)
        ):
            flags[family_id].append(
                _("Shares less with you since %(day)s.")
                % {"day": date_format(timezone.localtime(link.scope_changed_at), DAY_MONTH)}
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
