"""Writes for massage sessions: start, progress, step changes, finish, closing stale ones."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massage.errors import AppError, Code
from sessions.models import (
    STALE_AFTER,
    MassageSession,
    Outcome,
    StepVisit,
    step_seconds_cap,
)
from sessions.selectors import resume_step, running_session_for, session_steps

# The player numbers its saves one by one; a jump far beyond the last one is not a real save.
MAX_SEQ_JUMP = 10_000


class SessionError(AppError):
    """A session change that can't be made; the message is shown to the user."""


class SessionConflict(SessionError):
    """The session is not where the request thought: it moved on elsewhere, or it ended."""

    def __init__(self, message, session):
        super().__init__(message)
        self.session = session


class SessionInputError(SessionError):
    code = Code.MALFORMED


class SessionAlreadyRunning(SessionError):
    def __init__(self, running):
        super().__init__(_("A massage with this baby is already under way."))
        self.running = running


def session_start(*, baby, routine, user, answers, excluded_step_ids) -> MassageSession:
    sessions_close_stale(baby=baby)
    running = running_session_for(baby)
    if running:
        raise SessionAlreadyRunning(running)
    steps = [s for s in routine.steps.order_by("order") if s.pk not in set(excluded_step_ids)]
    if not steps:
        raise SessionError(_("Every step of this routine was left out today. Choose another."))
    try:
        with transaction.atomic():
            return MassageSession.objects.create(
                baby=baby,
                routine=routine,
                routine_title=routine.title,
                started_by=user,
                state_at_start=answers["state"],
                readiness=answers,
                excluded_steps=list(excluded_step_ids),
                current_step=steps[0],
            )
    except IntegrityError as error:
        # Two taps on Start at once: the database lets only one session run per baby.
        raise SessionAlreadyRunning(running_session_for(baby)) from error


def session_progress(*, session, seq, current_step, elapsed, visits) -> None:
    """Save the player's progress: where it is, and the time spent per step so far.

    `visits` maps steps to (seconds, skipped, extra seconds) as totals, so sending them again is
    harmless. Progress older than what was saved (a lower sequence number) is a conflict.
    """
    # Outside the transaction below, so the close is kept when the progress is then refused.
    session_close_if_stale(session)
    with transaction.atomic():
        _save_progress(
            session=session, seq=seq, current_step=current_step, elapsed=elapsed, visits=visits
        )


def _save_progress(*, session, seq, current_step, elapsed, visits):
    locked = MassageSession.objects.select_for_update().get(pk=session.pk)
    if not locked.is_running:
        raise SessionConflict(
            _("This massage has ended: its progress can't change any more."), locked
        )
    if seq <= locked.progress_seq:
        raise SessionConflict(_("This progress is older than what is already saved."), locked)
    if seq > locked.progress_seq + MAX_SEQ_JUMP:
        raise SessionInputError(_("This progress is numbered far ahead of what was saved."))
    rows = []
    for step, (seconds, skipped, *extra) in visits.items():
        rows.append(
            StepVisit.of(
                locked,
                step,
                seconds=seconds,
                skipped=skipped,
                extra_seconds=extra[0] if extra else 0,
            )
        )
    if rows:
        StepVisit.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["session", "step"],
            update_fields=["seconds", "skipped", "extra_seconds"],
        )
    locked.progress_seq = seq
    locked.current_step = current_step
    locked.current_elapsed = elapsed
    locked.last_activity_at = timezone.now()
    locked.save(
        update_fields=["progress_seq", "current_step", "current_elapsed", "last_activity_at"]
    )
    session.progress_seq = seq


@transaction.atomic
def session_move(*, session, from_step, action) -> MassageSession:
    """The plain-form player: next, previous or skip from the step the parent was looking at.

    Time on a step is measured by the server here, from the last change to now. A session whose
    current step is gone (deleted in the studio) goes on from the first step not yet visited.
    """
    locked = MassageSession.objects.select_for_update().get(pk=session.pk)
    if not locked.is_running:
        raise SessionConflict(_("This massage has ended."), locked)
    steps = session_steps(locked)
    visits = {visit.step_id: visit for visit in locked.visits.all()}
    if resume_step(locked, steps, visits) != from_step:
        raise SessionConflict(
            _("The massage had already moved on; here is where it is now."), locked
        )
    index = steps.index(from_step)
    now = timezone.now()
    visit = visits.get(from_step.pk) or StepVisit.of(locked, from_step)
    if action == "skip":
        visit.skipped = True
    else:
        spent = max((now - locked.last_activity_at).total_seconds(), 0)
        visit.seconds = min(visit.seconds + spent, step_seconds_cap(from_step, visit.extra_seconds))
        if action == "next":
            visit.skipped = False  # gone back to and done after all
    visit.save()
    target = index - 1 if action == "previous" else index + 1
    locked.last_activity_at = now
    locked.current_elapsed = 0
    if target >= len(steps):
        locked.save(update_fields=["last_activity_at", "current_elapsed"])
        if locked.has_step_done():
            locked.finish(outcome=Outcome.COMPLETED, at=now)
        else:  # every step skipped: not the whole routine
            locked.finish(outcome=Outcome.ENDED_EARLY, reason=_("Every step was skipped"), at=now)
        return locked
    locked.current_step = steps[max(target, 0)]
    locked.save(update_fields=["current_step", "last_activity_at", "current_elapsed"])
    return locked


def session_finish(*, session, outcome, reason="", note=None) -> MassageSession:
    with transaction.atomic():
        locked = MassageSession.objects.select_for_update().get(pk=session.pk)
        if not locked.finish(outcome=outcome, reason=reason, note=note):
            raise SessionError(_("This massage has already ended."))
    return locked


def sessions_close_stale(*, baby=None, now=None) -> int:
    """Close sessions left running with no progress for hours, as interrupted (not lost)."""
    now = now or timezone.now()
    stale = MassageSession.objects.filter(
        ended_at__isnull=True, last_activity_at__lt=now - STALE_AFTER
    )
    if baby is not None:
        stale = stale.filter(baby=baby)
    return sum(_close_if_stale(session, now=now) for session in stale)


def session_close_if_stale(session, *, now=None) -> bool:
    """Close this session as interrupted if it was left behind; True if it was closed now.

    Done when someone opens it, so an abandoned massage shows as interrupted without waiting for
    the hourly command. The session passed in is updated.
    """
    if not session.is_stale(now):
        return False  # the common case costs no query
    with transaction.atomic():
        locked = MassageSession.objects.select_for_update().get(pk=session.pk)
        closed = _close_if_stale(locked, now=now)
    session.ended_at, session.outcome, session.end_reason = (
        locked.ended_at,
        locked.outcome,
        locked.end_reason,
    )
    return closed


def _close_if_stale(session, *, now=None) -> bool:
    if not session.is_stale(now):
        return False
    return session.finish(
        outcome=Outcome.INTERRUPTED, reason=_("Left unfinished"), at=session.last_activity_at
    )
