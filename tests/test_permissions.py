"""Who may open what: every URL that shows or changes family data, for every kind of visitor.

anonymous → sent to log in; parent → allowed; caregiver → allowed, or 403 where only parents may
act; member of another family → 404 (nothing revealed). Nothing changes unless allowed.
Add every new URL that touches family data to ROUTES, with a POST row for every change it makes;
pages anyone may open go in PUBLIC. A test fails when a URL of massage or sessions has no row.

The instructors' studio holds no family data but is scoped to its author the same way: anonymous →
log in; the author → allowed; another instructor → 404; a parent (not an instructor) → 403.
Massage sessions follow the family rule: add every sessions URL to SESSION_ROUTES (or to PUBLIC
when it needs no login, as a reminder mail's unsubscribe link).

Add every new studio URL to STUDIO_ROUTES (or STUDIO_PAGES when it names no routine or step).
The cues app's URLs have their rows in tests/cues/test_permissions.py, which fails when one is
missing.
"""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cues.models import CueEvent
from massage.models import (
    Baby,
    Consent,
    Family,
    HiddenAssignment,
    InstructorLink,
    Invitation,
    JoinRequest,
    Membership,
    Routine,
    Scope,
    TeachingClass,
    TeachingInvitation,
)
from massage.services import teaching as teaching_services
from massage.services.families import invitation_create
from sessions.models import MassageSession, Outcome, Reminder, StepVisit
from tests.factories import (
    BabyFactory,
    InstructorFactory,
    MassageSessionFactory,
    MembershipFactory,
    ReminderFactory,
    RoutineFactory,
    StepFactory,
    routine_with_areas,
)


def birth_date():
    """A baby's birth date as the form takes it: six weeks ago, so it is valid whenever run."""
    return (timezone.localdate() - timedelta(weeks=6)).isoformat()


# (url name, its arguments from the objects, method, data from the objects, status for a parent,
# status for a caregiver: 403 where only parents may act)
ROUTES = [
    ("massage:family-detail", lambda o: [o["family"].pk], "get", None, 200, 200),
    ("massage:family-update", lambda o: [o["family"].pk], "get", None, 200, 403),
    (
        "massage:family-update",
        lambda o: [o["family"].pk],
        "post",
        lambda o: {"name": "Renamed"},
        302,
        403,
    ),
    ("massage:family-delete", lambda o: [o["family"].pk], "get", None, 200, 403),
    (
        "massage:family-delete",
        lambda o: [o["family"].pk],
        "post",
        lambda o: {"confirm_name": o["family"].name},
        302,
        403,
    ),
    ("massage:family-leave", lambda o: [o["family"].pk], "get", None, 200, 200),
    # The only parent may not leave (409); a caregiver may.
    ("massage:family-leave", lambda o: [o["family"].pk], "post", lambda o: {}, 409, 302),
    ("massage:baby-create", lambda o: [o["family"].pk], "get", None, 200, 403),
    (
        "massage:baby-create",
        lambda o: [o["family"].pk],
        "post",
        lambda o: {"name": "Newborn", "birth_date": birth_date()},
        302,
        403,
    ),
    ("massage:baby-update", lambda o: [o["baby"].pk], "get", None, 200, 403),
    (
        "massage:baby-update",
        lambda o: [o["baby"].pk],
        "post",
        lambda o: {"name": "Renamed", "birth_date": birth_date()},
        302,
        403,
    ),
    ("massage:baby-delete", lambda o: [o["baby"].pk], "get", None, 200, 403),
    ("massage:baby-delete", lambda o: [o["baby"].pk], "post", lambda o: {}, 302, 403),
    ("massage:invitation-create", lambda o: [o["family"].pk], "get", None, 200, 403),
    (
        "massage:invitation-create",
        lambda o: [o["family"].pk],
        "post",
        lambda o: {"role": "caregiver", "email": "nan@example.com"},
        201,
        403,
    ),
    (
        "massage:invitation-revoke",
        lambda o: [o["family"].pk, o["invitation"].pk],
        "post",
        lambda o: {},
        302,
        403,
    ),
    (
        "massage:member-remove",
        lambda o: [o["family"].pk, o["caregiver_membership"].pk],
        "post",
        lambda o: {},
        302,
        403,
    ),
    # Any member may hide an instructor's assignment from the family's Today.
    (
        "massage:assignment-hide",
        lambda o: [o["family"].pk, o["assignment"].pk],
        "post",
        lambda o: {},
        302,
        302,
    ),
    # What the family's instructor may see: only parents change it.
    (
        "massage:consent-change",
        lambda o: [o["family"].pk, o["link"].pk],
        "post",
        lambda o: {"scope": "practice"},
        302,
        403,
    ),
    # A request to join a class with its code: only parents take it back.
    (
        "massage:join-request-withdraw",
        lambda o: [o["family"].pk, o["join_request"].pk],
        "post",
        lambda o: {},
        302,
        403,
    ),
]
ROUTE_IDS = [f"{name.split(':')[1]}-{method}" for name, _a, method, *_rest in ROUTES]
ROUTE_PARAMS = ("name", "args", "method", "data", "as_parent", "as_caregiver")

