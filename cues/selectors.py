"""Reads of cues, always through the user's own families (via the session selectors)."""

import functools
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import CharField, Count, Max, Min, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from cues.models import CueEvent, InstructorNote, Valence
from massage import access
from massage.content import FALLBACK_LANGUAGE, page_language
from massage.models import Step, User
from massage.vocabulary import BODY_AREAS
from sessions import selectors as session_selectors
from sessions.models import MassageSession, StepVisit
from sessions.readiness import ReadinessForm


def cue_of(user, session_id, client_id) -> CueEvent:
    """A cue of a session the user may record in, found by the id its client gave it, to undo,
    answer or annotate it; 404 otherwise."""
    session = session_selectors.session_to_record(user, session_id)
    cue = get_object_or_404(
        CueEvent.objects.select_related("session"), session=session, client_id=client_id
    )
    cue.session = session
    return cue


# The family's look back: a session's review, a baby's history ----------------------------------

ENGAGING = Q(valence=Valence.ENGAGEMENT)
DISENGAGING = Q(valence=Valence.DISENGAGEMENT)


def _valence_counts(prefix=""):
    """Count(…) for engagement and disengagement cues, for .annotate() or .aggregate()."""
    if not prefix:
        return {
            "engaging": Count("pk", filter=ENGAGING),
            "disengaging": Count("pk", filter=DISENGAGING),
        }
    # Across a relation the manager can't be called: this is CueEvent.objects.logged()'s rule.
    logged = Q(**{f"{prefix}undone_at__isnull": True})
    return {
        "engaging": Count(
            prefix.rstrip("_"), filter=logged & Q(**{f"{prefix}valence": Valence.ENGAGEMENT})
        ),
        "disengaging": Count(
            prefix.rstrip("_"), filter=logged & Q(**{f"{prefix}valence": Valence.DISENGAGEMENT})
        ),
    }


def session_cue_counts(session) -> dict:
    """How many standing cues of each side a session has: one query."""
    counts = CueEvent.objects.logged().filter(session=session).aggregate(**_valence_counts())
    counts["total"] = counts["engaging"] + counts["disengaging"]
    return counts


def readiness_answers(session) -> list[tuple[str, str]]:
    """The safety-check answers as (question, answer) in the words the parent saw."""
    answers = []
    for name, label, choices in _readiness_questions(get_language()):
        value = session.readiness.get(name) if isinstance(session.readiness, dict) else None
        if value in (None, "", []):
            continue
        values = value if isinstance(value, list) else [value]
        answers.append((label, ", ".join(choices.get(str(v), str(v)) for v in values)))
    return answers


@functools.cache
def _readiness_questions(language) -> list[tuple[str, str, dict[str, str]]]:
    """The check's questions as (name, words, {answer: words}) in `language`, the active one:
    the same for every review, so built once rather than a form on every request."""
    form = ReadinessForm(areas=list(BODY_AREAS))
    return [
        (name, str(field.label), {str(k): str(v) for k, v in getattr(field, "choices", [])})
        for name, field in form.fields.items()
        if name != "go_ahead"
    ]


def session_timeline(session) -> dict:
    """A session's standing cues in time order and its steps (visits) in order: two queries."""
    cues = CueEvent.objects.logged().filter(session=session)
    return {
        "session": session,
        "cues": list(cues.order_by("seconds_into_session", "at", "pk")),
        "visits": list(session.visits.order_by("order", "pk")),
    }


def session_review_rows(session) -> list[tuple]:
    """Every row the family's review draws from besides the session and its baby, as the
    database holds it, in one query: the standing cues, the step visits, the instructors' notes
    on the session and the people who wrote and answered them (all their columns but password
    and last log-in). For telling whether anything the review shows has changed (its cache key,
    `cues.pages.family_review_page`), not for drawing it: the values are as stored, unconverted.

    The statement is written once per database, from the models' own tables and columns; the
    ORM would spend longer building the four queries than the database takes to answer them.
    """
    with connection.cursor() as cursor:
        cursor.execute(_review_rows_sql(connection.vendor), [session.pk] * 5)
        return cursor.fetchall()


