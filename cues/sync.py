"""The phone's outbox, sent in one request: massage starts, cues, undos, pause answers, progress
and finishes queued while the network was away (or simply not yet sent).

Each item is checked and stored by the same services as the player's one-at-a-time requests,
so the rules are the same: a cue is stored once per client id, progress is numbered, an undo
works for seconds. Each item gets its own answer, in order: "stored", "already had it" (sent
before, or overtaken by something newer: nothing to do) or "refused" with the reason. One bad
item never stops the others, and nothing is stored for an item that is refused.

Two phones on one massage merge as the README's "Offline and two devices" says: cues are only
ever added, progress keeps the highest counter (`seq`), the end keeps the latest finish.

Times are the phone's, put on the server's clock with the skew measured from the batch's
`sent_at`, as the cue endpoint does for one cue.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cues import services
from cues.forms import CLOCK_SLACK, CueForm, ResponseForm, clock_skew
from cues.models import CueEvent
from massage import access
from massage.errors import AppError
from massage.selectors import families as family_selectors
from massage.selectors import library as library_selectors
from sessions import selectors as session_selectors
from sessions import services as session_services
from sessions.forms import FinishForm, ProgressForm
from sessions.models import MassageSession

MAX_ITEMS = 500
# A massage started offline is taken this long after it began; an older start is refused.
OFFLINE_START_MAX_AGE = timedelta(days=7)
# Ids as the URLs take them (massage.converters): 1 to 18 digits.
MAX_ID = 10**18 - 1
TEXT_LIMIT = 2000  # the longest text any item holds (a massage's note)
VISITS_LIMIT = 20_000  # ProgressForm's own limit for the step times

STORED = "stored"
ALREADY = "already had it"
REFUSED = "refused"

# The same words whether the massage is another family's, was deleted, or never existed.
NOT_YOURS = _lazy("No massage of yours has this id: it may have been deleted.")


class BatchError(AppError):
    """The request as a whole can't be read; nothing in it was looked at."""


class TooManyItems(BatchError):
    pass


class Refused(Exception):
    """One item refused: the message says why, for the developer reading the answer."""


@dataclass
class Answer:
    status: str
    reason: str = ""
    session: int | None = None


def read_batch(body: bytes) -> tuple[list, str | None]:
    """The items and the phone's `sent_at` of a request body, or BatchError saying what is wrong
    (TooManyItems for more than MAX_ITEMS)."""

    def no_constants(name):
        raise ValueError(name)  # NaN and Infinity are not JSON

    try:
        payload = json.loads(body, parse_constant=no_constants)
    except (ValueError, RecursionError) as error:
        raise BatchError(_('The body is not JSON: send {"items": [...]}.')) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise BatchError(_('Send a JSON object with a list of items: {"items": [...]}.'))
    items = payload["items"]
    if len(items) > MAX_ITEMS:
        raise TooManyItems(
            _("At most %(max)d items can be sent at once; this has %(count)d. Send them in parts.")
            % {"max": MAX_ITEMS, "count": len(items)}
        )
    sent_at = payload.get("sent_at")
    if sent_at is not None and (not isinstance(sent_at, str) or _parse_time(sent_at) is None):
        raise BatchError(_("sent_at must be a time with its offset, like 2025-03-01T10:00:00Z."))
    return items, sent_at


def _parse_time(text):
    if len(text) > 64:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:
        return None
    if value is None or timezone.is_naive(value):
        return None
    return value


def sync_batch(*, user, items, sent_at=None, now=None) -> list[dict]:
    """Store what the items hold, each once; the answer to each, in order."""
    return _Batch(user, items, sent_at, now or timezone.now()).run()


# -- Reading one item's fields --------------------------------------------------------------------


def _missing(name):
    return Refused(_("%(field)s is missing.") % {"field": name})


def _text(item, name, *, required=True, limit=TEXT_LIMIT):
    value = item.get(name)
    if value is None:
        if required:
            raise _missing(name)
        return ""
    if not isinstance(value, str):
        raise Refused(_("%(field)s must be text.") % {"field": name})
    if len(value) > limit:
        raise Refused(
            _("%(field)s is too long: at most %(max)d characters.") % {"field": name, "max": limit}
        )
    return value


