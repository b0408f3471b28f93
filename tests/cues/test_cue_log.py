"""Logging cues from the player: exactly once per client id, undo, and the answer to a pause.

The player posts in the background with ``Accept: application/json``; without JavaScript the same
forms post normally and land back on the player with a message.
"""

import threading
import uuid
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cues import rules, services
from cues.models import CueEvent, Response
from sessions import services as session_services
from sessions.models import MassageSession, Outcome
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    MassageSessionFactory,
    MembershipFactory,
    routine_with_areas,
)

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "tummy", "arms"], title="Morning legs")


@pytest.fixture
def steps(routine):
    return list(routine.steps.order_by("order"))


@pytest.fixture
def session(routine, baby, parent):
    return MassageSessionFactory(
        routine=routine,
        baby=baby,
        started_by=parent,
        started_at=timezone.now() - timedelta(minutes=5),
    )


def create_url(session):
    return reverse("cues:cue-create", args=[session.pk])


def undo_url(cue):
    return reverse("cues:cue-undo", args=[cue.session_id, cue.client_id])


def respond_url(cue):
    return reverse("cues:cue-respond", args=[cue.session_id, cue.client_id])


def cue_data(step, kind="smiling", client_id=None, **extra):
    return {"client_id": str(client_id or uuid.uuid4()), "kind": kind, "step": step.pk, **extra}


def rows():
    return list(
        CueEvent.objects.order_by("pk").values_list(
            "client_id", "session_id", "kind", "step_id", "undone_at", "response", "note"
        )
    )


def user_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# -- Logging a cue ---------------------------------------------------------------------------------


def test_json_post_stores_the_cue_and_answers_with_a_prompt(as_parent, session, steps, parent):
    data = cue_data(steps[1], "crying")
    response = as_parent.post(create_url(session), data, **JSON)
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": data["client_id"],
        "created": True,
        "prompt": {"level": "pause", "message": rules.messages()[rules.Level.PAUSE]},
    }
    cue = CueEvent.objects.get()
    assert str(cue.client_id) == data["client_id"]
    assert (cue.session, cue.step, cue.kind) == (session, steps[1], "crying")
    assert (cue.body_area, cue.stroke) == ("tummy", steps[1].stroke)
    assert (cue.valence, cue.potent) == ("disengagement", True)
    assert cue.recorded_by == parent
    # Without a time, the cue happened now: about five minutes in.
    assert 295 <= cue.seconds_into_session <= 310
    assert cue.undone_at is None


def test_the_time_the_player_sends_is_kept(as_parent, session, steps):
    at = session.started_at + timedelta(seconds=42.5)
    data = cue_data(steps[0], at=at.isoformat())
    assert as_parent.post(create_url(session), data, **JSON).status_code == 201
    cue = CueEvent.objects.get()
    assert cue.at == at
    assert cue.seconds_into_session == pytest.approx(42.5)