@functools.cache
def _review_rows_sql(vendor) -> str:
    quote = connection.ops.quote_name

    def columns(model, leave_out=()):
        return [
            f"CAST({quote(field.column)} AS TEXT)"
            for field in model._meta.concrete_fields
            if field.attname not in leave_out
        ]

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    notes = quote(InstructorNote._meta.db_table)
    note_session = column(InstructorNote, "session")
    people = (
        f"{column(User, 'id')} IN (SELECT {column(InstructorNote, 'instructor')} FROM {notes} "
        f"WHERE {note_session} = %s UNION SELECT {column(InstructorNote, 'replied_by')} "
        f"FROM {notes} WHERE {note_session} = %s)"
    )
    parts = [
        (
            "cue",
            CueEvent,
            columns(CueEvent),
            f"{column(CueEvent, 'session')} = %s AND {column(CueEvent, 'undone_at')} IS NULL",
        ),
        ("visit", StepVisit, columns(StepVisit), f"{column(StepVisit, 'session')} = %s"),
        ("note", InstructorNote, columns(InstructorNote), f"{note_session} = %s"),
        ("person", User, columns(User, ("password", "last_login")), people),
    ]
    width = max(len(selected) for _, _, selected, _ in parts)
    selects = [
        f"SELECT '{name}', {', '.join(selected + ['NULL'] * (width - len(selected)))} "
        f"FROM {quote(model._meta.db_table)} WHERE {where}"
        for name, model, selected, where in parts
    ]
    return " UNION ALL ".join(selects) + " ORDER BY 1, 2"


def session_review(session) -> dict:
    """Everything the review page shows, in four queries however long the session was.

    The cues in time order, the steps (visits) in order, and the cues counted per body area and
    per step (a stroke done twice in a routine counts on each of its steps) by the database.
    """
    timeline = session_timeline(session)
    cues = CueEvent.objects.logged().filter(session=session)
    by_area = list(
        cues.values("body_area")
        .annotate(**_valence_counts(), first=Min("seconds_into_session"))
        .order_by("first", "body_area")
    )
    by_step = list(
        cues.values("step_id", "body_area", "stroke", "stroke_names")
        .annotate(**_valence_counts(), first=Min("seconds_into_session"))
        .order_by("first", "stroke")
    )
    area_labels = dict(Step.BodyArea.choices)
    for row in by_area:
        row["label"] = area_labels.get(row["body_area"], row["body_area"])
    return timeline | {
        "by_area": by_area,
        "by_step": by_step,
        "engaging": sum(row["engaging"] for row in by_area),
        "disengaging": sum(row["disengaging"] for row in by_area),
        "readiness": readiness_answers(session),
    }


def baby_sessions(baby) -> QuerySet[MassageSession]:
    """A baby's massages, newest first: page them, then count their cues with `with_cue_counts`.

    `baby` comes from massage.selectors.baby_of(user, ...), which scoped it to the user.
    A session ended before any step was done is not a massage: it is left out (see
    `MassageSessionQuerySet.massages`).
    """
    return MassageSession.objects.massages().filter(baby=baby).order_by("-started_at", "-pk")


def with_cue_counts(sessions) -> list[MassageSession]:
    """These sessions (one page of them) as a list, each with its standing cues counted as
    `engaging` and `disengaging`: one query, over the page's sessions only."""
    sessions = list(sessions)
    counts = {
        row["session_id"]: row
        for row in CueEvent.objects.logged()
        .filter(session_id__in=[session.pk for session in sessions])
        .values("session_id")
        .annotate(**_valence_counts())
        .order_by()
    }
    for session in sessions:
        row = counts.get(session.pk, {})
        session.engaging = row.get("engaging", 0)
        session.disengaging = row.get("disengaging", 0)
    return sessions


