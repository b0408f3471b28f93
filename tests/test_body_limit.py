"""Request bodies over their limit are refused with 413 before anything reads them.

massage.middleware.BodyLimitMiddleware answers from the Content-Length: REQUEST_BODY_MAX_BYTES
for every view, UPLOAD_REQUEST_BODY_MAX_BYTES for the studio's step form (a photo and a
narration), ADMIN_REQUEST_BODY_MAX_BYTES for the admin. Django's own limits stand behind it for
bodies that say less than they send: a form's fields over DATA_UPLOAD_MAX_MEMORY_SIZE are a 413
too, more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields a 400.
"""

import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory
from django.urls import reverse

from massage.middleware import BodyLimitMiddleware
from massage.uploads import NARRATION_MAX_BYTES, PHOTO_MAX_BYTES
from tests.factories import InstructorFactory, MassageSessionFactory, RoutineFactory, StepFactory

LIMIT = settings.REQUEST_BODY_MAX_BYTES
UPLOAD_LIMIT = settings.UPLOAD_REQUEST_BODY_MAX_BYTES


@pytest.fixture
def body_never_read(monkeypatch):
    """Fails the test if anything parses or reads a request's body."""

    def read(self, *args, **kwargs):
        raise AssertionError("the request body was read")

    monkeypatch.setattr(WSGIRequest, "_load_post_and_files", read)
    monkeypatch.setattr(WSGIRequest, "read", read)
    monkeypatch.setattr(WSGIRequest, "body", property(read))


@pytest.fixture
def author(db):
    instructor = InstructorFactory()
    step = StepFactory(routine=RoutineFactory(author=instructor, published=False))
    return instructor, step


def test_the_limits_fit_what_the_site_takes():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= LIMIT
    # The step form: both files at their largest, and its fields.
    assert UPLOAD_LIMIT >= PHOTO_MAX_BYTES + NARRATION_MAX_BYTES + LIMIT
    # The admin's routine page saves several steps' files at once (tests/massage/test_admin.py).
    assert settings.ADMIN_REQUEST_BODY_MAX_BYTES >= 8 * UPLOAD_LIMIT
    middleware = settings.MIDDLEWARE
    assert middleware.index("massage.middleware.BodyLimitMiddleware") < middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )


def test_a_body_over_the_limit_is_a_413_and_the_view_never_runs():
    view = mock.Mock(spec=lambda request: None)  # no `accepts_uploads`
    request = RequestFactory().post("/", {"name": "x"}, CONTENT_LENGTH=str(LIMIT + 1))
    response = BodyLimitMiddleware(view).process_view(request, view, (), {})
    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "too large" in response.content.decode()
    view.assert_not_called()
    assert not hasattr(request, "_post")  # nothing was parsed


def test_a_form_claiming_a_huge_body_is_a_413_before_it_is_read(client, parent, body_never_read):
    family = parent.families.get()
    client.force_login(parent)
    url = reverse("massage:family-update", args=[family.pk])
    response = client.post(url, {"name": "Renamed"}, CONTENT_LENGTH=str(10**12))
    assert response.status_code == 413
    assert "at most 1.0\xa0MB" in response.content.decode()
    assert "no-store" in response["Cache-Control"]  # the other middleware still answers
    family.refresh_from_db()
    assert family.name != "Renamed"


def test_a_background_save_over_the_limit_is_told_in_json(client, parent, body_never_read):
    session = MassageSessionFactory(
        baby=parent.families.get().babies.get(), routine=StepFactory().routine
    )
    client.force_login(parent)
    response = client.post(
        reverse("cues:cue-create", args=[session.pk]),
        {"client_id": str(uuid.uuid4()), "kind": "smiling"},
        CONTENT_LENGTH=str(LIMIT + 1),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert not session.cues.exists()


def test_a_body_at_the_limit_is_read(client, parent):
    family = parent.families.get()
    client.force_login(parent)
    field = "name="
    response = client.post(
        reverse("massage:family-update", args=[family.pk]),
        field + "x" * (LIMIT - len(field)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422  # read, and the name is too long


def test_the_step_form_takes_a_larger_body_up_to_its_own_limit(client, author, body_never_read):
    instructor, step = author
    client.force_login(instructor)
    url = reverse("massage:step-update", args=[step.pk])
    assert client.post(url, {}, CONTENT_LENGTH=str(UPLOAD_LIMIT + 1)).status_code == 413


def test_the_step_form_reads_an_upload_over_the_general_limit(client, author):
    instructor, step = author
    client.force_login(instructor)
    recording = SimpleUploadedFile("narration.mp3", b"\x00" * (LIMIT * 2))
    data = {"body_area": "legs", "stroke_en": "Glide", "instruction_en": "Slowly.", "seconds": 30}
    response = client.post(
        reverse("massage:step-update", args=[step.pk]), data | {"narration_en": recording}
    )
    assert response.status_code == 422  # read and checked: not a recording
    assert "recording" in response.content.decode()


def test_fields_larger_than_they_claimed_are_a_413(client, author):
    """The body says less than Django finds in it: the fields alone are over the limit."""
    instructor, step = author
    client.force_login(instructor)
    response = client.post(
        reverse("massage:step-update", args=[step.pk]),
        {"instruction_en": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


@pytest.mark.parametrize("json", [False, True], ids=["form", "json"])
def test_thousands_of_fields_are_a_400(client, parent, json):
    family = parent.families.get()
    client.force_login(parent)
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1000)}
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    response = client.post(
        reverse("massage:family-update", args=[family.pk]), fields | {"name": "Renamed"}, **headers
    )
    assert response.status_code == 400
    family.refresh_from_db()
    assert family.name != "Renamed"
