"""Writes for massage sessions: start, progress, step changes, finish, closing stale ones; and
reminders: a person's own, turning them off, and sending those due."""

import secrets
import zoneinfo
from datetime import timedelta
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massage import access
from massage.content import texts_by_language
from massage.errors import AppError, Code
from sessions.models import (
    STALE_AFTER,
    MassageSession,
    Outcome,
    Reminder,
    ReminderSent,
    StepVisit,
    step_seconds_cap,
    weekday_bits,
)
from sessions.readiness import ReadinessForm, judge
from sessions.selectors import reminders_due, resume_step, running_session_for, session_steps
from sessions.tasks import send_reminder

# The player numbers its saves one by one; a jump far beyond the last one is not a real save.
MAX_SEQ_JUMP = 10_000
# The same end sent twice carries the same phone time, shifted by a clock skew measured anew on
# each send (network delay included): this close, with the same outcome, it is one end.
SAME_END_TOLERANCE = timedelta(minutes=2)


class SessionError(AppError):
    """A session change that can't be made; the message is shown to the user."""


class SessionConflict(SessionError):
    """The session is not where the request thought: it moved on elsewhere, or it ended."""

    def __init__(self, message, session):
        super().__init__(message)
        self.session = session


class SessionInputError(SessionError):
    code = Code.MALFORMED


class SessionIdTaken(SessionError):
    def __init__(self):
        super().__init__(_("This massage id was already used for a different massage."))


class SessionAlreadyRunning(SessionError):
    def __init__(self, running):
        super().__init__(_("A massage with this baby is already under way."))
        self.running = running


def session_start(
    *, baby, routine, user, answers, excluded_step_ids, client_id=None, started_at=None
) -> MassageSession:
    """Start a massage now, or (from the offline outbox) at `started_at` with the phone's id."""
    sessions_close_stale(baby=baby)
    running = running_session_for(baby)
    if running:
        raise SessionAlreadyRunning(running)
    steps = [s for s in routine.steps.order_by("order") if s.pk not in set(excluded_step_ids)]
    if not steps:
        raise SessionError(_("Every step of this routine was left out today. Choose another."))
    try:
        with transaction.atomic():
            session = MassageSession(
                baby=baby,
                routine=routine,
                routine_title=routine.title,
                routine_titles=texts_by_language(routine, "title"),
                started_by=user,
                state_at_start=answers["state"],
                readiness=answers,
                excluded_steps=list(excluded_step_ids),
                current_step=steps[0],
            )
            if client_id is not None:
                session.client_id = client_id
            if started_at is not None:
                # Activity stays "now": a massage synced hours after it began is not stale yet.
                session.started_at = started_at
            session.save(force_insert=True)
            return session
    except IntegrityError as error:
        if client_id is not None and MassageSession.objects.filter(client_id=client_id).exists():
            raise SessionIdTaken() from error
        # Two taps on Start at once: the database lets only one session run per baby.
        raise SessionAlreadyRunning(running_session_for(baby)) from error


def session_unsaved(*, baby, routine, user) -> MassageSession:
    """A massage as the player draws one before it exists: for the page that plays a massage
    started on the phone with no network, which the phone sends later (session_start_offline).
    Never saved; its id is 0, which no massage has, so the links drawn from it lead nowhere."""
    session = MassageSession(
        baby=baby,
        routine=routine,
        routine_title=routine.title,
        routine_titles=texts_by_language(routine, "title"),
        started_by=user,
        started_at=timezone.now(),
    )
    session.pk = 0
    return session


def session_start_offline(
    *, baby, routine, user, answers, go_ahead, client_id, started_at
) -> tuple[MassageSession, bool]:
    """A massage a phone started with no network, sent later from its outbox: the readiness
    answers are checked here as the start page checks them, and it keeps the phone's id and
    start time. Returns the session and whether it is new; sending it again returns the first.
    """
    existing = MassageSession.objects.filter(client_id=client_id).first()
    if existing is not None:
        if (existing.baby_id, existing.routine_id) != (baby.pk, routine.pk):
            raise SessionIdTaken()
        return existing, False
    steps = list(routine.steps.order_by("order"))
    form = ReadinessForm(answers, areas=[step.body_area for step in steps])
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise SessionInputError(f"{field}: {errors[0]}")
    answers = form.answers()
    today = timezone.localdate(started_at)
    verdict = judge(answers, steps=steps, baby=baby, routine=routine, today=today)
    if not verdict.may_start(go_ahead):
        raise SessionError(
            verdict.stop[0]
            if verdict.stop
            else _("The readiness check gave advice: starting needs go_ahead set to true.")
        )
    session = session_start(
        baby=baby,
        routine=routine,
        user=user,
        answers=answers,
        excluded_step_ids=verdict.excluded_step_ids,
        client_id=client_id,
        started_at=started_at,
    )
    return session, True


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


