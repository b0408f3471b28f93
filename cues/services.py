"""Writes for cues: logging (exactly once per client id), undo, the response to a baby-led pause."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cues import rules
from cues.models import CUES, MAX_SECONDS_INTO_SESSION, CueEvent, InstructorNote, Response
from massage.errors import AppError
from sessions import services as session_services
from sessions.models import MassageSession, Outcome

# The player offers undo for 10 s; the server allows a little more for a slow network.
UNDO_SECONDS = 10
UNDO_GRACE_SECONDS = 5


class CueError(AppError):
    """A cue change that can't be made; the message is shown to the user."""


# A cue tapped just before the end reaches the server after the massage has ended (the "End" tap,
# a slow network, the phone's clock): it is still taken if it happened at most this long after.
LATE_CUE_ALLOWANCE = timedelta(seconds=30)
# A retry of a cue carries the same time, shifted by the phone's clock skew measured anew on each
# send. That measure includes the network's delay, and a retry happens precisely because a send
# was slow (its answer lost), so two sends of one cue can differ by many seconds.
SAME_TIME_TOLERANCE = timedelta(minutes=2)


def _stored_at(at, *, session, now):
    """A cue's time as it is stored: never after `now`, nor after the massage's end."""
    latest = now if session.ended_at is None else min(now, session.ended_at)
    return min(at, latest)


def _same_cue(cue, *, session, kind, step, at, note) -> bool:
    """Whether `cue` is the one described, sent again (a retry, a double tap, a reload)."""
    if (cue.session_id, cue.kind, cue.step_id) != (session.pk, kind, step.pk):
        return False
    # Measured as when the stored cue arrived, since a time "now" moves on between retries.
    if abs(_stored_at(at, session=session, now=cue.created_at) - cue.at) > SAME_TIME_TOLERANCE:
        return False
    # A note may have been added on the review page since; a retry without one still matches.
    return not note or note == cue.note


def _resent(cue, **sent) -> CueEvent:
    if not _same_cue(cue, **sent):
        raise CueError(_("This cue id was already used for a different cue."))
    return cue


_LOOK_UP = object()


def cue_log(
    *, session, user, client_id, kind, step, at, note="", now=None, existing=_LOOK_UP
) -> tuple[CueEvent, bool]:
    """Store a cue once. Sending the same cue again (a retry, a double tap) returns the first.

    Returns the cue and whether it was new. A client id already used for a different cue is
    refused, as is a cue that happened after the massage ended (beyond a small allowance).
    `existing`: the cue already stored with this client id (None for none), when the caller has
    looked it up already (the outbox's batch reads them all in one query).
    """
    now = now or timezone.now()
    sent = {"session": session, "kind": kind, "step": step, "at": at, "note": note}
    if existing is not _LOOK_UP and existing is not None:
        return _resent(existing, **sent), False
    # Otherwise a cue sent again is found by its client id when the insert below is refused:
    # most cues are new, and they then cost no look-up first.
    if session.ended_at is not None and min(at, now) > session.ended_at + LATE_CUE_ALLOWANCE:
        # A cue stored before the end and sent again after it is answered as stored.
        stored = _stored_cue(client_id) if existing is _LOOK_UP else None
        if stored is not None:
            return _resent(stored, **sent), False
        raise CueError(_("This massage has ended: cues can't be added to it any more."))
    at = _stored_at(at, session=session, now=now)
    cue = CueEvent.on_step(
        session, step, kind, at, recorded_by=user, client_id=client_id, note=note
    )
    if cue.seconds_into_session > MAX_SECONDS_INTO_SESSION:
        # The database refuses it too; say why rather than blame the cue id below.
        raise CueError(_("This massage began too long ago to take new cues."))
    try:
        with transaction.atomic():
            cue.save()
    except IntegrityError as error:
        # The same cue sent again, or twice at once: the first one stored it.
        existing = _stored_cue(client_id)
        if existing is None:
            raise CueError(_("This cue id was already used for a different cue.")) from error
        return _resent(existing, **sent), False
    return cue, True


def _stored_cue(client_id) -> CueEvent | None:
    return CueEvent.objects.filter(client_id=client_id).first()


def prompt_for(cue) -> rules.Prompt:
    """The baby-led prompt for a cue, judged with the session's other standing cues."""
    earlier = list(
        CueEvent.objects.logged()
        .filter(session_id=cue.session_id, at__lte=cue.at)
        .exclude(pk=cue.pk)
        .values_list("kind", "seconds_into_session")
    )
    return rules.respond(cue.kind, cue.seconds_into_session, earlier)


def asks_pause(cue) -> bool:
    return prompt_for(cue).level == rules.Level.PAUSE


