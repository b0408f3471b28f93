"""Writes for massage sessions: start, progress, step changes, finish, closing stale ones."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions.models import MassageSession, Outcome, StepVisit
from sessions.selectors import running_session_for, session_steps

# A running session with no progress for this long was left behind: it is closed as interrupted.
STALE_AFTER = timedelta(hours=3)


class SessionError(Exception):
    """A session change that can't be made; the message is shown to the user."""

    status = 409


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


@transaction.atomic
def session_progress(*, session, seq, current_step, elapsed, visits) -> None:
    """Save the player's progress: where it is, and the time spent per step so far.

    `visits` maps steps to (seconds, skipped) as totals, so sending them again is harmless.
    Progress older than what was saved (a lower sequence number) is refused by the caller.
    """
    locked = MassageSession.objects.select_for_update().get(pk=session.pk)
    if not locked.is_running:
        raise SessionError(_("This massage has ended: its progress can't change any more."))
    if seq <= locked.progress_seq:
        raise SessionError(_("This progress is older than what is already saved."))
    rows = []
    for step, (seconds, skipped) in visits.items():
        rows.append(StepVisit.of(locked, step, seconds=seconds, skipped=skipped))
    if rows:
        StepVisit.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["session", "step"],
            update_fields=["seconds", "skipped"],
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

    Time on a step is measured by the server here, from the last change to now.
    """
    locked = MassageSession.objects.select_for_update().get(pk=session.pk)
    if not locked.is_running:
        raise SessionError(_("This massage has ended."))
    if locked.current_step_id != from_step.pk:
        raise SessionError(_("The massage had already moved on; here is where it is now."))
    steps = session_steps(locked)
    index = next(i for i, s in enumerate(steps) if s.pk == from_step.pk)
    now = timezone.now()
    spent = min((now - locked.last_activity_at).total_seconds(), 600)
    visit, _created = StepVisit.objects.get_or_create(
        session=locked,
        step=from_step,
        defaults={
            "order": from_step.order,
            "body_area": from_step.body_area,
            "stroke": from_step.stroke,
        },
    )
    if action == "skip":
        visit.skipped = True
    else:
        visit.seconds = min(visit.seconds + spent, 3600)
    visit.save(update_fields=["seconds", "skipped"])
    target = index - 1 if action == "previous" else index + 1
    locked.last_activity_at = now
    locked.current_elapsed = 0
    if target >= len(steps):
        locked.save(update_fields=["last_activity_at", "current_elapsed"])
        locked.finish(outcome=Outcome.COMPLETED, at=now)
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
    closed = 0
    for session in stale:
        closed += session.finish(
            outcome=Outcome.INTERRUPTED,
            reason=_("Left unfinished"),
            at=session.last_activity_at,
        )
    return closed