LOGIN_ONLY = [
    "today",
    "massage:family-create",
    "massage:account",
    "massage:account-delete",
    # Anyone may open an instructor profile (a parent may teach too).
    "massage:instructor-profile",
    # Anyone may type a class's code (the page says who may ask to join).
    "massage:class-code-find",
]
# Pages opened from a link with a token: any logged-in person may open them (url name, arguments).
TOKEN_PAGES = [
    ("massage:class-join", lambda o: [o["teaching_token"]]),
    ("massage:class-code", lambda o: [o["class_code"]]),
]

# Pages anyone may open, logged in or not (url name, arguments from the objects, method).
PUBLIC = [
    ("massage:landing", lambda o: [], "get"),
    ("massage:theme-set", lambda o: [], "post"),
    ("massage:language-set", lambda o: [], "post"),
    ("massage:routine-list", lambda o: [], "get"),
    ("massage:routine-detail", lambda o: [o["routine"].slug], "get"),
    ("massage:routine-print", lambda o: [o["routine"].slug], "get"),
    ("massage:invitation-accept", lambda o: [o["token"]], "get"),
    ("massage:invitation-decline", lambda o: [o["token"]], "post"),
    # A reminder mail's unsubscribe link: its token is the key (GET asks, POST stops it).
    ("sessions:reminder-unsubscribe", lambda o: [o["reminder_token"]], "get"),
    ("sessions:reminder-unsubscribe", lambda o: [o["reminder_token"]], "post"),
    # The cue icons' sprite (an old version is sent on to the current one).
    ("cues:cue-icons", lambda o: ["old"], "get"),
    # A library routine's step pictures (an old version is sent on to the current one).
    ("sessions:routine-figures", lambda o: [o["routine"].pk, "old"], "get"),
    # The load balancer's and monitoring's question: may this server take requests?
    ("healthz", lambda o: [], "get"),
    # Installing the site and opening it offline: the same for everyone, naming nobody.
    ("manifest", lambda o: [], "get"),
    ("service-worker", lambda o: [], "get"),
    ("offline", lambda o: [], "get"),
]


@pytest.fixture
def objects(parent, family, baby, caregiver):
    invitation, token = invitation_create(family=family, invited_by=parent)
    instructor = InstructorFactory()
    link = InstructorLink.objects.create(instructor=instructor, family=family)
    Consent.objects.create(link=link, scope=Scope.CUES, changed_by=parent)
    _invitation, teaching_token = teaching_invitation(instructor)
    assignment = teaching_services.assignment_create(
        instructor=instructor,
        routine=RoutineFactory(),
        family=family,
        times_per_week=3,
        starts_on=timezone.localdate(),
    )
    # Another instructor's class, which the family asked to join with its code.
    other_class = teaching_services.class_create(
        instructor=InstructorFactory(), name="Friday", starts_on=timezone.localdate(), meets_on=4
    )
    join_request = JoinRequest.objects.create(
        teaching_class=other_class, family=family, requested_by=parent, scope=Scope.PRACTICE
    )
    return {
        "assignment": assignment,
        "class_code": other_class.join_code,
        "join_request": join_request,
        "link": link,
        "teaching_token": teaching_token,
        "family": family,
        "baby": baby,
        "massage": MassageSessionFactory(
            baby=baby, routine=routine_with_areas(["legs"]), started_by=parent
        ),  # a massage going on
        "invitation": invitation,
        "token": token,
        "caregiver_membership": Membership.objects.get(user=caregiver),
        "routine": RoutineFactory(),
        "reminder_token": ReminderFactory(user=parent, family=family).token,
    }