def week_starts(today: date, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, this week last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def baby_weeks(baby, *, weeks=12, today=None) -> list[dict]:
    """Massages and cues per week for the last `weeks` weeks: one query.

    A massage's cues count in the week the massage began, in the user's time zone. Sessions
    ended before any step was done are not massages and count nowhere. The database counts
    each massage's cues, over a range of `started_at` its index answers; the massages (a few a
    week) are then put in their weeks here, so no per-row date function runs in the database.
    """
    starts = week_starts(today or timezone.localdate(), weeks)
    since = timezone.make_aware(datetime.combine(starts[0], time.min))
    rows = (
        MassageSession.objects.massages()
        .filter(baby=baby, started_at__gte=since)
        .values("pk", "started_at")
        .annotate(**_valence_counts("cues__"))
        .order_by()
    )
    found = {
        start: {"start": start, "sessions": 0, "engaging": 0, "disengaging": 0} for start in starts
    }
    for row in rows:
        day = timezone.localtime(row["started_at"]).date()
        week = found.get(day - timedelta(days=day.weekday()))
        if week is None:  # started after this week (a clock ahead): not in these weeks
            continue
        week["sessions"] += 1
        week["engaging"] += row["engaging"]
        week["disengaging"] += row["disengaging"]
    return list(found.values())


def baby_history_version(baby) -> tuple[str, bool]:
    """A key that changes whenever what the history counts or lists may have, and whether a
    massage of the baby is under way: two queries on indexes, however long the history.

    From the baby's sessions: how many, how many ended, the last end; and from their cues: how
    many, their ids, how many taken back. An ended massage changes no more in the app (its step
    visits change only while it runs, and ending it sets `ended_at` once), so these cover every
    new massage, end, cue and undo. The baby's creation time keeps a new baby that was given an
    old one's id apart.
    """
    sessions = MassageSession.objects.filter(baby=baby).aggregate(
        n=Count("pk"), ended=Count("ended_at"), last_end=Max("ended_at")
    )
    cues = CueEvent.objects.filter(session__baby=baby).aggregate(
        n=Count("pk"), ids=Sum("pk"), undone=Count("undone_at")
    )
    last_end = sessions["last_end"].isoformat() if sessions["last_end"] else "-"
    key = (
        f"{baby.pk}:{baby.created_at.isoformat()}:{sessions['n']}:{sessions['ended']}:"
        f"{last_end}:{cues['n']}:{cues['ids'] or 0}:{cues['undone']}"
    )
    return key, sessions["ended"] < sessions["n"]


def _same_stroke():
    """A stroke the same whichever language it was played in: its step's English name where it
    had one, else its name as played."""
    return Coalesce(KT(f"stroke_names__{FALLBACK_LANGUAGE}"), "stroke", output_field=CharField())


def _stroke_in_page_language():
    return Coalesce(KT(f"stroke_names__{page_language()}"), "stroke", output_field=CharField())


def baby_insight_counts(baby) -> dict:
    """The counts the insight is built from, over the baby's ended massages: four queries.

    Cues per (body area, stroke, kind), a stroke played in two languages counted as one and
    named in the page's (`name`); the massages each stroke and each area was done in
    (from the steps done); and how many massages have cues at all. A session ended before any
    step was done is not a massage, and its cues are left out with it.
    """
    ended = MassageSession.objects.massages().filter(baby=baby, ended_at__isnull=False)
    cues = CueEvent.objects.logged().filter(session__in=ended)
    rows = [
        {
            "body_area": row["body_area"],
            "stroke": row["same_stroke"],
            "name": row["name"],
            "kind": row["kind"],
            "n": row["n"],
        }
        for row in cues.values("body_area", "kind", same_stroke=_same_stroke())
        .annotate(n=Count("pk"), name=Max(_stroke_in_page_language()))
        .order_by()
    ]
    sessions_with_cues = cues.aggregate(n=Count("session", distinct=True))["n"]
    visits = StepVisit.objects.done().filter(session__baby=baby, session__ended_at__isnull=False)
    stroke_sessions = {
        (row["body_area"], row["same_stroke"]): row["n"]
        for row in visits.values("body_area", same_stroke=_same_stroke())
        .annotate(n=Count("session", distinct=True))
        .order_by()
    }
    area_sessions = {
        row["body_area"]: row["n"]
        for row in visits.values("body_area").annotate(n=Count("session", distinct=True)).order_by()
    }
    return {
        "rows": rows,
        "sessions_with_cues": sessions_with_cues,
        "stroke_sessions": stroke_sessions,
        "area_sessions": area_sessions,
        "area_labels": dict(Step.BodyArea.choices),
    }


NOTES_ON_TODAY_DAYS = 21


def notes_for_today(families, *, now=None) -> dict[int, list[InstructorNote]]:
    """The instructors' recent words to these families (the user's own, from Today's selector),
    newest first: those of the last three weeks, and any older one still waiting for a reply."""
    now = now or timezone.now()
    recent = Q(created_at__gte=now - timedelta(days=NOTES_ON_TODAY_DAYS)) | Q(
        replied_at__isnull=True
    )
    notes = (
        InstructorNote.objects.filter(recent, family__in=[family.pk for family in families])
        .select_related("instructor", "session", "replied_by")
        .order_by("-created_at", "-pk")
    )
    found = {}
    for note in notes[:50]:
        found.setdefault(note.family_id, []).append(note)
    return found


def session_notes(session) -> list[InstructorNote]:
    """The instructors' words on one massage (the session comes scoped from its selector)."""
    return list(
        session.instructor_notes.select_related("instructor", "replied_by").order_by("created_at")
    )


def note_to_answer(user, note_id) -> InstructorNote:
    """A note to one of the families where the user records massages; 404 otherwise."""
    families = access.changeable_families(user, access.RECORD)
    return get_object_or_404(
        InstructorNote.objects.select_related("family", "session"),
        pk=note_id,
        family__in=families,
    )
