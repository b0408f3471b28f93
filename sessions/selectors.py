"""Reads of massage sessions, always through the user's own families (`massage.access`)."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from massage import access
from massage.models import Step
from sessions.models import MassageSession, StepVisit


def sessions_of(user) -> QuerySet[MassageSession]:
    """The massages the user may look at."""
    return MassageSession.objects.filter(baby__family__in=access.readable_families(user))


def sessions_to_record(user) -> QuerySet[MassageSession]:
    """The massages the user may run, log cues in and write notes on."""
    families = access.changeable_families(user, access.RECORD)
    return MassageSession.objects.filter(baby__family__in=families)


def session_of(user, session_id) -> MassageSession:
    """A session of one of the user's babies, with what its pages show; 404 otherwise."""
    return get_object_or_404(
        sessions_of(user).select_related("baby", "routine", "current_step"), pk=session_id
    )


def session_to_record(user, session_id) -> MassageSession:
    """Like session_of, for a change: playing it, its progress, its end, its cues and notes.
    404 for a session the user may not change (today the same as those they may see)."""
    return get_object_or_404(
        sessions_to_record(user).select_related("baby", "routine", "current_step"), pk=session_id
    )


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


def session_steps(session) -> list[Step]:
    """The steps the session plays, in order, without those left out at the start."""
    if session.routine_id is None:
        return []
    excluded = set(session.excluded_steps)
    steps = Step.objects.filter(routine_id=session.routine_id).order_by("order")
    return [step for step in steps if step.pk not in excluded]


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