def family_snapshot():
    """Every family, baby, membership and invitation, to tell whether a request changed any."""
    return (
        list(Family.objects.order_by("pk").values_list("pk", "name")),
        list(Baby.objects.order_by("pk").values_list("pk", "family", "name", "birth_date")),
        list(Membership.objects.order_by("pk").values_list("pk", "family", "user", "role")),
        list(
            Invitation.objects.order_by("pk").values_list(
                "pk", "email", "revoked_at", "accepted_at"
            )
        ),
        list(Consent.objects.order_by("pk").values_list("pk", "link", "scope")),
        list(HiddenAssignment.objects.order_by("pk").values_list("pk", "assignment", "family")),
        list(JoinRequest.objects.order_by("pk").values_list("pk", "family", "state")),
    )


def family_request(client, name, args, method, data, objects):
    url = reverse(name, args=args(objects))
    if method == "get":
        return client.get(url)
    return client.post(url, data(objects))


@pytest.mark.parametrize(ROUTE_PARAMS, ROUTES, ids=ROUTE_IDS)
def test_anonymous_is_sent_to_log_in(
    client, objects, name, args, method, data, as_parent, as_caregiver
):
    before = family_snapshot()
    response = family_request(client, name, args, method, data, objects)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert family_snapshot() == before


@pytest.mark.parametrize(ROUTE_PARAMS, ROUTES, ids=ROUTE_IDS)
def test_parent_is_allowed(
    client, objects, parent, name, args, method, data, as_parent, as_caregiver
):
    before = family_snapshot()
    client.force_login(parent)
    response = family_request(client, name, args, method, data, objects)
    assert response.status_code == as_parent
    if method == "post" and response.status_code < 400:
        assert family_snapshot() != before
    else:
        assert family_snapshot() == before


@pytest.mark.parametrize(ROUTE_PARAMS, ROUTES, ids=ROUTE_IDS)
def test_caregiver_is_allowed_or_refused_where_only_parents_may(
    client, objects, caregiver, name, args, method, data, as_parent, as_caregiver
):
    before = family_snapshot()
    client.force_login(caregiver)
    response = family_request(client, name, args, method, data, objects)
    assert response.status_code == as_caregiver
    if response.status_code == 403:
        assert "Only the family&#x27;s parents can do this." in response.text
    if method == "post" and response.status_code < 400:
        assert family_snapshot() != before
    else:
        assert family_snapshot() == before


@pytest.mark.parametrize(ROUTE_PARAMS, ROUTES, ids=ROUTE_IDS)
def test_other_family_gets_404_and_nothing_changes(
    client, objects, outsider, name, args, method, data, as_parent, as_caregiver
):
    before = family_snapshot()
    client.force_login(outsider)
    response = family_request(client, name, args, method, data, objects)
    assert response.status_code == 404
    assert family_snapshot() == before
    assert objects["family"].name not in response.text


