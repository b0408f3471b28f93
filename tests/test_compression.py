"""Big pages travel compressed to browsers that accept it, streamed exports included."""

import gzip

from django.urls import reverse

from cues.exports import CSV_COLUMNS
from tests.factories import MassageSessionFactory, routine_with_areas


def test_the_player_page_is_sent_compressed(as_parent, baby):
    routine = routine_with_areas(["legs", "feet", "tummy", "arms", "back"] * 4)
    session = MassageSessionFactory(baby=baby, routine=routine)
    url = reverse("sessions:session-player", args=[session.pk])
    plain = as_parent.get(url)
    packed = as_parent.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    page = gzip.decompress(packed.content).decode()
    assert "Back stroke 20" in page
    assert len(packed.content) * 4 < len(plain.content)


def test_a_streamed_export_is_compressed_too(as_parent, family, baby):
    routine = routine_with_areas(["legs"])
    MassageSessionFactory(baby=baby, routine=routine)
    url = reverse("cues:export-csv", args=[family.pk])
    response = as_parent.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    text = gzip.decompress(b"".join(response.streaming_content)).decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
