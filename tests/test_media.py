"""Uploaded media (step photos, narration) in production: served by Django only when asked to."""

import pytest
from django.test import override_settings


@pytest.fixture
def photo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "routines" / "1").mkdir(parents=True)
    path = tmp_path / "routines" / "1" / "abc123-photo-480w.webp"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    return "/media/routines/1/abc123-photo-480w.webp"


@override_settings(DEBUG=False, SERVE_MEDIA=True)
def test_serve_media_serves_uploads_with_long_cache_headers(client, photo):
    response = client.get(photo)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"RIFF")
    assert response["Content-Type"] == "image/webp"
    assert "max-age=31536000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


@override_settings(DEBUG=False, SERVE_MEDIA=False)
def test_without_serve_media_the_web_server_must_serve_them(client, db, photo):
    assert client.get(photo).status_code == 404


@override_settings(DEBUG=False, SERVE_MEDIA=True)
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/media/routines/1/missing.webp", 404),
        ("/media/routines/1/", 404),
        # Climbing out of MEDIA_ROOT is refused as a suspicious request.
        ("/media/../massage/settings.py", 400),
        ("/media/%2e%2e/massage/settings.py", 400),
    ],
)
def test_serve_media_serves_nothing_but_files_inside_media_root(client, db, photo, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert b"SECRET_KEY" not in response.content
