"""Reads of massage sessions, always through the user's own families (`massage.access`), and of
reminders (a person's own, the instructor's suggestions, and those due to be sent)."""

from datetime import date, time, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from massage import access
from massage.content import columns
from massage.models import Assignment, Membership, Routine, Step
from massage.selectors import library as library_selectors
from massage.selectors import teaching as teaching_selectors
from sessions.models import MassageSession, Reminder, ReminderSent, StepVisit


def sessions_of(user) -> QuerySet[MassageSession]:
    """The massages the user may look at."""
    return MassageSession.objects.filter(baby__family__in=access.readable_families(user))


def sessions_to_record(user) -> QuerySet[MassageSession]:
    """The massages the user may run, log cues in and write notes on."""
    families = access.changeable_families(user, access.RECORD)
    return MassageSession.objects.filter(baby__family__in=families)


# What a session's pages show of its relations, read with it; `related=` names fewer for a
# page that shows less (the player's saves read none, the family's review only the baby).
SESSION_RELATED = ("baby", "routine", "current_step")


def session_of(user, session_id, *, related=SESSION_RELATED) -> MassageSession:
    """A session of one of the user's babies, with what its pages show; 404 otherwise."""
    return get_object_or_404(_with_related(sessions_of(user), related), pk=session_id)


def session_to_record(user, session_id, *, related=SESSION_RELATED) -> MassageSession:
    """Like session_of, for a change: playing it, its progress, its end, its cues and notes.
    404 for a session the user may not change (today the same as those they may see)."""
    return get_object_or_404(_with_related(sessions_to_record(user), related), pk=session_id)


def _with_related(sessions, related):
    # select_related() with no names would follow every relation, the opposite of "none".
    return sessions.select_related(*related) if related else sessions


def running_session_for(baby) -> MassageSession | None:
    return MassageSession.objects.filter(baby=baby, ended_at__isnull=True).first()


def last_readiness(baby) -> dict:
    """The answers given before the baby's latest massage ({} before the first)."""
    answers = (
        MassageSession.objects.filter(baby=baby)
        .order_by("-started_at")
        .values_list("readiness", flat=True)
        .first()
    )
    return answers or {}


def family_has_done(routine, family) -> bool:
    return MassageSession.objects.filter(routine=routine, baby__family=family).exists()


# What the player's saves read of a step: that it is one of the massage's, its order, area and
# stroke in each language (copied onto the cue or the visit) and its length (a visit's cap). Not
# its other texts, a column per language each.
STEP_FIELDS_TO_RECORD = (
    "id",
    "routine_id",
    "order",
    "body_area",
    "stroke",
    *columns("stroke"),
    "seconds",
    "repetitions",
    "seconds_per_repetition",
)


def session_steps(session, *, to_record=False) -> list[Step]:
    """The steps the session plays, in order, without those left out at the start;
    `to_record`: only the fields a cue or a progress save reads (STEP_FIELDS_TO_RECORD)."""
    if session.routine_id is None:
        return []
    excluded = set(session.excluded_steps)
    steps = Step.objects.filter(routine_id=session.routine_id).order_by("order")
    if to_record:
        steps = steps.only(*STEP_FIELDS_TO_RECORD)
    return [step for step in steps if step.pk not in excluded]


def routine_steps(session, *, played: list[Step]) -> list[Step]:
    """Every step of the session's routine, those left out at the start too; `played` is
    session_steps(session), which is all of them when none was left out."""
    if not session.excluded_steps:
        return played
    return list(Step.objects.filter(routine_id=session.routine_id).order_by("order"))


def routine_to_draw(user, routine_id) -> Routine:
    """A routine whose steps' pictures the user may fetch: one they may see in the library or
    their studio, or one that a massage they may run plays (an instructor's routine keeps playing
    to the end of a massage started before it was unassigned). 404 otherwise."""
    visible = library_selectors.routines_visible_to(user).values("pk")
    if user.is_authenticated:
        played = sessions_to_record(user).values("routine_id")
        routines = Routine.objects.filter(Q(pk__in=visible) | Q(pk__in=played))
    else:
        routines = Routine.objects.filter(pk__in=visible)
    return get_object_or_404(routines, pk=routine_id)


