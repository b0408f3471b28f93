"""Who may open what among the cues URLs: every one of them, for every kind of visitor.

Follows the convention of tests/test_permissions.py (read its docstring first): anonymous → sent
to log in (the player's JSON saves get a 401 they can act on); a family member (parent or
caregiver) → allowed; a member of another family → 404, with nothing revealed and nothing
changed. Add every new URL in cues/urls.py to CUE_ROUTES.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cues.models import CueEvent, InstructorNote
from sessions.models import MassageSession, Outcome
from tests.factories import (
    CueEventFactory,
    InstructorFactory,
    MassageSessionFactory,
    routine_with_areas,
)

JSON = {"HTTP_ACCEPT": "application/json"}


def _cue_args(key):
    return lambda o: [o[key].session_id, o[key].client_id]


# (url name, its arguments from the objects, method, data from them, extra request headers,
#  status for a member)
CUE_ROUTES = [
    (
        "cues:cue-create",
        lambda o: [o["running"].pk],
        "post",
        lambda o: {
            "client_id": "5f0c6a52-8d0e-4a59-9d5b-3f1f4b7f2a11",
            "kind": "smiling",
            "step": o["steps"][0].pk,
        },
        JSON,
        201,
    ),
    ("cues:cue-undo", _cue_args("fresh_cue"), "post", lambda o: {}, JSON, 200),
    (
        "cues:cue-respond",
        _cue_args("fresh_cue"),
        "post",
        lambda o: {"response": "comfort"},
        JSON,
        200,
    ),
    (
        "cues:cue-note",
        _cue_args("ended_cue"),
        "post",
        lambda o: {"note": "She loved the leg strokes"},
        {},
        302,
    ),
    ("cues:session-review", lambda o: [o["ended"].pk], "get", None, {}, 200),
    ("cues:baby-history", lambda o: [o["baby"].pk], "get", None, {}, 200),
    ("cues:baby-report", lambda o: [o["baby"].pk], "get", None, {}, 200),
    ("cues:export-csv", lambda o: [o["family"].pk], "get", None, {}, 200),
    ("cues:export-json", lambda o: [o["family"].pk], "get", None, {}, 200),
    (
        "cues:note-reply",
        lambda o: [o["note"].pk],
        "post",
        lambda o: {"text": "Thank you!"},
        {},
        302,
    ),
]
CUE_IDS = [f"{name.split(':')[1]}-{method}" for name, _a, method, _d, _h, _s in CUE_ROUTES]
# Pages for instructors, naming no family: what they show follows each family's consent.
INSTRUCTOR_PAGES = ["cues:teaching-dashboard"]
# An instructor's view of one family: only its instructor, while the family shares at least a
# scope (url name, arguments, the least scope that opens it).
INSTRUCTOR_FAMILY_PAGES = [
    ("cues:teaching-family", lambda o: [o["family"].pk], "practice"),
    ("cues:teaching-session", lambda o: [o["family"].pk, o["massage"].pk], "practice_and_cues"),
    ("cues:teaching-baby-history", lambda o: [o["family"].pk, o["baby"].pk], "practice_and_cues"),
]
# An instructor's word to one family: only its instructor, while the family shares at least a
# scope (url name, arguments, the least scope).
INSTRUCTOR_NOTES = [
    ("cues:teaching-note", lambda o: [o["family"].pk], "practice"),
    (
        "cues:teaching-session-note",
        lambda o: [o["family"].pk, o["massage"].pk],
        "practice_and_cues",
    ),
]
PARAMS = ("name", "args", "method", "data", "headers", "status")


@pytest.fixture
def objects(parent, family, baby, caregiver):
    """An ended massage with a cue in it, and a running one with a cue logged a moment ago."""
    routine = routine_with_areas(["legs", "arms", "back"])
    ended = MassageSessionFactory(
        baby=baby,
        routine=routine,
        started_by=parent,
        started_at=timezone.now() - timedelta(days=1),
    )
    ended_cue = CueEventFactory(session=ended, kind="cooing", recorded_by=parent)
    ended.finish(outcome=Outcome.COMPLETED, at=ended.started_at + timedelta(minutes=12))
    running = MassageSessionFactory(
        baby=baby,
        routine=routine,
        started_by=parent,
        started_at=timezone.now() - timedelta(minutes=3),
    )
    fresh_cue = CueEventFactory(session=running, kind="crying", recorded_by=caregiver)
    return {
        "family": family,
        "baby": baby,
        "steps": list(routine.steps.order_by("order")),
        "ended": ended,
        "massage": ended,
        "note": InstructorNote.objects.create(
            instructor=InstructorFactory(), family=family, session=ended, text="Lovely work"
        ),
        "ended_cue": ended_cue,
        "running": running,
        "fresh_cue": fresh_cue,
    }


def snapshot():
    cues = list(
        CueEvent.objects.order_by("pk").values_list(
            "pk", "client_id", "session", "kind", "step", "at", "undone_at", "response", "note"
        )
    )
    sessions = list(
        MassageSession.objects.order_by("pk").values_list(
            "pk", "current_step", "ended_at", "outcome", "end_reason", "note"
        )
    )
    notes = list(InstructorNote.objects.order_by("pk").values_list("pk", "text", "reply"))
    return cues, sessions, notes


def cue_request(client, name, args, method, data, headers, objects):
    url = reverse(name, args=args(objects))
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, data(objects), **headers)


@pytest.mark.parametrize(PARAMS, CUE_ROUTES, ids=CUE_IDS)
def test_cues_anonymous_is_sent_to_log_in(
    client, objects, name, args, method, data, headers, status
):
    before = snapshot()
    response = cue_request(client, name, args, method, data, headers, objects)
    if headers is JSON:
        # The player's background saves get an answer they can read, not the login page.
        assert response.status_code == 401
        assert "log in again" in response.json()["error"]
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert snapshot() == before


@pytest.mark.parametrize("member", ["parent", "caregiver"])
@pytest.mark.parametrize(PARAMS, CUE_ROUTES, ids=CUE_IDS)
def test_cues_family_members_are_allowed(
    client, request, objects, member, name, args, method, data, headers, status
):
    before = snapshot()
    client.force_login(request.getfixturevalue(member))
    response = cue_request(client, name, args, method, data, headers, objects)
    assert response.status_code == status
    if status == 302:
        assert not response.url.startswith(reverse("account_login"))
    if method == "post":
        assert snapshot() != before
    else:
        assert snapshot() == before


@pytest.mark.parametrize(PARAMS, CUE_ROUTES, ids=CUE_IDS)
def test_cues_other_family_gets_404_and_nothing_changes(
    client, objects, outsider, name, args, method, data, headers, status
):
    before = snapshot()
    client.force_login(outsider)
    response = cue_request(client, name, args, method, data, headers, objects)
    assert response.status_code == 404
    assert snapshot() == before
    # Nothing of the family's cues in what the outsider got back, beyond the address they asked
    # for (the page echoes it back in its theme switch).
    body = response.content.decode(errors="replace").replace(response.request["PATH_INFO"], "")
    for key in ("fresh_cue", "ended_cue"):
        assert str(objects[key].client_id) not in body


@pytest.mark.parametrize("name", INSTRUCTOR_PAGES)
def test_instructor_pages_need_an_instructor(client, db, name):
    from django.urls import reverse

    from tests.factories import InstructorFactory, MembershipFactory

    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(InstructorFactory())
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "args", "least"), INSTRUCTOR_FAMILY_PAGES)
def test_an_instructors_family_page_follows_the_link_and_its_consent(
    client, objects, parent, name, args, least
):
    from massage.models import Consent, InstructorLink, Scope
    from tests.factories import InstructorFactory

    instructor = InstructorFactory()
    link = InstructorLink.objects.create(instructor=instructor, family=objects["family"])
    url = reverse(name, args=args(objects))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(parent)
    assert client.get(url).status_code == 403  # a parent, not an instructor
    client.force_login(InstructorFactory())
    assert client.get(url).status_code == 404  # an instructor not linked
    client.force_login(instructor)
    opened = False
    for scope in (Scope.PRACTICE, Scope.CUES, Scope.EVERYTHING):
        Consent.objects.create(link=link, scope=scope, changed_by=parent)
        opened = opened or scope == least
        assert client.get(url).status_code == (200 if opened else 404), scope
    Consent.objects.create(link=link, scope=Scope.REVOKED, changed_by=parent)
    assert client.get(url).status_code == 404  # stopped sharing, on the very next request


@pytest.mark.parametrize(("name", "args", "least"), INSTRUCTOR_NOTES)
def test_only_the_familys_instructor_writes_to_it_while_it_shares(
    client, objects, parent, name, args, least
):
    from massage.models import Consent, InstructorLink, Scope
    from tests.factories import InstructorFactory

    instructor = InstructorFactory()
    link = InstructorLink.objects.create(instructor=instructor, family=objects["family"])
    url = reverse(name, args=args(objects))
    before = InstructorNote.objects.count()
    response = client.post(url, {"text": "Well done"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(parent)
    assert client.post(url, {"text": "Well done"}).status_code == 403  # not an instructor
    client.force_login(InstructorFactory())
    assert client.post(url, {"text": "Well done"}).status_code == 404  # not linked
    client.force_login(instructor)
    assert InstructorNote.objects.count() == before
    opened = False
    for scope in (Scope.PRACTICE, Scope.CUES, Scope.EVERYTHING):
        Consent.objects.create(link=link, scope=scope, changed_by=parent)
        opened = opened or scope == least
        assert client.post(url, {"text": "Well done"}).status_code == (302 if opened else 404)
    Consent.objects.create(link=link, scope=Scope.REVOKED, changed_by=parent)
    assert client.post(url, {"text": "Well done"}).status_code == 404
    assert InstructorNote.objects.count() == before + (3 if least == "practice" else 2)


def test_every_cues_url_is_in_the_matrix():
    from cues import urls

    names = {f"cues:{pattern.name}" for pattern in urls.urlpatterns}
    family_pages = {name for name, *_rest in INSTRUCTOR_FAMILY_PAGES}
    notes = {name for name, *_rest in INSTRUCTOR_NOTES}
    from tests.test_permissions import (
        BATCH_ROUTES,  # the outbox's batch: its rows are there
        PUBLIC,  # the cue icons' sprite: anyone's, its row there
    )

    batches = {name for name, _body in BATCH_ROUTES}
    public = {row[0] for row in PUBLIC if row[0].startswith("cues:")}
    assert names == (
        {name for name, *_rest in CUE_ROUTES}
        | set(INSTRUCTOR_PAGES)
        | family_pages
        | notes
        | batches
        | public
    )