def cue_undo(*, cue, now=None, tapped_at=None) -> CueEvent:
    """Take back a cue logged a moment ago. Undoing twice is harmless.

    `tapped_at`: when the phone's outbox says undo was tapped (on the server's clock). A cue and
    its undo sent together after hours offline reached the server late, not undone late: the
    time between the cue and the tap counts then.
    """
    now = now or timezone.now()
    allowed = timedelta(seconds=UNDO_SECONDS + UNDO_GRACE_SECONDS)
    with transaction.atomic():
        cue = CueEvent.objects.select_for_update().get(pk=cue.pk)
        if cue.undone_at is not None:
            return cue
        in_time = now - cue.created_at <= allowed or (
            tapped_at is not None and abs(tapped_at - cue.at) <= allowed
        )
        if not in_time:
            raise CueError(_("It is too late to undo this cue: undo works for 10 seconds."))
        cue.undone_at = now
        cue.save(update_fields=["undone_at"])
    return cue


def cue_respond(*, cue, response, move_session=False, at=None) -> CueEvent:
    """Record what the parent chose at a baby-led pause; ending closes the massage as baby-led.

    The player skips a body area itself; `move_session` makes the server do it (no JavaScript).
    `at`: when the answer was given, from a phone's outbox (the massage ends then); else now.
    Sending the same answer again is harmless; any other answer once the massage has ended, or
    to a cue that asked for no pause, is refused.
    """
    try:
        with transaction.atomic():
            # Locked, then read again: the other caregiver may be ending or moving this massage.
            session = MassageSession.objects.select_for_update().get(pk=cue.session_id)
            cue = CueEvent.objects.select_for_update().get(pk=cue.pk)
            cue.session = session
            if cue.undone_at is not None:
                raise CueError(_("This cue was undone."))
            if cue.response == response:
                return cue
            if not session.is_running:
                raise CueError(_("This massage has ended: its pauses can't be answered any more."))
            if not asks_pause(cue):
                raise CueError(
                    _("This cue did not ask for a pause, so there is nothing to answer.")
                )
            cue.response = response
            cue.save(update_fields=["response"])
            if response == Response.END:
                session_services.session_finish(
                    session=session,
                    outcome=Outcome.BABY_LED_END,
                    reason=baby_led_reason(cue),
                    at=None if at is None else max(at, session.started_at),
                )
            elif response == Response.SKIP_AREA and move_session:
                _skip_area(session, cue.body_area)
    except session_services.SessionError as error:
        raise CueError(str(error)) from error
    return cue


def _skip_area(session, area):
    """Skip the step on screen and those after it on the same body area."""
    session.refresh_from_db()
    while session.is_running and session.current_step and session.current_step.body_area == area:
        session = session_services.session_move(
            session=session, from_step=session.current_step, action="skip"
        )


# Each body area's steps as they'd be named in a sentence: "during the leg strokes".
AREA_STROKES = {
    "legs": _lazy("the leg strokes"),
    "feet": _lazy("the foot strokes"),
    "tummy": _lazy("the tummy strokes"),
    "chest": _lazy("the chest strokes"),
    "arms": _lazy("the arm strokes"),
    "hands": _lazy("the hand strokes"),
    "face": _lazy("the face strokes"),
    "back": _lazy("the back strokes"),
    "whole_body": _lazy("the whole-body strokes"),
}


def baby_led_reason(cue) -> str:
    """Why a massage ended, from the cue that ended it: "Cried during the tummy strokes"."""
    area = AREA_STROKES.get(cue.body_area) or _("the %(area)s strokes") % {
        "area": cue.get_body_area_display().lower()
    }
    return _("%(did)s during %(area)s") % {"did": CUES[cue.kind].past, "area": area}


def cue_set_note(*, cue, note) -> CueEvent:
    cue.note = note
    cue.save(update_fields=["note"])
    return cue


def note_write(*, instructor, family, text: str, session=None) -> InstructorNote:
    """A word from the instructor to a family they teach (checked by the caller, through
    `cues.teaching.family_for_instructor`), on one of its massages or on the family."""
    if session is not None and session.baby.family_id != family.pk:
        raise CueError(_("That massage is not this family's."))
    return InstructorNote.objects.create(
        instructor=instructor, family=family, session=session, text=text
    )


def note_reply(*, note: InstructorNote, user, text: str, now=None) -> InstructorNote:
    """The family's one answer to a note. A second answer, even sent at the same moment from
    another phone, is refused: the first one stays."""
    now = now or timezone.now()
    answered = InstructorNote.objects.filter(pk=note.pk, replied_at__isnull=True).update(
        reply=text, replied_by=user, replied_at=now
    )
    if not answered:
        raise CueError(_("This note has its answer already: a note gets one reply."))
    note.refresh_from_db()
    return note