def _whole(item, name):
    value = item.get(name)
    if value is None:
        raise _missing(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise Refused(_("%(field)s must be a whole number above 0.") % {"field": name})
    return value


def _number(item, name):
    value = item.get(name)
    if value is None:
        raise _missing(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused(_("%(field)s must be a number.") % {"field": name})
    return value


def _uuid(item, name="id"):
    value = _text(item, name, limit=64)
    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise Refused(_("%(field)s is not a valid UUID.") % {"field": name}) from error


def _flag(item, name):
    value = item.get(name, False)
    if not isinstance(value, bool):
        raise Refused(_("%(field)s must be true or false.") % {"field": name})
    return value


def _session_ref(item):
    """The massage an item is for: its id on the server, or the phone's UUID for a massage
    started offline."""
    value = item.get("session")
    if isinstance(value, str):
        return _uuid(item, "session")
    if value is None:
        raise _missing("session")
    return _whole(item, "session")


def _form_refusal(form):
    field, errors = next(iter(form.errors.items()))
    message = errors[0]
    return Refused(message if field == "__all__" else f"{field}: {message}")


class _Batch:
    def __init__(self, user, items, sent_at, now):
        self.user, self.items, self.now = user, items, now
        self.sent_at = sent_at
        self.skew = clock_skew(_parse_time(sent_at) if sent_at else None, now)
        self.answers: list[Answer | None] = [None] * len(items)
        self.steps = {}
        self.by_pk, self.by_client = {}, {}
        # Starts by the phone's id, so an item may name a massage whose start comes later.
        self.starts = {}
        pks, client_ids, cue_ids = set(), set(), set()
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("id"), str) and item.get("type") in ("cue", "undo", "response"):
                cue_ids.add(_uuid_or_none(item["id"]))
            ref = item.get("session")
            if isinstance(ref, int) and not isinstance(ref, bool) and 1 <= ref <= MAX_ID:
                pks.add(ref)
            elif isinstance(ref, str):
                client_ids.add(_uuid_or_none(ref))
            if item.get("type") == "start" and isinstance(item.get("id"), str):
                start_id = _uuid_or_none(item["id"])
                if start_id is not None:
                    self.starts.setdefault(start_id, index)
                    client_ids.add(start_id)
        client_ids.discard(None)
        if pks or client_ids:
            found = session_selectors.sessions_to_record(user).filter(
                Q(pk__in=pks) | Q(client_id__in=client_ids)
            )
            for session in found.select_related("baby", "routine"):
                self._remember(session)
        # The cues the items name, stored before (a batch sent again), each looked up once.
        cue_ids.discard(None)
        self.cues = {cue.client_id: cue for cue in CueEvent.objects.filter(client_id__in=cue_ids)}

    def run(self) -> list[dict]:
        for index in range(len(self.items)):
            self._answer(index)
        results = [self._as_dict(index, answer) for index, answer in enumerate(self.answers)]
        # The last cue of each massage in the batch is judged with every cue the server holds
        # (the other caregiver's too), as the one-at-a-time endpoint does: one query a massage.
        for index, cue in self._last_cue_of_each_session().items():
            results[index]["prompt"] = services.prompt_for(cue).as_dict()
        return results

    def _last_cue_of_each_session(self) -> dict:
        last = {}
        for index, (item, answer) in enumerate(zip(self.items, self.answers, strict=True)):
            if answer.status == REFUSED or not isinstance(item, dict) or item.get("type") != "cue":
                continue
            client_id = item.get("id")
            cue = self.cues.get(_uuid_or_none(client_id)) if isinstance(client_id, str) else None
            if cue is not None:
                last[cue.session_id] = (index, cue)
        return dict(last.values())

    def _as_dict(self, index, answer):
        item = self.items[index]
        out = {"index": index, "status": answer.status}
        if isinstance(item, dict):
            for key in ("type", "id"):
                if isinstance(item.get(key), str) and len(item[key]) <= 64:
                    out[key] = item[key]
        if answer.reason:
            out["reason"] = str(answer.reason)
        if answer.session is not None:
            out["session"] = answer.session
        return out

    def _answer(self, index) -> Answer:
        if self.answers[index] is not None:
            return self.answers[index]
        item = self.items[index]
        try:
            if not isinstance(item, dict):
                raise Refused(_("An item must be a JSON object."))
            kind = item.get("type")
            handler = HANDLERS.get(kind) if isinstance(kind, str) else None
            if handler is None:
                raise Refused(
                    _("Unknown item type: it must be one of %(types)s.")
                    % {"types": ", ".join(HANDLERS)}
                )
            answer = handler(self, item)
        except Refused as error:
            answer = Answer(REFUSED, str(error))
        except AppError as error:
            answer = Answer(REFUSED, str(error))
        except (Http404, ObjectDoesNotExist):
            answer = Answer(REFUSED, str(NOT_YOURS))
        except PermissionDenied as error:
            answer = Answer(REFUSED, str(error) or str(NOT_YOURS))
        except IntegrityError:
            # Something changed under this item at the same moment (the massage deleted, say).
            answer = Answer(REFUSED, _("This could not be stored just now: send it again."))
        self.answers[index] = answer
        return answer

    # -- Lookups ----------------------------------------------------------------------------------

    def _remember(self, session):
        self.by_pk[session.pk] = session
        self.by_client[session.client_id] = session

    def _session(self, item) -> MassageSession:
        ref = _session_ref(item)
        found = (self.by_client if isinstance(ref, uuid.UUID) else self.by_pk).get(ref)
        if found is None and ref in self.starts:
            # Sent before its own start (out of order): the start is taken first.
            start = self.starts[ref]
            answer = self._answer(start)
            if answer.status == REFUSED:
                raise Refused(
                    _("The start of this massage (item %(index)d) was refused.") % {"index": start}
                )
            found = self.by_client.get(ref)
        if found is None:
            raise Refused(str(NOT_YOURS))
        return found

    def _steps_of(self, session):
        if session.pk not in self.steps:
            self.steps[session.pk] = session_selectors.session_steps(session)
        return self.steps[session.pk]

    def _cue_of(self, session, item) -> CueEvent:
        cue = self.cues.get(_uuid(item))
        if cue is None or cue.session_id != session.pk:
            raise Refused(_("This massage has no cue with this id."))
        cue.session = session
        return cue

    def _time(self, item, name="at", *, required=True):
        """A time the phone recorded, on the server's clock: never after now."""
        text = _text(item, name, required=required, limit=64)
        if not text:
            return None
        value = _parse_time(text)
        if value is None:
            raise Refused(
                _("%(field)s must be a time with its offset, like 2025-03-01T10:00:00Z.")
                % {"field": name}
            )
        try:
            value += self.skew
        except OverflowError as error:
            raise Refused(_("%(field)s is out of range.") % {"field": name}) from error
        if value > self.now + CLOCK_SLACK:
            raise Refused(_("%(field)s is in the future.") % {"field": name})
        return min(value, self.now)

    def _refresh_end(self, session):
        session.refresh_from_db(fields=["ended_at", "outcome", "end_reason", "note"])

    # -- The kinds of item ------------------------------------------------------------------------

    def start(self, item) -> Answer:
        client_id = _uuid(item)
        baby_id = _whole(item, "baby")
        slug = _text(item, "routine", limit=80)
        answers = item.get("answers")
        if not isinstance(answers, dict):
            raise Refused(_("answers must be an object of the readiness answers."))
        go_ahead = _flag(item, "go_ahead")
        started_at = self._time(item)
        if started_at < self.now - OFFLINE_START_MAX_AGE:
            raise Refused(_("This massage began over a week ago: it is too old to add now."))
        baby = (
            access.with_may_change(family_selectors.babies_of(self.user), self.user, access.RECORD)
            .filter(pk=baby_id)
            .first()
        )
        if baby is None:
            raise Refused(_("No baby of yours has this id."))
        access.check_row_may_change(baby, access.RECORD)
        routine = library_selectors.routines_visible_to(self.user).filter(slug=slug).first()
        if routine is None:
            raise Refused(_("No routine you can open has this name."))
        session, created = session_services.session_start_offline(
            baby=baby,
            routine=routine,
            user=self.user,
            answers=answers,
            go_ahead=go_ahead,
            client_id=client_id,
            started_at=started_at,
        )
        # One sent before is the same baby's, so this family's: found with the others above.
        self.by_pk.setdefault(session.pk, session)
        self.by_client.setdefault(session.client_id, session)
        return Answer(STORED if created else ALREADY, session=session.pk)

    def cue(self, item) -> Answer:
        client_id = _uuid(item)
        session = self._session(item)
        data = {
            "client_id": str(client_id),
            "kind": _text(item, "kind", limit=40),
            "step": _whole(item, "step"),
            "at": _text(item, "at", limit=64),
            "sent_at": self.sent_at or "",
            "note": _text(item, "note", required=False, limit=500),
        }
        form = CueForm(data, session=session, steps=self._steps_of(session))
        if not form.is_valid():
            raise _form_refusal(form)
        cue, created = services.cue_log(
            session=session,
            user=self.user,
            now=self.now,
            existing=self.cues.get(client_id),
            **form.cleaned_data,
        )
        self.cues[client_id] = cue
        return Answer(STORED if created else ALREADY)

    def undo(self, item) -> Answer:
        session = self._session(item)
        cue = self._cue_of(session, item)
        tapped_at = self._time(item, required=False)
        if cue.undone_at is not None:
            return Answer(ALREADY)
        self.cues[cue.client_id] = services.cue_undo(cue=cue, now=self.now, tapped_at=tapped_at)
        return Answer(STORED)

    def response(self, item) -> Answer:
        session = self._session(item)
        form = ResponseForm({"response": _text(item, "response", limit=20)})
        if not form.is_valid():
            raise _form_refusal(form)
        cue = self._cue_of(session, item)
        response = form.cleaned_data["response"]
        if cue.response == response:
            return Answer(ALREADY)
        at = self._time(item, required=False)
        try:
            self.cues[cue.client_id] = services.cue_respond(cue=cue, response=response, at=at)
        finally:
            self._refresh_end(session)
        return Answer(STORED)

    def progress(self, item) -> Answer:
        session = self._session(item)
        visits = item.get("visits", {})
        if isinstance(visits, dict):
            visits = json.dumps(visits)
        elif not isinstance(visits, str):
            raise Refused(_("visits must be an object of step times."))
        if len(visits) > VISITS_LIMIT:
            raise Refused(_("visits is too long."))
        seq = _whole(item, "seq")
        data = {
            "seq": seq,
            "step": _whole(item, "step"),
            "elapsed": _number(item, "elapsed"),
            "visits": visits,
        }
        form = ProgressForm(data, steps=self._steps_of(session))
        if not form.is_valid():
            raise _form_refusal(form)
        if seq <= session.progress_seq:
            return Answer(ALREADY, _("Progress as far as this, or further, is already saved."))
        try:
            session_services.session_progress(
                session=session,
                seq=seq,
                current_step=form.cleaned_data["step"],
                elapsed=form.cleaned_data["elapsed"],
                visits=form.cleaned_data["visits"],
            )
        except session_services.SessionConflict as error:
            session.progress_seq = error.session.progress_seq
            if seq <= error.session.progress_seq:
                return Answer(ALREADY, _("Progress as far as this, or further, is already saved."))
            raise
        return Answer(STORED)

    def finish(self, item) -> Answer:
        session = self._session(item)
        data = {
            "outcome": _text(item, "outcome", limit=20),
            "reason": _text(item, "reason", required=False, limit=200),
            "note": _text(item, "note", required=False),
        }
        at = self._time(item)
        form = FinishForm(data, step_done=session.has_step_done())
        if not form.is_valid():
            raise _form_refusal(form)
        try:
            result = session_services.session_finish_latest(
                session=session,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                at=at,
            )
        finally:
            self._refresh_end(session)
        Finish = session_services.Finish
        if result == Finish.ENDED:
            return Answer(STORED)
        if result == Finish.REPLACED:
            return Answer(STORED, _("It had ended earlier elsewhere: this later end is kept."))
        if result == Finish.SAME:
            return Answer(ALREADY)
        return Answer(ALREADY, _("A later end of this massage is stored, and kept."))


def _uuid_or_none(text):
    try:
        return uuid.UUID(text) if len(text) <= 64 else None
    except ValueError:
        return None


HANDLERS = {
    "start": _Batch.start,
    "cue": _Batch.cue,
    "undo": _Batch.undo,
    "response": _Batch.response,
    "progress": _Batch.progress,
    "finish": _Batch.finish,
}