def resume_step(session, steps, visits) -> Step:
    """The step the session is on. If that step is gone (deleted in the studio, or never set),
    the first step not yet visited, or the last one when every step has been."""
    for step in steps:
        if step.pk == session.current_step_id:
            return step
    return next((step for step in steps if step.pk not in visits), steps[-1])


def visits_by_step(session) -> dict[int, StepVisit]:
    return {visit.step_id: visit for visit in session.visits.all()}


def session_summary(session) -> dict:
    visits = list(session.visits.order_by("order"))
    done = [v for v in visits if not v.skipped and v.seconds > 0]
    skipped = [v for v in visits if v.skipped]
    return {
        "session": session,
        "visits": visits,
        "done": done,
        "skipped": skipped,
        "massage_seconds": sum(v.seconds for v in done),
        "session_seconds": session.duration_seconds,
    }


def recent_sessions(baby, limit=5) -> list[MassageSession]:
    return list(
        MassageSession.objects.filter(baby=baby)
        .prefetch_related(Prefetch("visits", queryset=StepVisit.objects.order_by("order")))
        .order_by("-started_at")[:limit]
    )


# -- Reminders ----------------------------------------------------------------------------------


def reminder_of(membership) -> Reminder | None:
    """The member's own reminder for their family (on or off), or None before the first."""
    return Reminder.objects.filter(user=membership.user, family=membership.family).first()


def reminder_suggestions(family, today) -> list[Assignment]:
    """The family's running assignments whose instructor suggested reminder days and a time
    (from instructors it shares with, leaving out those it hid)."""
    return [
        assignment
        for assignment in teaching_selectors.assignments_for([family], today)[family.pk]
        if assignment.suggested_weekdays and assignment.suggested_time is not None
    ]


def reminder_for_token(token: str) -> Reminder:
    """The reminder an unsubscribe link stands for, or 404."""
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(Reminder.objects.select_related("family"), token=token)


def reminders_due(now) -> list[tuple[Reminder, date, time]]:
    """Every reminder due at `now` (see `Reminder.due_slot`) whose slot has not been claimed
    yet: (reminder, local date, time). Two queries, whatever the number of reminders.

    A slot claimed between this read and the claim is caught by the claim itself.
    """
    due = []
    # Only while the person is still in the family: someone who left gets no more reminders.
    members = Membership.objects.filter(user=OuterRef("user"), family=OuterRef("family"))
    for reminder in Reminder.objects.filter(Exists(members), active=True).order_by("pk"):
        slot = reminder.due_slot(now)
        if slot is not None:
            due.append((reminder, *slot))
    if not due:
        return []
    claimed = set(
        ReminderSent.objects.filter(
            reminder__in=[reminder.pk for reminder, _day, _at in due],
            slot_date__in={day for _reminder, day, _at in due},
        ).values_list("reminder", "slot_date", "slot_time")
    )
    return [(r, day, at) for r, day, at in due if (r.pk, day, at) not in claimed]


def reminder_week(reminder, today) -> dict:
    """What a reminder mail says of the family's week: its babies, and what its instructors
    assigned with the massages of that routine since Monday (a baby-led end counts)."""
    family = reminder.family
    babies = list(family.babies.order_by("birth_date", "pk"))
    monday = today - timedelta(days=today.weekday())
    running = teaching_selectors.assignments_for([family], today)[family.pk]
    done = {}
    if running:
        # Dates in the current time zone: the task sending the mail activates the reminder's.
        done = dict(
            MassageSession.objects.massages()
            .filter(
                baby__family=family,
                routine_id__in={assignment.routine_id for assignment in running},
                started_at__date__gte=monday,
                started_at__date__lte=today,
            )
            .values("routine")
            .annotate(n=Count("pk"))
            .values_list("routine", "n")
        )
    assigned = [
        {"assignment": assignment, "done": done.get(assignment.routine_id, 0)}
        for assignment in running
    ]
    return {"babies": babies, "assigned": assigned}
