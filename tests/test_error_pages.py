"""Error pages with DEBUG off: calm, styled, and they say what happened."""

import pytest
from django.test import override_settings
from django.urls import reverse

from massage.selectors import families as family_selectors


@pytest.fixture(autouse=True)
def production():
    with override_settings(DEBUG=False):
        yield


def test_403_shows_why_and_a_way_home(client, family, caregiver):
    client.force_login(caregiver)
    response = client.get(reverse("massage:family-update", args=[family.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Only the family&#x27;s parents can do this." in body
    assert 'href="/"' in body
    assert "app.css" in body  # styled like the rest of the site


def test_404_for_someone_elses_family_is_calm_and_reveals_nothing(client, family, outsider):
    client.force_login(outsider)
    response = client.get(reverse("massage:family-detail", args=[family.pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "find that page" in body
    assert family.name not in body
    assert "Membership" not in body  # no model names from get_object_or_404
    assert 'href="/"' in body


def test_404_for_an_unknown_address(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


def test_400_for_a_bad_host_is_styled(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Something went wrong with that request" in body
    assert "app.css" in body


def test_500_renders_without_request_context(client, family, parent, monkeypatch):
    def broken(_membership):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(family_selectors, "family_page", broken)
    client.force_login(parent)
    client.raise_request_exception = False
    response = client.get(reverse("massage:family-detail", args=[family.pk]))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "the database went away" not in body
    assert 'href="/"' in body
    assert "/static/css/app.css" in body


@pytest.mark.parametrize("template", ["400.html", "403.html", "404.html"])
def test_error_pages_extend_the_site_layout(template):
    from django.template.loader import get_template

    source = get_template(template).template.source
    assert source.startswith('{% extends "base.html" %}')
