"""Who may open what: every URL that shows or changes family data, for every kind of visitor.

anonymous → sent to log in; member → allowed; member of another family → 404 (nothing revealed).
Add every new URL that touches family data to ROUTES.
"""

import pytest
from django.urls import reverse

from massage.models import Invitation, Membership
from massage.services import invitation_create

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