def session_finish(*, session, outcome, reason="", note=None, at=None) -> MassageSession:
    with transaction.atomic():
        locked = MassageSession.objects.select_for_update().get(pk=session.pk)
        if not locked.finish(outcome=outcome, reason=reason, note=note, at=at):
            raise SessionError(_("This massage has already ended."))
    return locked


class Finish(StrEnum):
    """What became of a finish sent from a phone's outbox (`session_finish_latest`)."""

    ENDED = "ended"  # the massage was running: it ends with this outcome
    REPLACED = "replaced"  # it had ended earlier (elsewhere): this later end is kept instead
    SAME = "same"  # this end is the one stored (sent again)
    OLDER = "older"  # a later end is stored: it stays


def session_finish_latest(*, session, outcome, reason, note, at) -> Finish:
    """End a massage as a phone recorded it, at `at` (on the server's clock). When two phones
    end it, the latest end wins, whichever arrives first; sending the same end again changes
    nothing. A note is only set when one is sent."""
    with transaction.atomic():
        locked = MassageSession.objects.select_for_update().get(pk=session.pk)
        at = max(at, locked.started_at)
        if locked.is_running:
            locked.finish(outcome=outcome, reason=reason, note=note or None, at=at)
            return Finish.ENDED
        same = (locked.outcome, locked.end_reason) == (outcome, reason)
        if same and abs(at - locked.ended_at) <= SAME_END_TOLERANCE:
            return Finish.SAME
        if at <= locked.ended_at:
            return Finish.OLDER
        locked.ended_at, locked.outcome, locked.end_reason = at, outcome, reason
        fields = ["ended_at", "outcome", "end_reason"]
        if note:
            locked.note = note
            fields.append("note")
        locked.save(update_fields=fields)
    return Finish.REPLACED


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


# -- Reminders ----------------------------------------------------------------------------------


class ReminderError(AppError):
    """A reminder that can't be set as asked; the message is shown to the user."""

    code = Code.INVALID


class ReminderGone(ReminderError):
    """The unsubscribe link's reminder is already off."""

    code = Code.GONE


def reminder_save(*, membership, weekdays, time, time_zone, now=None) -> Reminder:
    """Turn on (or change) the member's own reminder for their family: on these weekdays
    (0 = Monday … 6 = Sunday) at `time` in `time_zone`. Slots before `now` are not sent."""
    access.check_may_change(membership, access.RECORD)
    if not weekdays or any(not 0 <= int(day) <= 6 for day in weekdays):
        raise ReminderError(_("Choose at least one day for the reminder."))
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ReminderError(_("Choose your time zone from the list.")) from error
    with transaction.atomic():
        reminder, _created = Reminder.objects.select_for_update().get_or_create(
            user=membership.user,
            family=membership.family,
            defaults={
                "weekdays": weekday_bits(weekdays),
                "time": time,
                "time_zone": time_zone,
                "token": secrets.token_urlsafe(32),
            },
        )
        reminder.weekdays = weekday_bits(weekdays)
        reminder.time = time
        reminder.time_zone = time_zone
        reminder.active = True
        reminder.active_since = now or timezone.now()
        reminder.save()
    return reminder


def reminder_turn_off(*, membership) -> bool:
    """Turn the member's own reminder off (its days and time are kept); False if none was on."""
    return bool(
        Reminder.objects.filter(user=membership.user, family=membership.family, active=True).update(
            active=False
        )
    )


def reminder_unsubscribe(*, reminder: Reminder) -> None:
    """The mail's one-click link: turn this reminder off. A second time is ReminderGone."""
    with transaction.atomic():
        updated = Reminder.objects.filter(pk=reminder.pk, active=True).update(active=False)
    if not updated:
        raise ReminderGone(
            _("These reminders are already off. You can turn them on again on the family's page.")
        )
    reminder.active = False


def send_reminders(*, now=None) -> int:
    """Queue the mail of every reminder due at `now`; the number queued.

    Each slot is claimed first, by inserting its `ReminderSent` row, and the mail is queued in
    the same transaction: a run that finds the slot taken (the unique constraint refuses the
    row, even from another server at the same moment) sends nothing for it. Run it every few
    minutes (the `send_reminders` command); running it again at once sends nothing more.
    """
    now = now or timezone.now()
    queued = 0
    for reminder, day, at in reminders_due(now):
        try:
            with transaction.atomic():
                claim = ReminderSent.objects.create(
                    reminder=reminder, slot_date=day, slot_time=at, claimed_at=now
                )
                send_reminder.enqueue(claim.pk)
        except IntegrityError:
            continue  # another run claimed this slot first
        queued += 1
    return queued
