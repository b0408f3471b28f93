"""Who may open what: every URL that shows or changes family data, for every kind of visitor.

anonymous → sent to log in; member → allowed; member of another family → 404 (nothing revealed).
Add every new URL that touches family data to ROUTES.

The instructors' studio holds no family data but is scoped to its author the same way: anonymous →
log in; the author → allowed; another instructor → 404; a parent (not an instructor) → 403.
Add every new studio URL to STUDIO_ROUTES (or STUDIO_PAGES when it names no routine or step).
"""

import pytest
from django.urls import reverse

from massage.models import Invitation, Membership, Routine
from massage.services import invitation_create
from tests.factories import InstructorFactory, RoutineFactory, StepFactory

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

LOGIN_ONLY = ["massage:today", "massage:family-create"]


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
