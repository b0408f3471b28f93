"""The phone's outbox sent in one request (POST /sync/): each item stored once, answered in order,
bad items refused one by one, another family's massages never touched, two phones merged."""

import json
import uuid
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cues import sync
from cues.models import CueEvent
from sessions.models import MassageSession, Outcome, StepVisit
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    MassageSessionFactory,
    MembershipFactory,
    routine_with_areas,
)

URL = "/sync/"
READY = {
    "health": "well",
    "vaccination": "no",
    "skin": "clear",
    "feed": "over_30",
    "state": "quiet_alert",
}
NOT_YOURS = str(sync.NOT_YOURS)


def iso(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def send(client, items, *, sent_at=None, body=None):
    payload = {"items": items}
    if sent_at is not None:
        payload["sent_at"] = iso(sent_at)
    return client.post(
        URL,
        body if body is not None else json.dumps(payload),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )


def statuses(response):
    assert response.status_code == 200, response.content
    return [result["status"] for result in response.json()["results"]]


def everything():
    """Every row the endpoint may write, to tell that a request changed nothing."""
    return (
        list(
            MassageSession.objects.order_by("pk").values_list(
                "pk",
                "client_id",
                "started_at",
                "ended_at",
                "outcome",
                "end_reason",
                "note",
                "progress_seq",
                "current_step",
            )
        ),
        list(StepVisit.objects.order_by("pk").values_list("pk", "step", "seconds", "skipped")),
        list(
            CueEvent.objects.order_by("pk").values_list(
                "pk", "client_id", "kind", "at", "undone_at", "response", "note"
            )
        ),
    )


@pytest.fixture
def routine(db):
    return routine_with_areas(["legs", "arms", "back"], title="Evening calm")


@pytest.fixture
def steps(routine):
    return list(routine.steps.order_by("order"))


@pytest.fixture
def running(routine, baby, parent):
    return MassageSessionFactory(
        routine=routine,
        baby=baby,
        started_by=parent,
        started_at=timezone.now() - timedelta(minutes=5),
    )


def start_item(baby, routine, at, client_id=None, **extra):
    return {
        "type": "start",
        "id": str(client_id or uuid.uuid4()),
        "baby": baby.pk,
        "routine": routine.slug,
        "answers": READY,
        "at": iso(at),
        **extra,
    }


def cue_item(session, step, at, kind="smiling", client_id=None, **extra):
    return {
        "type": "cue",
        "id": str(client_id or uuid.uuid4()),
        "session": session,
        "step": step.pk,
        "kind": kind,
        "at": iso(at),
        **extra,
    }


def progress_item(session, seq, step, visits, elapsed=0):
    return {
        "type": "progress",
        "session": session,
        "seq": seq,
        "step": step.pk,
        "elapsed": elapsed,
        "visits": {str(s.pk): v for s, v in visits.items()},
    }


def finish_item(session, at, outcome="completed", reason=""):
    return {
        "type": "finish",
        "session": session,
        "outcome": outcome,
        "reason": reason,
        "at": iso(at),
    }


def offline_massage(baby, routine, steps, began, client_id):
    """A whole massage done on a phone with no network: start, steps, cues, an undo, the end."""
    undone = uuid.uuid4()
    return [
        start_item(baby, routine, began, client_id),
        cue_item(str(client_id), steps[0], began + timedelta(seconds=20)),
        cue_item(str(client_id), steps[0], began + timedelta(seconds=40), "cooing", undone),
        {
            "type": "undo",
            "session": str(client_id),
            "id": str(undone),
            "at": iso(began + timedelta(seconds=44)),
        },
        progress_item(str(client_id), 1, steps[1], {steps[0]: [60, False]}),
        cue_item(str(client_id), steps[1], began + timedelta(seconds=90), "frowning"),
        progress_item(str(client_id), 2, steps[2], {steps[0]: [60, False], steps[1]: [55, False]}),
        progress_item(
            str(client_id),
            3,
            steps[2],
            {steps[0]: [60, False], steps[1]: [55, False], steps[2]: [70, False, 15]},
            elapsed=70,
        ),
        finish_item(str(client_id), began + timedelta(minutes=4)),
    ]


# -- A massage done offline ------------------------------------------------------------------------


def test_a_massage_done_offline_is_stored_with_the_phones_times_put_right(
    as_parent, parent, baby, routine, steps
):
    now = timezone.now()
    # The phone's clock is 10 minutes slow: the massage began 30 minutes ago by the server's.
    slow = timedelta(minutes=10)
    began_on_phone = now - timedelta(minutes=30) - slow
    client_id = uuid.uuid4()
    items = offline_massage(baby, routine, steps, began_on_phone, client_id)

    response = send(as_parent, items, sent_at=now - slow)

    assert statuses(response) == ["stored"] * len(items)
    results = response.json()["results"]
    assert [r["index"] for r in results] == list(range(len(items)))
    session = MassageSession.objects.get(client_id=client_id)
    assert results[0]["session"] == session.pk
    assert session.started_by == parent
    assert abs(session.started_at - (now - timedelta(minutes=30))) < timedelta(seconds=5)
    assert abs(session.ended_at - (session.started_at + timedelta(minutes=4))) < timedelta(
        seconds=1
    )
    assert session.outcome == Outcome.COMPLETED
    assert session.progress_seq == 3
    assert session.readiness == READY
    cues = list(session.cues.order_by("at"))
    assert [c.kind for c in cues] == ["smiling", "cooing", "frowning"]
    assert [c.undone_at is not None for c in cues] == [False, True, False]
    assert [round(c.seconds_into_session) for c in cues] == [20, 40, 90]
    visits = {v.step_id: (v.seconds, v.extra_seconds) for v in session.visits.all()}
    assert visits == {steps[0].pk: (60, 0), steps[1].pk: (55, 0), steps[2].pk: (70, 15)}


def test_the_same_batch_twice_stores_nothing_new(as_parent, baby, routine, steps):
    now = timezone.now()
    items = offline_massage(baby, routine, steps, now - timedelta(minutes=20), uuid.uuid4())
    assert set(statuses(send(as_parent, items, sent_at=now))) == {"stored"}
    before = everything()

    # Sent again a little later, as after a lost answer: the clock skew measured differs a bit.
    again = send(as_parent, items, sent_at=now - timedelta(seconds=40))

    assert statuses(again) == ["already had it"] * len(items)
    assert everything() == before
    assert CueEvent.objects.count() == 3


def test_one_bad_item_among_good_ones_is_refused_and_the_others_stored(as_parent, running, steps):
    now = timezone.now()
    items = [
        cue_item(running.pk, steps[0], now - timedelta(seconds=30)),
        cue_item(running.pk, steps[0], now - timedelta(seconds=20), kind="juggling"),
        cue_item(running.pk, steps[0], now - timedelta(seconds=10), kind="cooing"),
    ]

    response = send(as_parent, items, sent_at=now)

    assert statuses(response) == ["stored", "refused", "stored"]
    assert response.json()["results"][1]["reason"] == "kind: That is not a cue the app knows."
    assert sorted(running.cues.values_list("kind", flat=True)) == ["cooing", "smiling"]


def test_items_for_another_familys_massage_are_refused_as_if_it_did_not_exist(
    client, outsider, running, steps
):
    now = timezone.now()
    CueEventFactory(session=running)
    before = everything()
    cue = CueEvent.objects.get()
    items = [
        cue_item(running.pk, steps[0], now),
        {"type": "undo", "session": running.pk, "id": str(cue.client_id)},
        {"type": "response", "session": running.pk, "id": str(cue.client_id), "response": "end"},
        progress_item(running.pk, 1, steps[1], {steps[0]: [30, False]}),
        finish_item(running.pk, now, outcome="ended_early"),
        finish_item(str(running.client_id), now, outcome="ended_early"),
        cue_item(10**17, steps[0], now),  # no such massage at all
    ]
    client.force_login(outsider)

    response = send(client, items, sent_at=now)

    assert statuses(response) == ["refused"] * len(items)
    reasons = {result["reason"] for result in response.json()["results"]}
    assert reasons == {NOT_YOURS}
    assert everything() == before
    assert running.baby.family.name not in response.text


def test_a_start_for_another_familys_baby_is_refused(client, outsider, baby, routine):
    client.force_login(outsider)
    response = send(client, [start_item(baby, routine, timezone.now())])
    assert statuses(response) == ["refused"]
    assert response.json()["results"][0]["reason"] == "No baby of yours has this id."
    assert not MassageSession.objects.exists()


def test_a_start_reusing_another_familys_massage_id_is_refused(client, outsider, running, routine):
    other_baby = outsider.families.get().babies.get()
    client.force_login(outsider)
    before = everything()
    item = start_item(other_baby, routine, timezone.now(), client_id=running.client_id)
    response = send(client, [item])
    assert statuses(response) == ["refused"]
    assert "already used" in response.json()["results"][0]["reason"]
    assert everything() == before


# -- Too much, out of order, gone, reused ---------------------------------------------------------


def test_ten_thousand_items_are_refused_whole_and_nothing_is_stored(as_parent, running, steps):
    now = timezone.now()
    small = [{"type": "undo"}] * 10_000
    response = send(as_parent, small)
    assert response.status_code == 413
    assert "At most 500 items" in response.json()["error"]

    real = [cue_item(running.pk, steps[0], now) for _ in range(10_000)]
    response = send(as_parent, real, sent_at=now)
    assert response.status_code == 413  # over the site's 1 MB before it is even read
    assert not CueEvent.objects.exists()


def test_501_items_are_too_many(as_parent, running, steps):
    now = timezone.now()
    response = send(as_parent, [cue_item(running.pk, steps[0], now) for _ in range(501)])
    assert response.status_code == 413
    assert not CueEvent.objects.exists()


def test_500_realistic_items_fit_in_the_body_limit_and_cost_few_queries_each(
    as_parent, baby, routine, steps, django_assert_max_num_queries
):
    now = timezone.now()
    client_id = uuid.uuid4()
    began = now - timedelta(minutes=50)
    items = [start_item(baby, routine, began, client_id)]
    visits = {step: [60.25, False, 15] for step in steps}
    for n in range(1, 100):
        items.append(progress_item(str(client_id), n, steps[n % 3], visits, elapsed=12.5))
    while len(items) < 499:
        at = began + timedelta(seconds=len(items) * 5)
        items.append(
            cue_item(str(client_id), steps[0], at, "turning_away", note="Turned to the window " * 8)
        )
    items.append(finish_item(str(client_id), now - timedelta(seconds=10), "baby_led_end", "cried"))
    body = json.dumps({"items": items, "sent_at": iso(now)})
    assert len(body) < settings.REQUEST_BODY_MAX_BYTES

    # What each new item costs: a cue its insert (in a savepoint: 3 statements), progress a
    # locked read and two writes (5 with the savepoint); the look-ups are one query each for
    # the whole batch, and the start and the finish a few of their own.
    with django_assert_max_num_queries(30 + 3 * 399 + 5 * 99):
        response = send(as_parent, items, body=body)

    assert statuses(response) == ["stored"] * 500
    session = MassageSession.objects.get(client_id=client_id)
    assert session.cues.count() == 399
    assert session.progress_seq == 99
    assert session.outcome == Outcome.BABY_LED_END

    # Sent again, it costs the same few queries whatever its length.
    with django_assert_max_num_queries(15):
        again = send(as_parent, items, body=body)
    assert statuses(again) == ["already had it"] * 500


def test_a_cue_sent_before_its_massages_start_is_stored_after_the_start(
    as_parent, baby, routine, steps
):
    now = timezone.now()
    client_id = uuid.uuid4()
    items = [
        cue_item(str(client_id), steps[0], now - timedelta(minutes=2)),
        start_item(baby, routine, now - timedelta(minutes=3), client_id),
    ]
    response = send(as_parent, items, sent_at=now)
    assert statuses(response) == ["stored", "stored"]
    session = MassageSession.objects.get(client_id=client_id)
    assert response.json()["results"][1]["session"] == session.pk
    assert session.cues.count() == 1


def test_a_cue_whose_start_is_refused_says_so(as_parent, baby, routine, steps):
    now = timezone.now()
    client_id = uuid.uuid4()
    unwell = start_item(baby, routine, now, client_id, answers=READY | {"health": "unwell"})
    items = [unwell, cue_item(str(client_id), steps[0], now)]
    response = send(as_parent, items, sent_at=now)
    assert statuses(response) == ["refused", "refused"]
    results = response.json()["results"]
    assert "needs rest and comfort" in results[0]["reason"]
    assert results[1]["reason"] == "The start of this massage (item 0) was refused."
    assert not MassageSession.objects.exists()


def test_two_offline_massages_in_a_row_in_one_batch(as_parent, baby, routine, steps):
    now = timezone.now()
    first, second = uuid.uuid4(), uuid.uuid4()
    items = [
        *offline_massage(baby, routine, steps, now - timedelta(hours=3), first),
        *offline_massage(baby, routine, steps, now - timedelta(minutes=30), second),
    ]
    assert set(statuses(send(as_parent, items, sent_at=now))) == {"stored"}
    assert MassageSession.objects.filter(ended_at__isnull=False).count() == 2


def test_an_item_whose_massage_was_deleted_is_refused(as_parent, running, steps):
    now = timezone.now()
    gone = running.pk
    running.delete()
    items = [
        cue_item(gone, steps[0], now),
        progress_item(gone, 1, steps[1], {}),
        finish_item(gone, now),
    ]
    response = send(as_parent, items, sent_at=now)
    assert statuses(response) == ["refused"] * 3
    assert {r["reason"] for r in response.json()["results"]} == {NOT_YOURS}


def test_a_cue_id_reused_for_another_cue_is_refused_and_the_stored_one_unchanged(
    as_parent, running, steps
):
    now = timezone.now()
    client_id = uuid.uuid4()
    assert statuses(send(as_parent, [cue_item(running.pk, steps[0], now, "smiling", client_id)]))
    before = everything()
    changed = cue_item(running.pk, steps[1], now, "crying", client_id)
    response = send(as_parent, [changed], sent_at=now)
    assert statuses(response) == ["refused"]
    assert "already used for a different cue" in response.json()["results"][0]["reason"]
    assert everything() == before


def test_a_start_id_reused_for_another_routine_is_refused(as_parent, baby, routine):
    now = timezone.now()
    client_id = uuid.uuid4()
    send(as_parent, [start_item(baby, routine, now, client_id)])
    before = everything()
    other = routine_with_areas(["legs"])
    response = send(as_parent, [start_item(baby, other, now, client_id)])
    assert statuses(response) == ["refused"]
    assert everything() == before


# -- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        '"items"',
        '{"items": {}}',
        '{"item": []}',
        '{"items": [NaN]}',
        '{"items": [], "sent_at": 12}',
        '{"items": [], "sent_at": "yesterday"}',
        '{"items": [], "sent_at": "2025-03-01T10:00:00"}',
        "[" * 100_000 + "]" * 100_000,
        b"\xff\xfe{",
    ],
)
def test_a_body_that_cannot_be_read_is_a_400(as_parent, body):
    response = send(as_parent, [], body=body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_wrong_types_unknown_kinds_missing_fields_and_huge_strings_are_refused_one_by_one(
    as_parent, running, steps
):
    now = timezone.now()
    before = everything()
    good = cue_item(running.pk, steps[0], now)
    items = [
        "a cue",
        None,
        [1, 2],
        {"type": "dance"},
        {"type": ["cue"]},
        {k: v for k, v in good.items() if k != "step"},
        good | {"step": "1"},
        good | {"step": 10**30},
        good | {"step": True},
        good | {"session": [running.pk]},
        good | {"session": "not-a-uuid"},
        good | {"id": "x" * 100_000},
        good | {"note": "n" * 100_000},
        good | {"kind": "k" * 100_000},
        good | {"at": "2025-13-45T99:00:00Z"},
        good | {"at": "9999-12-31T23:59:59Z"},
        good | {"at": "0001-01-01T00:00:00+14:00"},
        progress_item(running.pk, 1, steps[0], {}) | {"elapsed": "1"},
        progress_item(running.pk, 1, steps[0], {}) | {"visits": [1]},
        progress_item(running.pk, 1, steps[0], {}) | {"seq": 10**9},
        progress_item(running.pk, 1, steps[0], {steps[0]: [10**9, False]}),
        finish_item(running.pk, now) | {"outcome": "exploded"},
        finish_item(running.pk, now) | {"at": None},
        {"type": "start", "id": str(uuid.uuid4()), "baby": running.baby_id, "answers": "yes"},
    ]
    response = send(as_parent, items, sent_at=now)
    assert statuses(response) == ["refused"] * len(items)
    for result in response.json()["results"]:
        assert result["reason"], result
    assert len(response.json()["results"][11].get("id", "")) <= 64  # not echoed back whole
    assert everything() == before


def test_the_batch_keeps_csrf_protection_with_the_token_in_a_header(parent, running, steps):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parent)
    body = json.dumps({"items": [cue_item(running.pk, steps[0], timezone.now())]})
    refused = client.post(
        URL, body, content_type="application/json", HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 403
    assert "expired" in refused.json()["error"]
    assert not CueEvent.objects.exists()

    client.get(reverse("sessions:session-player", args=[running.pk]))  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    allowed = client.post(
        URL,
        body,
        content_type="application/json",
        HTTP_ACCEPT="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert statuses(allowed) == ["stored"]


def test_logged_out_the_batch_is_a_401_that_says_to_log_in(client, running, steps):
    response = send(client, [cue_item(running.pk, steps[0], timezone.now())])
    assert response.status_code == 401
    assert "log in again" in response.json()["error"]
    assert not CueEvent.objects.exists()


def test_only_post(as_parent):
    assert as_parent.get(URL).status_code == 405


# -- The readiness check and the times of a start -------------------------------------------------


def test_a_start_needs_go_ahead_after_advice_and_is_stopped_when_unwell(as_parent, baby, routine):
    now = timezone.now()
    fed = READY | {"feed": "recent"}
    items = [
        start_item(baby, routine, now, answers=fed),
        start_item(baby, routine, now, answers=READY | {"health": "unwell"}, go_ahead=True),
        start_item(baby, routine, now, answers={"health": "well"}),
        start_item(baby, routine, now, answers=fed, go_ahead=True),
    ]
    response = send(as_parent, items, sent_at=now)
    assert statuses(response) == ["refused", "refused", "refused", "stored"]
    reasons = [r.get("reason", "") for r in response.json()["results"]]
    assert "go_ahead" in reasons[0]
    assert reasons[2].startswith("vaccination:")
    assert MassageSession.objects.get().readiness == fed


def test_a_start_while_another_massage_of_the_baby_runs_is_refused(
    as_parent, running, baby, routine
):
    response = send(as_parent, [start_item(baby, routine, timezone.now())])
    assert statuses(response) == ["refused"]
    assert "already under way" in response.json()["results"][0]["reason"]


def test_a_start_in_the_future_or_over_a_week_ago_is_refused(as_parent, baby, routine):
    now = timezone.now()
    items = [
        start_item(baby, routine, now + timedelta(minutes=10)),
        start_item(baby, routine, now - timedelta(days=8)),
    ]
    response = send(as_parent, items, sent_at=now)
    assert statuses(response) == ["refused", "refused"]
    assert not MassageSession.objects.exists()


def test_an_undo_tapped_in_time_counts_however_late_it_arrives(as_parent, running, steps):
    now = timezone.now()
    tapped = CueEventFactory(session=running, at=now - timedelta(hours=1), seconds_into_session=1)
    late = CueEventFactory(session=running, at=now - timedelta(hours=1), seconds_into_session=2)
    CueEvent.objects.update(created_at=now - timedelta(hours=1))
    items = [
        {
            "type": "undo",
            "session": running.pk,
            "id": str(tapped.client_id),
            "at": iso(tapped.at + timedelta(seconds=6)),
        },
        {
            "type": "undo",
            "session": running.pk,
            "id": str(late.client_id),
            "at": iso(late.at + timedelta(minutes=1)),
        },
        {"type": "undo", "session": running.pk, "id": str(late.client_id)},
    ]
    response = send(as_parent, items, sent_at=now)
    assert statuses(response) == ["stored", "refused", "refused"]
    assert "too late" in response.json()["results"][1]["reason"]
    assert list(CueEvent.objects.logged().values_list("pk", flat=True)) == [late.pk]


def test_ending_at_a_pause_offline_ends_the_massage_when_it_was_tapped(as_parent, running, steps):
    now = timezone.now()
    cue = CueEventFactory(session=running, kind="crying", at=now - timedelta(minutes=3))
    tapped = now - timedelta(minutes=2)
    item = {
        "type": "response",
        "session": running.pk,
        "id": str(cue.client_id),
        "response": "end",
        "at": iso(tapped),
    }
    assert statuses(send(as_parent, [item], sent_at=now)) == ["stored"]
    running.refresh_from_db()
    assert running.outcome == Outcome.BABY_LED_END
    assert abs(running.ended_at - tapped) < timedelta(seconds=1)
    assert statuses(send(as_parent, [item], sent_at=now)) == ["already had it"]


# -- Two phones on one massage --------------------------------------------------------------------


@pytest.fixture
def second_phone(caregiver):
    client = Client()
    client.force_login(caregiver)
    return client


@pytest.mark.parametrize("first_arrives", ["ahead", "behind"])
def test_progress_keeps_the_highest_counter_whichever_arrives_first(
    as_parent, second_phone, running, steps, first_arrives
):
    ahead = progress_item(running.pk, 9, steps[2], {steps[0]: [60, False], steps[1]: [50, True]})
    behind = progress_item(running.pk, 4, steps[1], {steps[0]: [20, False]})
    order = [(as_parent, ahead), (second_phone, behind)]
    if first_arrives == "behind":
        order.reverse()
    answers = [statuses(send(client, [item]))[0] for client, item in order]

    assert answers == (
        ["stored", "already had it"] if first_arrives == "ahead" else ["stored", "stored"]
    )
    running.refresh_from_db()
    assert (running.progress_seq, running.current_step_id) == (9, steps[2].pk)
    visits = {v.step_id: (v.seconds, v.skipped) for v in running.visits.all()}
    assert visits == {steps[0].pk: (60, False), steps[1].pk: (50, True)}


@pytest.mark.parametrize("first_arrives", ["earlier", "later"])
def test_the_outcome_is_the_latest_finish_whichever_arrives_first(
    as_parent, second_phone, running, steps, first_arrives
):
    now = timezone.now()
    StepVisit.objects.create(
        session=running, step=steps[0], order=1, body_area="legs", stroke="s", seconds=30
    )
    earlier = finish_item(running.pk, now - timedelta(minutes=2), "completed")
    later = finish_item(running.pk, now - timedelta(minutes=1), "baby_led_end", "cried")
    order = [(as_parent, earlier), (second_phone, later)]
    if first_arrives == "later":
        order.reverse()
    answers = [statuses(send(client, [item], sent_at=now))[0] for client, item in order]

    assert answers == (
        ["stored", "stored"] if first_arrives == "earlier" else ["stored", "already had it"]
    )

    running.refresh_from_db()
    assert (running.outcome, running.end_reason) == (Outcome.BABY_LED_END, "cried")
    assert abs(running.ended_at - (now - timedelta(minutes=1))) < timedelta(seconds=1)
    # Both ends sent again: nothing changes.
    before = everything()
    for client, item in order:
        assert statuses(send(client, [item], sent_at=now)) == ["already had it"]
    assert everything() == before


def test_cues_from_two_phones_are_all_kept(as_parent, second_phone, running, steps):
    now = timezone.now()
    mine = [cue_item(running.pk, steps[0], now - timedelta(seconds=s)) for s in (50, 30)]
    theirs = [
        cue_item(running.pk, steps[1], now - timedelta(seconds=s), "cooing") for s in (40, 20)
    ]
    assert statuses(send(as_parent, mine, sent_at=now)) == ["stored", "stored"]
    assert statuses(send(second_phone, theirs, sent_at=now)) == ["stored", "stored"]
    assert running.cues.count() == 4


def test_a_member_of_two_families_may_send_for_both_in_one_batch(parent, client, routine, steps):
    other = MembershipFactory(user=parent, role="caregiver").family
    mine = parent.families.order_by("pk").first().babies.get()
    theirs = BabyFactory(family=other)
    now = timezone.now()
    client.force_login(parent)
    items = [start_item(mine, routine, now), start_item(theirs, routine, now)]
    assert statuses(send(client, items, sent_at=now)) == ["stored", "stored"]


def test_progress_and_a_pause_answer_after_the_other_phone_ended_it_are_refused(
    as_parent, second_phone, running, steps
):
    now = timezone.now()
    crying = CueEventFactory(session=running, kind="crying", at=now - timedelta(minutes=2))
    assert statuses(send(as_parent, [finish_item(running.pk, now, "ended_early")])) == ["stored"]
    before = everything()
    items = [
        progress_item(running.pk, 5, steps[1], {steps[0]: [40, False]}),
        {"type": "response", "session": running.pk, "id": str(crying.client_id), "response": "end"},
    ]
    response = send(second_phone, items, sent_at=now)
    assert statuses(response) == ["refused", "refused"]
    assert all("has ended" in r["reason"] for r in response.json()["results"])
    assert everything() == before


def test_the_last_cue_of_a_batch_is_judged_with_the_other_phones_cues_too(
    as_parent, second_phone, running, steps
):
    now = timezone.now()
    theirs = cue_item(running.pk, steps[0], now - timedelta(seconds=20), "frowning")
    assert statuses(send(second_phone, [theirs], sent_at=now)) == ["stored"]
    mine = [
        cue_item(running.pk, steps[0], now - timedelta(seconds=15), "smiling"),
        cue_item(running.pk, steps[0], now - timedelta(seconds=10), "squirming"),
    ]
    results = send(as_parent, mine, sent_at=now).json()["results"]
    assert "prompt" not in results[0]  # one judgement a massage: its latest cue's
    assert results[1]["prompt"]["level"] == "pause"  # two unsettled cues, one from each phone