def test_a_utc_z_time_is_understood(as_parent, session, steps):
    at = (session.started_at + timedelta(seconds=10)).astimezone(timezone.UTC)
    data = cue_data(steps[0], at=at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    assert as_parent.post(create_url(session), data, **JSON).status_code == 201
    assert CueEvent.objects.get().seconds_into_session == pytest.approx(10)


def test_prompts_follow_the_session_so_far(as_parent, session, steps):
    start = session.started_at
    first = as_parent.post(
        create_url(session),
        cue_data(steps[0], "frowning", at=(start + timedelta(seconds=100)).isoformat()),
        **JSON,
    )
    assert first.json()["prompt"]["level"] == "slow_down"
    second = as_parent.post(
        create_url(session),
        cue_data(steps[0], "yawning", at=(start + timedelta(seconds=130)).isoformat()),
        **JSON,
    )
    assert second.json()["prompt"]["level"] == "pause"
    happy = as_parent.post(create_url(session), cue_data(steps[0], "smiling"), **JSON)
    assert happy.json()["prompt"] == {
        "level": "acknowledge",
        "message": rules.acknowledgements()[0],
    }


@pytest.mark.parametrize(("gap", "level"), [(60, "pause"), (61, "slow_down")])
def test_the_cluster_window_edges_through_the_view(as_parent, session, steps, gap, level):
    start = session.started_at
    first = cue_data(steps[0], "frowning", at=(start + timedelta(seconds=100)).isoformat())
    as_parent.post(create_url(session), first, **JSON)
    second = cue_data(steps[0], "yawning", at=(start + timedelta(seconds=100 + gap)).isoformat())
    response = as_parent.post(create_url(session), second, **JSON)
    assert response.json()["prompt"]["level"] == level


def test_a_resent_earlier_cue_is_judged_without_the_cues_after_it(as_parent, session, steps):
    start = session.started_at
    first = cue_data(steps[0], "frowning", at=(start + timedelta(seconds=100)).isoformat())
    assert as_parent.post(create_url(session), first, **JSON).json()["prompt"]["level"] == (
        "slow_down"
    )
    later = cue_data(steps[0], "yawning", at=(start + timedelta(seconds=120)).isoformat())
    assert as_parent.post(create_url(session), later, **JSON).json()["prompt"]["level"] == "pause"
    again = as_parent.post(create_url(session), first, **JSON)
    assert again.status_code == 200
    assert again.json()["prompt"]["level"] == "slow_down"


def test_a_cue_sent_late_from_an_offline_queue_is_judged_by_its_own_time(as_parent, session, steps):
    """The other caregiver's cue, logged earlier but stored later, still counts by its time."""
    start = session.started_at
    as_parent.post(
        create_url(session),
        cue_data(steps[0], "frowning", at=(start + timedelta(seconds=200)).isoformat()),
        **JSON,
    )
    queued = cue_data(steps[0], "yawning", at=(start + timedelta(seconds=30)).isoformat())
    response = as_parent.post(create_url(session), queued, **JSON)
    assert response.json()["prompt"]["level"] == "slow_down"


def test_the_cue_id_is_matched_however_it_is_spelt(as_parent, session, steps):
    data = cue_data(steps[0])
    as_parent.post(create_url(session), data, **JSON)
    shouted = {**data, "client_id": data["client_id"].upper()}
    assert as_parent.post(create_url(session), shouted, **JSON).status_code == 200
    bare = {**data, "client_id": data["client_id"].replace("-", "")}
    assert as_parent.post(create_url(session), bare, **JSON).status_code == 200
    assert CueEvent.objects.count() == 1


def test_an_undone_cue_does_not_count_toward_a_cluster(as_parent, session, steps):
    start = session.started_at
    CueEventFactory(session=session, kind="frowning", seconds_into_session=100)
    undone = CueEventFactory(session=session, kind="yawning", seconds_into_session=180)
    undone.undone_at = timezone.now()
    undone.save()
    # Only the undone yawn is within a minute of this squirm: no cluster.
    response = as_parent.post(
        create_url(session),
        cue_data(steps[0], "squirming", at=(start + timedelta(seconds=200)).isoformat()),
        **JSON,
    )
    assert response.json()["prompt"]["level"] == "slow_down"
    assert CueEvent.objects.logged().count() == 2
    # The standing frown at 100 s is within a minute of a squirm at 150 s: pause.
    response = as_parent.post(
        create_url(session),
        cue_data(steps[0], "squirming", at=(start + timedelta(seconds=150)).isoformat()),
        **JSON,
    )
    assert response.json()["prompt"]["level"] == "pause"


def test_same_id_same_cue_is_stored_once(as_parent, session, steps):
    data = cue_data(steps[0], "cooing")
    assert as_parent.post(create_url(session), data, **JSON).status_code == 201
    again = as_parent.post(create_url(session), data, **JSON)
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["id"] == data["client_id"]
    assert CueEvent.objects.count() == 1


def test_a_retry_after_the_session_ended_still_finds_the_stored_cue(as_parent, session, steps):
    data = cue_data(steps[0])
    assert as_parent.post(create_url(session), data, **JSON).status_code == 201
    session.finish(outcome=Outcome.COMPLETED)
    assert as_parent.post(create_url(session), data, **JSON).status_code == 200
    assert CueEvent.objects.count() == 1


@pytest.mark.parametrize(
    "change", [{"kind": "crying"}, {"step": "other"}], ids=["other-kind", "other-step"]
)
def test_same_id_for_a_different_cue_is_refused(as_parent, session, steps, change):
    data = cue_data(steps[0], "smiling")
    as_parent.post(create_url(session), data, **JSON)
    before = rows()
    changed = {**data, **change}
    if change.get("step") == "other":
        changed["step"] = steps[2].pk
    response = as_parent.post(create_url(session), changed, **JSON)
    assert response.status_code == 409
    assert "already used" in response.json()["errors"]["__all__"][0]
    assert rows() == before


def test_same_id_in_another_session_is_refused(as_parent, session, steps, baby, parent):
    data = cue_data(steps[0])
    as_parent.post(create_url(session), data, **JSON)
    session.finish(outcome=Outcome.COMPLETED)
    other = MassageSessionFactory(routine=session.routine, baby=baby, started_by=parent)
    before = rows()
    response = as_parent.post(create_url(other), data, **JSON)
    assert response.status_code == 409
    assert rows() == before
    assert not other.cues.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"client_id": "not-a-uuid"}, "client_id", "not a valid UUID"),
        ({"client_id": ""}, "client_id", "required"),
        ({"kind": "giggling"}, "kind", "not a cue the app knows"),
        ({"kind": ""}, "kind", "required"),
        ({"step": "abc"}, "step", "whole number"),
        ({"at": "yesterday-ish"}, "at", "valid date"),
        ({"note": "x" * 501}, "note", "at most 500"),
    ],
    ids=["uuid", "no-uuid", "kind", "no-kind", "step-text", "at-text", "note-long"],
)
def test_malformed_cue_is_refused(as_parent, session, steps, change, field, words):
    response = as_parent.post(create_url(session), {**cue_data(steps[0]), **change}, **JSON)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert words in errors[field][0]
    assert not CueEvent.objects.exists()


