import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from tests.factories import BabyFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language. A request in Spanish leaves Spanish active in
    the thread, and routine texts given to a factory (title=...) go to the active language's
    column (massage/translation.py): without this, one test's language would leak into the
    next one's data."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


# The storages production serves static files with (massage/storage.py: minified, hashed,
# compressed); the test settings use Django's plain storage instead.
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "massage.storage.StaticFilesStorage"},
}


@pytest.fixture(scope="session")
def collected(tmp_path_factory):
    """The site's static files as collectstatic writes them for production, once for the whole
    run: their folder, and the manifest's hashed name of each file."""
    root = tmp_path_factory.mktemp("collected")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root, json.loads((root / "staticfiles.json").read_text())["paths"]


@pytest.fixture
def parent(db):
    """A parent in a family with one baby."""
    membership = MembershipFactory()
    BabyFactory(family=membership.family)
    return membership.user


@pytest.fixture
def family(parent):
    return parent.families.get()


@pytest.fixture
def baby(family):
    return family.babies.get()


@pytest.fixture
def caregiver(family):
    return MembershipFactory(family=family, role="caregiver").user


@pytest.fixture
def outsider(db):
    """A parent of another family, who must see nothing of the first one."""
    membership = MembershipFactory()
    BabyFactory(family=membership.family)
    return membership.user


@pytest.fixture
def user_without_family(db):
    return UserFactory()


@pytest.fixture
def as_parent(client, parent):
    """The test client, logged in as the parent."""
    client.force_login(parent)
    return client


def commit_each_post(client, capture_on_commit):
    """Make each POST run its on-commit hooks, as a real request's commit would.

    The tests run inside a transaction that never commits, so hooks such as deleting replaced
    files would otherwise never run.
    """
    post = client.post

    def committing_post(*args, **kwargs):
        with capture_on_commit(execute=True):
            return post(*args, **kwargs)

    client.post = committing_post
    return client
