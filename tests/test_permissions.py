"""Who may open what: every URL that shows or changes family data, for every kind of visitor.

anonymous → sent to log in; member → allowed; member of another family → 404 (nothing revealed).
Add every new URL that touches family data to ROUTES.

The instructors' studio holds no family data but is scoped to its author the same way: anonymous →
log in; the author → allowed; another instructor → 404; a parent (not an instructor) → 403.
Massage sessions follow the family rule: add every sessions URL to SESSION_ROUTES.

Add every new studio URL to STUDIO_ROUTES (or STUDIO_PAGES when it names no routine or step).
The cues app's URLs have their rows in tests/cues/test_permissions.py, which fails when one is
missing.
"""

import pytest
from django.urls import reverse

from massage.models import Invitation, Membership, Routine
from massage.services import invitation_create
from sessions.models import MassageSession, Outcome, StepVisit
from tests.factories import (
    BabyFactory,
    InstructorFactory,
    MassageSessionFactory,
    RoutineFactory,
    StepFactory,
    routine_with_areas,
)

# (url name, how to build its arguments from the fixtures, method, status for a parent)
ROUTES = [
    ("massage:family-detail", lambda f: [f["family"].pk], "get", 200),
    ("massage:family-update", lambda f: [f["family"].pk], "get", 200),
    ("massage:family-delete", lambda f: [f["family"].pk], "get", 200),
    ("massage:family-leave", lambda f: [f["family"].pk], "get", 200),
    ("massage:baby-create", lambda f: [f["family"].pk], "get", 200),
    ("massage:baby-update", lambda f: [f["baby"].pk], "get", 200),
    ("massage:baby-delete", lambda f: [f["baby"].pk], "get", 200),
    ("massage:invitation-create", lambda f: [f["family"].pk], "get", 200),
    (
        "massage:invitation-revoke",
        lambda f: [f["family"].pk, f["invitation"].pk],
        "post",
        302,
    ),
    (
        "massage:member-remove",
        lambda f: [f["family"].pk, f["caregiver_membership"].pk],
        "post",
        302,
    ),
]

LOGIN_ONLY = ["today", "massage:family-create"]


@pytest.fixture
def objects(parent, family, baby, caregiver):
    invitation, _ = invitation_create(family=family, invited_by=parent)
    return {
        "family": family,
        "baby": baby,
        "invitation": invitation,
        "caregiver_membership": Membership.objects.get(user=caregiver),
    }


@pytest.mark.parametrize(("name", "args", "method", "_status"), ROUTES)
def test_anonymous_is_sent_to_log_in(client, objects, name, args, method, _status):
    url = reverse(name, args=args(objects))
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "args", "method", "status"), ROUTES)
def test_member_is_allowed(client, objects, parent, name, args, method, status):
    client.force_login(parent)
    response = getattr(client, method)(reverse(name, args=args(objects)))
    assert response.status_code == status


@pytest.mark.parametrize(("name", "args", "method", "_status"), ROUTES)
def test_other_family_gets_404_and_nothing_changes(
    client, objects, outsider, name, args, method, _status
):
    client.force_login(outsider)
    response = getattr(client, method)(reverse(name, args=args(objects)))
    assert response.status_code == 404
    assert Invitation.objects.get().revoked_at is None
    assert objects["family"].memberships.count() == 2


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
]
SESSION_IDS = [f"{name.split(':')[1]}-{method}" for name, _a, method, _d, _s in SESSION_ROUTES]


@pytest.fixture
def session_objects(parent, family, baby, caregiver):
    """A running and an ended massage of one baby, and a twin with none running."""
    routine = routine_with_areas(["legs", "arms", "back"])
    ended = MassageSessionFactory(baby=baby, routine=routine, started_by=parent)
    ended.finish(outcome=Outcome.COMPLETED, note="First time")
    running = MassageSessionFactory(baby=baby, routine=routine, started_by=parent)
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
    return sessions, visits


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
]
# Studio pages that name no routine: every instructor may open them.
STUDIO_PAGES = [
    ("massage:studio", "get", 200),
    ("massage:routine-create", "get", 200),
]


@pytest.fixture
def studio_objects(db):
    author = InstructorFactory()
    routine = RoutineFactory(author=author, published=False)
    step = StepFactory(routine=routine)
    StepFactory(routine=routine)
    return {"author": author, "routine": routine, "step": step}


def studio_snapshot(routine):
    routine = Routine.objects.get(pk=routine.pk)
    steps = list(routine.steps.order_by("order").values_list("pk", "order"))
    return routine.published, steps, Routine.objects.count()


def studio_request(client, name, args, method, data, objects):
    url = reverse(name, args=args(objects))
    if method == "get":
        return client.get(url)
    return client.post(url, data)


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