def test_step_from_another_routine_is_refused(as_parent, session):
    stranger = routine_with_areas(["back"]).steps.get()
    response = as_parent.post(create_url(session), cue_data(stranger), **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["step"] == ["That step is not part of this massage."]
    assert not CueEvent.objects.exists()


def test_step_left_out_at_the_start_is_refused(as_parent, session, steps):
    session.excluded_steps = [steps[1].pk]
    session.save()
    response = as_parent.post(create_url(session), cue_data(steps[1]), **JSON)
    assert response.status_code == 400
    assert not CueEvent.objects.exists()


def test_a_time_far_in_the_future_is_refused(as_parent, session, steps):
    at = timezone.now() + timedelta(minutes=3)
    response = as_parent.post(create_url(session), cue_data(steps[0], at=at.isoformat()), **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["at"] == ["This cue's time is in the future."]
    assert not CueEvent.objects.exists()


def test_a_phone_clock_a_little_ahead_is_accepted_as_now(as_parent, session, steps):
    at = timezone.now() + timedelta(seconds=90)
    response = as_parent.post(create_url(session), cue_data(steps[0], at=at.isoformat()), **JSON)
    assert response.status_code == 201
    assert CueEvent.objects.get().at <= timezone.now()


def test_a_time_before_the_session_began_is_refused(as_parent, session, steps):
    at = session.started_at - timedelta(minutes=10)
    response = as_parent.post(create_url(session), cue_data(steps[0], at=at.isoformat()), **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["at"] == ["This cue's time is before the massage began."]
    assert not CueEvent.objects.exists()


def test_a_time_just_before_the_start_counts_as_the_start(as_parent, session, steps):
    at = session.started_at - timedelta(seconds=30)
    response = as_parent.post(create_url(session), cue_data(steps[0], at=at.isoformat()), **JSON)
    assert response.status_code == 201
    assert CueEvent.objects.get().seconds_into_session == 0


def test_finished_session_takes_no_new_cues(as_parent, session, steps):
    session.finish(outcome=Outcome.COMPLETED, at=timezone.now() - timedelta(minutes=1))
    response = as_parent.post(create_url(session), cue_data(steps[0]), **JSON)
    assert response.status_code == 409
    assert "has ended" in response.json()["errors"]["__all__"][0]
    assert not CueEvent.objects.exists()


def test_another_familys_session_is_not_found(client, session, steps, outsider):
    client.force_login(outsider)
    response = client.post(create_url(session), cue_data(steps[0]), **JSON)
    assert response.status_code == 404
    assert not CueEvent.objects.exists()


def test_get_is_not_allowed(as_parent, session):
    assert as_parent.get(create_url(session)).status_code == 405


def test_a_caregiver_logs_cues_too(client, session, steps, caregiver):
    client.force_login(caregiver)
    assert client.post(create_url(session), cue_data(steps[0]), **JSON).status_code == 201
    assert CueEvent.objects.get().recorded_by == caregiver


# -- Logged out, or a stale CSRF token: never an answer the player could take for "saved" ----------


@pytest.mark.parametrize("endpoint", ["create", "undo", "respond"])
def test_a_logged_out_save_answers_401_in_json(client, cue, session, steps, endpoint):
    url, data = {
        "create": (create_url(session), cue_data(steps[0])),
        "undo": (undo_url(cue), {}),
        "respond": (respond_url(cue), {"response": "end"}),
    }[endpoint]
    before = rows()
    response = client.post(url, data, **JSON)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Not saved yet: log in again to save your cues."}
    assert rows() == before
    assert fresh(session).is_running


def test_a_logged_out_plain_form_still_goes_to_log_in(client, session, steps):
    response = client.post(create_url(session), cue_data(steps[0]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not CueEvent.objects.exists()


@pytest.fixture
def strict(parent, session):
    """A client that checks CSRF as a browser's requests are checked, with a token from a page."""
    http = Client(enforce_csrf_checks=True)
    http.force_login(parent)
    http.get(reverse("sessions:session-player", args=[session.pk]))
    return http


def test_a_stale_csrf_token_answers_403_in_json_and_stores_nothing(strict, session, steps):
    response = strict.post(
        create_url(session), cue_data(steps[0]), HTTP_X_CSRFTOKEN="x" * 32, **JSON
    )
    assert response.status_code == 403
    assert response.json() == {"error": "This page has expired. Reload it, then try again."}
    assert not CueEvent.objects.exists()


def test_the_current_csrf_token_is_accepted(strict, session, steps):
    token = strict.cookies["csrftoken"].value
    response = strict.post(create_url(session), cue_data(steps[0]), HTTP_X_CSRFTOKEN=token, **JSON)
    assert response.status_code == 201
    assert CueEvent.objects.count() == 1


def test_without_javascript_a_csrf_failure_is_still_a_page(strict, session, steps):
    response = strict.post(create_url(session), cue_data(steps[0]))
    assert response.status_code == 403
    assert "application/json" not in response["Content-Type"]
    assert "This page has expired" in response.content.decode()
    assert not CueEvent.objects.exists()


# -- Cues that arrive after the massage ended ------------------------------------------------------


def test_a_cue_tapped_just_before_the_end_that_arrives_after_it_is_stored(
    as_parent, session, steps
):
    ended = timezone.now() - timedelta(seconds=20)
    session.finish(outcome=Outcome.COMPLETED, at=ended)
    at = ended - timedelta(seconds=2)
    response = as_parent.post(create_url(session), cue_data(steps[2], at=at.isoformat()), **JSON)
    assert response.status_code == 201
    assert CueEvent.objects.get().at == at


def test_a_cue_a_moment_after_the_end_is_stored_at_the_end(as_parent, session, steps):
    ended = timezone.now() - timedelta(seconds=40)
    session.finish(outcome=Outcome.COMPLETED, at=ended)
    at = ended + timedelta(seconds=services.LATE_CUE_ALLOWANCE.total_seconds())
    response = as_parent.post(create_url(session), cue_data(steps[2], at=at.isoformat()), **JSON)
    assert response.status_code == 201
    assert CueEvent.objects.get().at == ended


def test_a_cue_after_the_allowance_is_refused_with_a_reason(as_parent, session, steps):
    ended = timezone.now() - timedelta(seconds=40)
    session.finish(outcome=Outcome.COMPLETED, at=ended)
    at = ended + services.LATE_CUE_ALLOWANCE + timedelta(seconds=1)
    response = as_parent.post(create_url(session), cue_data(steps[2], at=at.isoformat()), **JSON)
    assert response.status_code == 409
    assert response.json()["errors"]["__all__"] == [
        "This massage has ended: cues can't be added to it any more."
    ]
    assert not CueEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_cue_logged_before_the_end_by_the_other_caregiver_is_stored_after_it():
    """Committed for real (PostgreSQL too): one phone ends the massage, the other's cue follows."""
    family_parent = MembershipFactory()
    partner = MembershipFactory(family=family_parent.family, role="caregiver")
    baby = BabyFactory(family=family_parent.family)
    routine = routine_with_areas(["legs", "arms"])
    step = routine.steps.order_by("order").last()
    session = MassageSessionFactory(
        routine=routine,
        baby=baby,
        started_by=family_parent.user,
        started_at=timezone.now() - timedelta(minutes=8),
    )
    tapped = timezone.now() - timedelta(seconds=3)
    session_services.session_finish(session=session, outcome=Outcome.COMPLETED)

    http = Client()
    http.force_login(partner.user)
    data = cue_data(step, "cooing", at=tapped.isoformat(), sent_at=timezone.now().isoformat())
    response = http.post(create_url(session), data, **JSON)
    assert response.status_code == 201
    again = http.post(create_url(session), data, **JSON)
    assert again.status_code == 200
    cue = CueEvent.objects.get(session=session)
    assert cue.recorded_by == partner.user
    assert abs(cue.at - tapped) < timedelta(seconds=2)
    assert MassageSession.objects.get(pk=session.pk).outcome == Outcome.COMPLETED


# -- The phone's clock -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "skew", [timedelta(minutes=-10), timedelta(minutes=10)], ids=["behind", "ahead"]
)
def test_a_skewed_phone_clock_is_corrected_by_the_time_of_sending(as_parent, session, steps, skew):
    tapped = timezone.now() - timedelta(seconds=20)
    data = cue_data(
        steps[0],
        at=(tapped + skew).isoformat(),
        sent_at=(timezone.now() + skew).isoformat(),
    )
    response = as_parent.post(create_url(session), data, **JSON)
    assert response.status_code == 201
    assert abs(CueEvent.objects.get().at - tapped) < timedelta(seconds=2)


def test_cues_tapped_a_moment_apart_keep_their_order_whatever_each_send_took(
    as_parent, session, steps
):
    """The first send was slow (1.5 s on the network), the next quick: the taps' order stands."""
    first_tap = timezone.now() - timedelta(seconds=2)
    sends = [("smiling", 0, 1500), ("cooing", 100, 0)]  # (cue, tapped after the first ms, took ms)
    for kind, after_ms, took_ms in sends:
        tapped = first_tap + timedelta(milliseconds=after_ms)
        sent_at = timezone.now() - timedelta(milliseconds=took_ms)
        data = cue_data(steps[0], kind, at=tapped.isoformat(), sent_at=sent_at.isoformat())
        assert as_parent.post(create_url(session), data, **JSON).status_code == 201
    stored = list(CueEvent.objects.order_by("at").values_list("kind", "at"))
    assert [kind for kind, _at in stored] == ["smiling", "cooing"]
    assert stored[1][1] - stored[0][1] == timedelta(milliseconds=100)


def test_a_resend_with_a_new_time_of_sending_is_the_same_cue(as_parent, session, steps):
    skew = timedelta(minutes=-7)
    tapped = timezone.now() - timedelta(seconds=30)
    data = cue_data(steps[0], at=(tapped + skew).isoformat())
    first = {**data, "sent_at": (timezone.now() + skew - timedelta(seconds=1)).isoformat()}
    assert as_parent.post(create_url(session), first, **JSON).status_code == 201
    later = {**data, "sent_at": (timezone.now() + skew + timedelta(seconds=1)).isoformat()}
    again = as_parent.post(create_url(session), later, **JSON)
    assert again.status_code == 200
    assert CueEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("at", "sent_at", "message"),
    [
        (timedelta(minutes=5), timedelta(0), "This cue's time is in the future."),
        (timedelta(hours=-2), timedelta(0), "This cue's time is before the massage began."),
    ],
    ids=["tapped-after-sending", "before-the-start"],
)
def test_absurd_times_are_still_refused_after_the_shift(
    as_parent, session, steps, at, sent_at, message
):
    now = timezone.now()
    data = cue_data(steps[0], at=(now + at).isoformat(), sent_at=(now + sent_at).isoformat())
    response = as_parent.post(create_url(session), data, **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["at"] == [message]
    assert not CueEvent.objects.exists()


@pytest.mark.parametrize(
    ("at", "sent_at", "field"),
    [
        ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "at"),
        ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "at"),
        (None, "soon", "sent_at"),
    ],
    ids=["far-past", "far-future", "sent-at-text"],
)
def test_times_out_of_range_are_a_400_not_a_500(as_parent, session, steps, at, sent_at, field):
    data = cue_data(steps[0], sent_at=sent_at)
    if at:
        data["at"] = at
    response = as_parent.post(create_url(session), data, **JSON)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not CueEvent.objects.exists()


# -- A cue id used again ---------------------------------------------------------------------------


def test_same_id_after_a_slow_first_send_is_the_same_cue(as_parent, session, steps):
    # The first send took 40 s to arrive, so its clock correction differs from the retry's.
    at = session.started_at + timedelta(seconds=100)
    data = cue_data(steps[0], at=at.isoformat())
    assert as_parent.post(create_url(session), data, **JSON).status_code == 201
    nudged = {**data, "at": (at + timedelta(seconds=40)).isoformat()}
    assert as_parent.post(create_url(session), nudged, **JSON).status_code == 200
    assert CueEvent.objects.get().at == at


@pytest.mark.parametrize(
    "change",
    [{"at": timedelta(minutes=3)}, {"note": "A different note"}],
    ids=["other-time", "other-note"],
)
def test_same_id_with_another_time_or_note_is_refused(as_parent, session, steps, change):
    at = session.started_at + timedelta(seconds=100)
    data = cue_data(steps[0], at=at.isoformat(), note="Loved it")
    as_parent.post(create_url(session), data, **JSON)
    before = rows()
    changed = {**data, **change}
    if "at" in change:
        changed["at"] = (at + change["at"]).isoformat()
    response = as_parent.post(create_url(session), changed, **JSON)
    assert response.status_code == 409
    assert "already used" in response.json()["errors"]["__all__"][0]
    assert rows() == before


def test_a_resend_without_the_note_added_since_is_the_same_cue(as_parent, session, steps):
    at = session.started_at + timedelta(seconds=100)
    data = cue_data(steps[0], at=at.isoformat())
    as_parent.post(create_url(session), data, **JSON)
    services.cue_set_note(cue=CueEvent.objects.get(), note="Added on the review page")
    assert as_parent.post(create_url(session), data, **JSON).status_code == 200
    assert CueEvent.objects.get().note == "Added on the review page"


def test_a_plain_form_sent_twice_a_minute_apart_is_one_cue(as_parent, session, steps):
    data = cue_data(steps[0])
    assert as_parent.post(create_url(session), data).status_code == 302
    CueEvent.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    CueEvent.objects.update(at=timezone.now() - timedelta(minutes=1))
    assert as_parent.post(create_url(session), data).status_code == 302
    assert CueEvent.objects.count() == 1


# -- Without JavaScript ----------------------------------------------------------------------------


def test_without_javascript_the_cue_is_stored_and_the_player_says_what_to_do(
    as_parent, session, steps
):
    data = cue_data(steps[0], "crying")
    response = as_parent.post(create_url(session), data)
    assert response.status_code == 302
    # A pause: the player is asked to show the choices for this very cue.
    player = reverse("sessions:session-player", args=[session.pk])
    assert response.url == f"{player}?cue={data['client_id']}"
    assert CueEvent.objects.get().kind == "crying"
    assert user_messages(response) == [f"Crying: {rules.messages()[rules.Level.PAUSE]}"]


def test_without_javascript_a_happy_cue_goes_back_to_the_player_with_undo(
    as_parent, session, steps
):
    data = cue_data(steps[0], "cooing")
    response = as_parent.post(create_url(session), data)
    assert response.status_code == 302
    player = reverse("sessions:session-player", args=[session.pk])
    assert response.url == f"{player}?cue={data['client_id']}"
    assert user_messages(response) == [f"Babbling or cooing: {rules.acknowledgements()[0]}"]
    page = as_parent.get(response.url).content.decode()
    assert reverse("cues:cue-undo", args=[session.pk, data["client_id"]]) in page
    assert "Undo “Babbling or cooing”" in page
    assert "Skip this body area</button></form>" not in page


def test_without_javascript_undo_is_no_longer_offered_after_its_window(as_parent, session, steps):
    data = cue_data(steps[0], "cooing")
    as_parent.post(create_url(session), data)
    CueEvent.objects.update(created_at=timezone.now() - timedelta(seconds=30))
    player = reverse("sessions:session-player", args=[session.pk])
    page = as_parent.get(f"{player}?cue={data['client_id']}").content.decode()
    assert "Undo “" not in page


def test_without_javascript_the_message_shows_on_the_player(as_parent, session, steps):
    response = as_parent.post(create_url(session), cue_data(steps[0], "smiling"), follow=True)
    assert response.status_code == 200
    player = reverse("sessions:session-player", args=[session.pk])
    assert response.redirect_chain[-1][0].startswith(f"{player}?cue=")
    assert "Lovely: your baby is enjoying this." in response.content.decode()


def test_without_javascript_an_error_is_a_4xx_page_with_its_message_and_a_way_back(
    as_parent, session, steps
):
    response = as_parent.post(create_url(session), cue_data(steps[0], "giggling"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "That is not a cue the app knows." in page
    assert reverse("sessions:session-player", args=[session.pk]) in page
    assert not CueEvent.objects.exists()


def test_without_javascript_a_finished_session_says_so(as_parent, session, steps):
    session.finish(outcome=Outcome.COMPLETED, at=timezone.now() - timedelta(minutes=1))
    response = as_parent.post(create_url(session), cue_data(steps[0]))
    assert response.status_code == 409
    assert "This massage has ended: cues can&#x27;t be added to it any more." in (
        response.content.decode()
    )
    assert not CueEvent.objects.exists()


# -- Undo ------------------------------------------------------------------------------------------


@pytest.fixture
def cue(session):
    return CueEventFactory(session=session, kind="crying", recorded_by=session.started_by)


def test_undo_within_the_window(as_parent, cue):
    response = as_parent.post(undo_url(cue), **JSON)
    assert response.status_code == 200
    assert response.json() == {"id": str(cue.client_id), "undone": True}
    assert fresh(cue).undone_at is not None
    assert not CueEvent.objects.logged().exists()
    assert CueEvent.objects.count() == 1  # kept, so a resend can't bring it back


def test_undo_twice_is_harmless(as_parent, cue):
    as_parent.post(undo_url(cue), **JSON)
    first = fresh(cue).undone_at
    response = as_parent.post(undo_url(cue), **JSON)
    assert response.status_code == 200
    assert fresh(cue).undone_at == first


def test_undo_at_the_edge_of_the_grace_period(cue):
    limit = services.UNDO_SECONDS + services.UNDO_GRACE_SECONDS
    services.cue_undo(cue=cue, now=cue.created_at + timedelta(seconds=limit))
    assert fresh(cue).undone_at is not None


def test_undo_after_the_window_is_refused(as_parent, session):
    cue = CueEventFactory(session=session, created_at=timezone.now() - timedelta(seconds=16))
    response = as_parent.post(undo_url(cue), **JSON)
    assert response.status_code == 409
    assert "too late" in response.json()["errors"]["__all__"][0]
    assert fresh(cue).undone_at is None
    assert CueEvent.objects.logged().count() == 1


def test_undo_without_javascript(as_parent, cue, session):
    response = as_parent.post(undo_url(cue))
    assert response.status_code == 302
    assert response.url == reverse("sessions:session-player", args=[session.pk])
    assert user_messages(response) == ["Cue taken back."]
    assert fresh(cue).undone_at is not None


def test_resending_an_undone_cue_does_not_bring_it_back(as_parent, cue):
    as_parent.post(undo_url(cue), **JSON)
    data = {
        "client_id": str(cue.client_id),
        "kind": cue.kind,
        "step": cue.step_id,
        "at": cue.at.isoformat(),
    }
    response = as_parent.post(create_url(cue.session), data, **JSON)
    assert response.status_code == 200
    assert response.json()["created"] is False
    assert CueEvent.objects.count() == 1
    assert fresh(cue).undone_at is not None
    assert not CueEvent.objects.logged().exists()


def test_undo_of_an_unknown_cue_is_not_found(as_parent, session):
    url = reverse("cues:cue-undo", args=[session.pk, uuid.uuid4()])
    assert as_parent.post(url, **JSON).status_code == 404


def test_undo_through_another_session_of_the_family_is_not_found(as_parent, cue, baby, parent):
    cue.session.finish(outcome=Outcome.COMPLETED)
    other = MassageSessionFactory(routine=cue.session.routine, baby=baby, started_by=parent)
    url = reverse("cues:cue-undo", args=[other.pk, cue.client_id])
    assert as_parent.post(url, **JSON).status_code == 404
    assert fresh(cue).undone_at is None


def test_undo_by_another_family_is_not_found(client, cue, outsider):
    client.force_login(outsider)
    assert client.post(undo_url(cue), **JSON).status_code == 404
    assert fresh(cue).undone_at is None


# -- The answer to a baby-led pause ----------------------------------------------------------------


@pytest.mark.parametrize("choice", [Response.COMFORT, Response.SKIP_AREA])
def test_comfort_or_skip_is_recorded_and_the_massage_goes_on(as_parent, cue, session, choice):
    response = as_parent.post(respond_url(cue), {"response": choice}, **JSON)
    assert response.status_code == 200
    assert response.json() == {
        "id": str(cue.client_id),
        "next": reverse("sessions:session-player", args=[session.pk]),
    }
    assert fresh(cue).response == choice
    assert fresh(session).is_running


def test_ending_closes_the_massage_as_baby_led(as_parent, cue, session):
    response = as_parent.post(respond_url(cue), {"response": "end"}, **JSON)
    assert response.status_code == 200
    assert response.json()["next"] == reverse("sessions:session-summary", args=[session.pk])
    assert fresh(cue).response == Response.END
    session = fresh(session)
    assert not session.is_running
    assert session.outcome == Outcome.BABY_LED_END
    assert session.end_reason == "Cried during the leg strokes"


@pytest.mark.parametrize(
    ("kind", "area", "reason"),
    [
        ("crying", "hands", "Cried during the hand strokes"),
        ("arching", "tummy", "Arched the back during the tummy strokes"),
        ("turning_away", "face", "Turned the head away during the face strokes"),
        ("falling_asleep", "whole_body", "Fell asleep during the whole-body strokes"),
        ("coughing", "feet", "Coughed or choked during the foot strokes"),
        ("spread_fingers", "arms", "Spread the fingers wide during the arm strokes"),
    ],
)
def test_the_reason_a_baby_led_end_gives_reads_as_a_sentence(
    as_parent, baby, parent, kind, area, reason
):
    routine = routine_with_areas([area])
    session = MassageSessionFactory(routine=routine, baby=baby, started_by=parent)
    ended_on = CueEventFactory(session=session, kind=kind, recorded_by=parent)
    response = as_parent.post(respond_url(ended_on), {"response": "end"})
    assert response.status_code == 302
    assert fresh(session).end_reason == reason
    assert reason in as_parent.get(response.url).content.decode()


def test_every_cue_and_every_body_area_has_its_words_for_the_reason():
    from cues.models import CUES
    from massage.models import Step

    phrases = {str(info.past) for info in CUES.values()}
    assert len(phrases) == len(CUES), "each cue reads differently"
    assert not any(phrase.endswith("ing") for phrase in phrases), "past tense, not -ing"
    assert set(services.AREA_STROKES) == set(Step.BodyArea.values)


def test_ending_without_javascript_goes_to_the_summary(as_parent, cue, session):
    response = as_parent.post(respond_url(cue), {"response": "end"})
    assert response.status_code == 302
    assert response.url == reverse("sessions:session-summary", args=[session.pk])
    assert fresh(session).outcome == Outcome.BABY_LED_END


def test_comfort_without_javascript_goes_back_to_the_player(as_parent, cue, session):
    response = as_parent.post(respond_url(cue), {"response": "comfort"})
    assert response.status_code == 302
    assert response.url == reverse("sessions:session-player", args=[session.pk])


def test_ending_a_massage_that_already_ended_is_refused_and_keeps_its_outcome(
    as_parent, cue, session
):
    session.finish(outcome=Outcome.COMPLETED, reason="All done")
    response = as_parent.post(respond_url(cue), {"response": "end"}, **JSON)
    assert response.status_code == 409
    assert "has ended" in response.json()["errors"]["__all__"][0]
    assert fresh(cue).response == ""
    session = fresh(session)
    assert (session.outcome, session.end_reason) == (Outcome.COMPLETED, "All done")


@pytest.mark.parametrize("value", ["", "stop", "END"])
def test_a_response_not_offered_is_refused(as_parent, cue, session, value):
    response = as_parent.post(respond_url(cue), {"response": value}, **JSON)
    assert response.status_code == 400
    assert "response" in response.json()["errors"]
    assert fresh(cue).response == ""
    assert fresh(session).is_running


def test_responding_to_an_undone_cue_is_refused(as_parent, cue, session):
    as_parent.post(undo_url(cue), **JSON)
    response = as_parent.post(respond_url(cue), {"response": "end"}, **JSON)
    assert response.status_code == 409
    assert response.json()["errors"]["__all__"] == ["This cue was undone."]
    assert fresh(cue).response == ""
    assert fresh(session).is_running


def test_the_same_answer_again_after_the_end_is_harmless(as_parent, cue, session):
    assert as_parent.post(respond_url(cue), {"response": "end"}, **JSON).status_code == 200
    ended = fresh(session)
    again = as_parent.post(respond_url(cue), {"response": "end"}, **JSON)
    assert again.status_code == 200
    assert again.json()["next"] == reverse("sessions:session-summary", args=[session.pk])
    assert (fresh(session).ended_at, fresh(session).outcome) == (
        ended.ended_at,
        Outcome.BABY_LED_END,
    )


def test_the_same_comfort_again_after_the_massage_completed_is_harmless(as_parent, cue, session):
    as_parent.post(respond_url(cue), {"response": "comfort"}, **JSON)
    session.finish(outcome=Outcome.COMPLETED)
    response = as_parent.post(respond_url(cue), {"response": "comfort"}, **JSON)
    assert response.status_code == 200
    assert fresh(cue).response == Response.COMFORT


@pytest.mark.parametrize(
    ("kind", "choice"),
    [("smiling", "end"), ("smiling", "comfort"), ("frowning", "end")],
    ids=["happy-end", "happy-comfort", "one-subtle-cue"],
)
def test_an_answer_to_a_cue_that_asked_for_no_pause_is_refused(as_parent, session, kind, choice):
    cue = CueEventFactory(session=session, kind=kind, recorded_by=session.started_by)
    response = as_parent.post(respond_url(cue), {"response": choice}, **JSON)
    assert response.status_code == 409
    assert response.json()["errors"]["__all__"] == [
        "This cue did not ask for a pause, so there is nothing to answer."
    ]
    assert fresh(cue).response == ""
    assert fresh(session).is_running


def test_a_subtle_cue_in_a_cluster_may_be_answered(as_parent, session):
    CueEventFactory(session=session, kind="frowning", seconds_into_session=100)
    second = CueEventFactory(session=session, kind="yawning", seconds_into_session=130)
    response = as_parent.post(respond_url(second), {"response": "end"}, **JSON)
    assert response.status_code == 200
    assert fresh(session).outcome == Outcome.BABY_LED_END


@pytest.mark.parametrize(
    ("choice", "headers"),
    [("end", JSON), ("end", {}), ("skip_area", {})],
    ids=["end-json", "end-plain-form", "skip-plain-form"],
)
def test_a_session_change_refused_under_the_lock_is_a_409_and_nothing_is_kept(
    as_parent, cue, session, monkeypatch, choice, headers
):
    def refuse(**kwargs):
        raise session_services.SessionError("This massage has already ended.")

    monkeypatch.setattr(session_services, "session_finish", refuse)
    monkeypatch.setattr(session_services, "session_move", refuse)
    response = as_parent.post(respond_url(cue), {"response": choice}, **headers)
    assert response.status_code == 409
    assert "This massage has already ended." in response.content.decode()
    assert fresh(cue).response == ""


def test_respond_by_another_family_is_not_found(client, cue, session, outsider):
    client.force_login(outsider)
    response = client.post(respond_url(cue), {"response": "end"}, **JSON)
    assert response.status_code == 404
    assert fresh(cue).response == ""
    assert fresh(session).is_running


# -- Two caregivers at once (PostgreSQL: SQLite serialises writers, so there is no race) -----------

CUES_PER_CAREGIVER = 20
SHARED = 6


@pytest.mark.django_db(transaction=True)
def test_two_caregivers_logging_at_once_store_every_cue_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so nothing races")
    family_parent = MembershipFactory()
    partner = MembershipFactory(family=family_parent.family, role="caregiver")
    baby = BabyFactory(family=family_parent.family)
    routine = routine_with_areas(["legs", "arms"])
    step = routine.steps.order_by("order").first()
    session = MassageSessionFactory(routine=routine, baby=baby, started_by=family_parent.user)

    shared = [str(uuid.uuid4()) for _ in range(SHARED)]
    kinds = ["smiling", "cooing", "frowning", "looking_away", "eye_contact"]

    def stream():
        own = [str(uuid.uuid4()) for _ in range(CUES_PER_CAREGIVER)]
        # The shared ids are sent by both, spread through each stream.
        ids = own[:]
        for i, client_id in enumerate(shared):
            ids.insert(i * 3 + 1, client_id)
        return own, ids

    def kind_of(client_id):
        return kinds[int(uuid.UUID(client_id)) % len(kinds)]

    plans = [stream(), stream()]
    results = [[], []]
    failures = []
    barrier = threading.Barrier(2)
    url = create_url(session)

    def caregiver(index, user):
        http = Client()
        http.force_login(user)
        try:
            barrier.wait(timeout=10)
            for client_id in plans[index][1]:
                if client_id in shared:
                    barrier.wait(timeout=10)  # both send this one at the same moment
                data = {"client_id": client_id, "kind": kind_of(client_id), "step": step.pk}
                response = http.post(url, data, **JSON)
                results[index].append((client_id, response.status_code))
        except Exception as error:  # a thread's failure must fail the test, not vanish
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=caregiver, args=(0, family_parent.user)),
        threading.Thread(target=caregiver, args=(1, partner.user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []

    statuses = [status for result in results for _id, status in result]
    assert len(statuses) == 2 * (CUES_PER_CAREGIVER + SHARED)
    assert set(statuses) <= {200, 201}, statuses
    # Each caregiver's own cues are new; each shared one is new for exactly one of them.
    for index in (0, 1):
        own = set(plans[index][0])
        assert all(status == 201 for cid, status in results[index] if cid in own)
    for client_id in shared:
        answers = sorted(s for result in results for cid, s in result if cid == client_id)
        assert answers == [200, 201], client_id

    stored = CueEvent.objects.filter(session=session)
    expected = set(plans[0][0]) | set(plans[1][0]) | set(shared)
    assert len(expected) == 2 * CUES_PER_CAREGIVER + SHARED
    assert {str(c) for c in stored.values_list("client_id", flat=True)} == expected
    assert stored.count() == len(expected)
    for cue in stored:
        assert cue.kind == kind_of(str(cue.client_id))
    recorders = set(stored.values_list("recorded_by", flat=True))
    assert recorders == {family_parent.user.pk, partner.user.pk}
    assert MassageSession.objects.get(pk=session.pk).is_running


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rounds", [8])
def test_ending_from_both_phones_at_once_ends_it_once_and_never_fails(rounds):
    """One caregiver completes the massage while the other answers a pause with "end"."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so nothing races")
    family_parent = MembershipFactory()
    partner = MembershipFactory(family=family_parent.family, role="caregiver")
    baby = BabyFactory(family=family_parent.family)
    routine = routine_with_areas(["legs", "arms"])
    for _round in range(rounds):
        session = MassageSessionFactory(routine=routine, baby=baby, started_by=family_parent.user)
        cue = CueEventFactory(session=session, kind="crying", recorded_by=partner.user)
        barrier = threading.Barrier(2)
        statuses, failures = [], []

        def complete(session=session, barrier=barrier, failures=failures):
            try:
                barrier.wait(timeout=10)
                session_services.session_finish(session=session, outcome=Outcome.COMPLETED)
            except session_services.SessionError:
                pass
            except Exception as error:
                failures.append(repr(error))
            finally:
                connection.close()

        def answer(cue=cue, barrier=barrier, statuses=statuses, failures=failures):
            http = Client()
            http.force_login(partner.user)
            try:
                barrier.wait(timeout=10)
                statuses.append(
                    http.post(respond_url(cue), {"response": "end"}, **JSON).status_code
                )
            except Exception as error:
                failures.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=complete), threading.Thread(target=answer)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert failures == []
        ended = MassageSession.objects.get(pk=session.pk)
        stored = CueEvent.objects.get(pk=cue.pk).response
        assert statuses in ([200], [409])
        if statuses == [200]:
            assert (ended.outcome, stored) == (Outcome.BABY_LED_END, Response.END)
        else:
            assert (ended.outcome, stored) == (Outcome.COMPLETED, "")


def test_a_massage_left_running_for_hours_refuses_cues_with_a_true_reason(
    as_parent, routine, baby, parent, steps
):
    long_ago = MassageSessionFactory(
        routine=routine,
        baby=baby,
        started_by=parent,
        started_at=timezone.now() - timedelta(hours=7),
    )
    response = as_parent.post(create_url(long_ago), cue_data(steps[0]), **JSON)
    assert response.status_code == 409
    message = response.json()["errors"]["__all__"][0]
    assert message == "This massage began too long ago to take new cues."
    assert not CueEvent.objects.exists()