@pytest.mark.parametrize(("name", "args", "method"), PUBLIC)
def test_public_pages_need_no_login(client, objects, name, args, method):
    response = getattr(client, method)(reverse(name, args=args(objects)))
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert not response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", LOGIN_ONLY)
def test_pages_that_need_a_login(client, user_without_family, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(user_without_family)
    assert client.get(reverse(name)).status_code == 200


def test_public_pages_are_public(client):
    for url in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        assert client.get(url).status_code == 200, url


# -- Massage sessions ---------------------------------------------------------------------------

READY = {
    "health": "well",
    "vaccination": "no",
    "skin": "clear",
    "feed": "over_30",
    "state": "quiet_alert",
}

# (url name, its arguments from the session objects, method, data from them, status for a member)
SESSION_ROUTES = [
    (
        "sessions:session-start",
        lambda o: [o["twin"].pk, o["routine"].slug],
        "get",
        None,
        200,
    ),
    (
        "sessions:session-start",
        lambda o: [o["twin"].pk, o["routine"].slug],
        "post",
        lambda o: READY,
        302,
    ),
    ("sessions:session-player", lambda o: [o["running"].pk], "get", None, 200),
    (
        "sessions:session-offline-player",
        lambda o: [o["twin"].pk, o["routine"].slug],
        "get",
        None,
        200,
    ),
    (
        "sessions:session-progress",
        lambda o: [o["running"].pk],
        "post",
        lambda o: {
            "seq": 1,
            "step": o["steps"][1].pk,
            "elapsed": 2,
            "visits": f'{{"{o["steps"][0].pk}": [30, false]}}',
        },
        204,
    ),
    (
        "sessions:session-step",
        lambda o: [o["running"].pk],
        "post",
        lambda o: {"step": o["steps"][0].pk, "action": "next"},
        302,
    ),
    ("sessions:session-finish", lambda o: [o["running"].pk], "get", None, 200),
    (
        "sessions:session-finish",
        lambda o: [o["running"].pk],
        "post",
        lambda o: {"outcome": "baby_led_end", "reason": "cried"},
        302,
    ),
    ("sessions:session-summary", lambda o: [o["ended"].pk], "get", None, 200),
    (
        "sessions:session-note",
        lambda o: [o["ended"].pk],
        "post",
        lambda o: {"note": "Loved it"},
        302,
    ),
    # Each member's own reminder: every member may set theirs (the fixture gives each one).
    ("sessions:reminder-edit", lambda o: [o["twin"].family_id], "get", None, 200),
    (
        "sessions:reminder-edit",
        lambda o: [o["twin"].family_id],
        "post",
        lambda o: {"weekdays": ["1", "4"], "time": "07:15", "time_zone": "UTC"},
        302,
    ),
    ("sessions:reminder-off", lambda o: [o["twin"].family_id], "post", lambda o: {}, 302),
]
SESSION_IDS = [f"{name.split(':')[1]}-{method}" for name, _a, method, _d, _s in SESSION_ROUTES]


@pytest.fixture
def session_objects(parent, family, baby, caregiver):
    """A running and an ended massage of one baby, and a twin with none running."""
    routine = routine_with_areas(["legs", "arms", "back"])
    ended = MassageSessionFactory(baby=baby, routine=routine, started_by=parent)
    ended.finish(outcome=Outcome.COMPLETED, note="First time")
    running = MassageSessionFactory(baby=baby, routine=routine, started_by=parent)
    for member in (parent, caregiver):
        ReminderFactory(user=member, family=family)
    return {
        "routine": routine,
        "steps": list(routine.steps.order_by("order")),
        "running": running,
        "ended": ended,
        "twin": BabyFactory(family=family),
    }


def sessions_snapshot():
    sessions = list(
        MassageSession.objects.order_by("pk").values_list(
            "pk", "current_step", "current_elapsed", "progress_seq", "ended_at", "outcome", "note"
        )
    )
    visits = list(StepVisit.objects.order_by("pk").values_list("step", "seconds", "skipped"))
    reminders = list(
        Reminder.objects.order_by("pk").values_list("pk", "user", "weekdays", "time", "active")
    )
    return sessions, visits, reminders


def session_request(client, name, args, method, data, objects):
    url = reverse(name, args=args(objects))
    if method == "get":
        return client.get(url)
    return client.post(url, data(objects))


@pytest.mark.parametrize(
    ("name", "args", "method", "data", "_status"), SESSION_ROUTES, ids=SESSION_IDS
)
def test_sessions_anonymous_is_sent_to_log_in(
    client, session_objects, name, args, method, data, _status
):
    before = sessions_snapshot()
    response = session_request(client, name, args, method, data, session_objects)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert sessions_snapshot() == before


@pytest.mark.parametrize("member", ["parent", "caregiver"])
@pytest.mark.parametrize(
    ("name", "args", "method", "data", "status"), SESSION_ROUTES, ids=SESSION_IDS
)
def test_sessions_family_members_are_allowed(
    client, request, session_objects, member, name, args, method, data, status
):
    before = sessions_snapshot()
    client.force_login(request.getfixturevalue(member))
    response = session_request(client, name, args, method, data, session_objects)
    assert response.status_code == status
    if status == 302:
        assert not response.url.startswith(reverse("account_login"))
    if method == "post":
        assert sessions_snapshot() != before


@pytest.mark.parametrize(
    ("name", "args", "method", "data", "_status"), SESSION_ROUTES, ids=SESSION_IDS
)
def test_sessions_other_family_gets_404_and_nothing_changes(
    client, session_objects, outsider, name, args, method, data, _status
):
    before = sessions_snapshot()
    client.force_login(outsider)
    response = session_request(client, name, args, method, data, session_objects)
    assert response.status_code == 404
    assert sessions_snapshot() == before


# -- The phone's outbox: many saves in one request ------------------------------------------------

# (url name, the JSON body from the session objects). Anyone logged in may send a batch: only
# the items for massages of their own families are stored; the others are refused one by one,
# in the same words whether the massage is another family's or does not exist.
BATCH_ROUTES = [
    (
        "cues:outbox-sync",
        lambda o: {
            "items": [
                {
                    "type": "progress",
                    "session": o["running"].pk,
                    "seq": 1,
                    "step": o["steps"][1].pk,
                    "elapsed": 2,
                    "visits": {str(o["steps"][0].pk): [30, False]},
                },
                {
                    "type": "cue",
                    "id": "7d6f8f0e-3c1b-4f39-9a57-2f0f2c3e9b10",
                    "session": o["running"].pk,
                    "step": o["steps"][1].pk,
                    "kind": "cooing",
                    "at": timezone.now().isoformat(),
                },
            ]
        },
    ),
]


def batch_request(client, name, body, objects):
    return client.post(
        reverse(name),
        json.dumps(body(objects)),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )


def batch_snapshot():
    cues = list(CueEvent.objects.order_by("pk").values_list("pk", "client_id", "kind", "at"))
    return sessions_snapshot(), cues


@pytest.mark.parametrize(("name", "body"), BATCH_ROUTES)
def test_batch_anonymous_is_told_to_log_in(client, session_objects, name, body):
    before = batch_snapshot()
    response = batch_request(client, name, body, session_objects)
    assert response.status_code == 401
    assert "log in again" in response.json()["error"]
    assert batch_snapshot() == before


@pytest.mark.parametrize("member", ["parent", "caregiver"])
@pytest.mark.parametrize(("name", "body"), BATCH_ROUTES)
def test_batch_family_members_store_their_items(
    client, request, session_objects, member, name, body
):
    before = batch_snapshot()
    client.force_login(request.getfixturevalue(member))
    response = batch_request(client, name, body, session_objects)
    assert response.status_code == 200
    assert {r["status"] for r in response.json()["results"]} == {"stored"}
    assert batch_snapshot() != before


@pytest.mark.parametrize(("name", "body"), BATCH_ROUTES)
def test_batch_other_family_is_refused_item_by_item_and_nothing_changes(
    client, session_objects, outsider, name, body
):
    before = batch_snapshot()
    client.force_login(outsider)
    response = batch_request(client, name, body, session_objects)
    assert response.status_code == 200
    results = response.json()["results"]
    assert {r["status"] for r in results} == {"refused"}
    assert {r["reason"] for r in results} == {
        "No massage of yours has this id: it may have been deleted."
    }
    assert batch_snapshot() == before


def teaching_invitation(instructor):
    """An instructor's invitation to a family, and the token its link carries."""
    tokens = []
    invitation, _mailed = teaching_services.invitation_send(
        instructor=instructor, email="family@example.com", url_for=tokens.append
    )
    return invitation, tokens[0]


@pytest.mark.parametrize(("name", "args"), TOKEN_PAGES)
def test_token_pages_need_a_login_and_change_nothing_when_opened(
    client, objects, parent, outsider, caregiver, name, args
):
    url = reverse(name, args=args(objects))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    before = family_snapshot()
    for user in (parent, caregiver, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 200
    assert family_snapshot() == before


# -- The instructors' studio ---------------------------------------------------------------------

# (url name, its arguments from the studio objects, method, data, status for the author)
STUDIO_ROUTES = [
    ("massage:routine-edit", lambda o: [o["routine"].pk], "get", None, 200),
    ("massage:routine-update", lambda o: [o["routine"].pk], "get", None, 200),
    ("massage:routine-preview", lambda o: [o["routine"].pk], "get", None, 200),
    ("massage:routine-publish", lambda o: [o["routine"].pk], "post", {}, 302),
    ("massage:routine-delete", lambda o: [o["routine"].pk], "get", None, 200),
    ("massage:routine-duplicate", lambda o: [o["routine"].slug], "post", {}, 302),
    ("massage:step-create", lambda o: [o["routine"].pk], "get", None, 200),
    ("massage:step-update", lambda o: [o["step"].pk], "get", None, 200),
    ("massage:step-delete", lambda o: [o["step"].pk], "get", None, 200),
    ("massage:step-move", lambda o: [o["step"].pk], "post", {"direction": "down"}, 302),
    # The instructor's own invitations to families.
    ("massage:teaching-invitation-resend", lambda o: [o["invitation"].pk], "post", {}, 302),
    ("massage:teaching-invitation-revoke", lambda o: [o["invitation"].pk], "post", {}, 302),
    ("massage:teaching-class", lambda o: [o["class"].pk], "get", None, 200),
    ("massage:teaching-class", lambda o: [o["class"].pk], "post", {}, 302),
    ("massage:teaching-class-archive", lambda o: [o["class"].pk], "post", {}, 302),
    # A copy of a routine for one family the instructor teaches.
    ("massage:routine-adapt", lambda o: [o["taught"].pk], "get", None, 200),
    (
        "massage:routine-adapt",
        lambda o: [o["taught"].pk],
        "post",
        lambda o: {"routine": o["library_routine"].pk},
        302,
    ),
    # The class's code, and the families asking to join with it.
    ("massage:teaching-class-code", lambda o: [o["class"].pk], "post", {}, 302),
    (
        "massage:join-request-approve",
        lambda o: [o["class"].pk, o["join_request"].pk],
        "post",
        {},
        302,
    ),
    (
        "massage:join-request-decline",
        lambda o: [o["class"].pk, o["join_request"].pk],
        "post",
        {},
        302,
    ),
]
# Studio pages that name no routine: every instructor may open them.
STUDIO_PAGES = [
    ("massage:studio", "get", 200),
    ("massage:routine-create", "get", 200),
    ("massage:teaching-invitations", "get", 200),
    ("massage:teaching-classes", "get", 200),
    ("massage:teaching-assignments", "get", 200),
]


@pytest.fixture
def studio_objects(db):
    author = InstructorFactory()
    routine = RoutineFactory(author=author, published=False)
    step = StepFactory(routine=routine)
    StepFactory(routine=routine)
    invitation, _token = teaching_invitation(author)
    teaching_class = teaching_services.class_create(
        instructor=author, name="Tuesday mornings", starts_on=timezone.localdate(), meets_on=1
    )
    asking = MembershipFactory()
    join_request = JoinRequest.objects.create(
        teaching_class=teaching_class,
        family=asking.family,
        requested_by=asking.user,
        scope=Scope.CUES,
    )
    taught = MembershipFactory()
    link = InstructorLink.objects.create(instructor=author, family=taught.family)
    Consent.objects.create(link=link, scope=Scope.PRACTICE, changed_by=taught.user)
    return {
        "author": author,
        "routine": routine,
        "step": step,
        "invitation": invitation,
        "class": teaching_class,
        "join_request": join_request,
        "taught": taught.family,
        "library_routine": RoutineFactory(published=True),
    }


def studio_snapshot(routine):
    routine = Routine.objects.get(pk=routine.pk)
    steps = list(routine.steps.order_by("order").values_list("pk", "order"))
    invitations = list(
        TeachingInvitation.objects.order_by("pk").values_list("pk", "token_digest", "revoked_at")
    )
    classes = list(
        TeachingClass.objects.order_by("pk").values_list("pk", "archived_at", "join_code")
    )
    requests = list(JoinRequest.objects.order_by("pk").values_list("pk", "state"))
    links = list(InstructorLink.objects.order_by("pk").values_list("pk", "family"))
    return routine.published, steps, Routine.objects.count(), invitations, classes, requests, links


def studio_request(client, name, args, method, data, objects):
    url = reverse(name, args=args(objects))
    if method == "get":
        return client.get(url)
    return client.post(url, data(objects) if callable(data) else data)


@pytest.mark.parametrize(("name", "args", "method", "data", "_status"), STUDIO_ROUTES)
def test_studio_anonymous_is_sent_to_log_in(
    client, studio_objects, name, args, method, data, _status
):
    before = studio_snapshot(studio_objects["routine"])
    response = studio_request(client, name, args, method, data, studio_objects)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert studio_snapshot(studio_objects["routine"]) == before


@pytest.mark.parametrize(("name", "args", "method", "data", "status"), STUDIO_ROUTES)
def test_studio_author_is_allowed(client, studio_objects, name, args, method, data, status):
    client.force_login(studio_objects["author"])
    response = studio_request(client, name, args, method, data, studio_objects)
    assert response.status_code == status


@pytest.mark.parametrize(("name", "args", "method", "data", "_status"), STUDIO_ROUTES)
def test_studio_other_instructor_gets_404_and_nothing_changes(
    client, studio_objects, name, args, method, data, _status
):
    before = studio_snapshot(studio_objects["routine"])
    client.force_login(InstructorFactory())
    response = studio_request(client, name, args, method, data, studio_objects)
    assert response.status_code == 404
    assert studio_snapshot(studio_objects["routine"]) == before


@pytest.mark.parametrize(("name", "args", "method", "data", "_status"), STUDIO_ROUTES)
def test_studio_is_forbidden_to_parents(
    client, studio_objects, parent, name, args, method, data, _status
):
    before = studio_snapshot(studio_objects["routine"])
    client.force_login(parent)
    response = studio_request(client, name, args, method, data, studio_objects)
    assert response.status_code == 403
    assert studio_snapshot(studio_objects["routine"]) == before


@pytest.mark.parametrize(("name", "method", "status"), STUDIO_PAGES)
def test_studio_pages_need_an_instructor(client, parent, name, method, status):
    url = reverse(name)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(parent)
    assert getattr(client, method)(url).status_code == 403
    client.force_login(InstructorFactory())
    assert getattr(client, method)(url).status_code == status


# -- Every URL has its rows ----------------------------------------------------------------------


def test_every_massage_url_is_in_a_matrix():
    from massage import urls as massage_urls

    names = {f"massage:{pattern.name}" for pattern in massage_urls.urlpatterns}
    rows = ROUTES + PUBLIC + STUDIO_ROUTES + STUDIO_PAGES + TOKEN_PAGES
    listed = {row[0] for row in rows} | set(LOGIN_ONLY)
    assert names - listed == set()


def test_every_sessions_url_is_in_the_matrix():
    from sessions import urls

    names = {f"sessions:{pattern.name}" for pattern in urls.urlpatterns}
    public = {row[0] for row in PUBLIC if row[0].startswith("sessions:")}
    assert names == {row[0] for row in SESSION_ROUTES} | public
