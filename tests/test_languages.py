"""Choosing the language: the browser's Accept-Language first, then the switch on every page (a
cookie, and for someone signed in the account too). URLs are the same in every language."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

HTMX = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
COOKIE = settings.LANGUAGE_COOKIE_NAME


def lang(response):
    html = response.content.decode()
    start = html.index("<html")
    return html[start : html.index(">", start)]


def test_the_browser_s_language_comes_first(client, db):
    response = client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})
    assert 'lang="es"' in lang(response)
    assert response["Content-Language"] == "es"
    response = client.get("/", headers={"Accept-Language": "fr"})  # none of ours: English
    assert 'lang="en"' in lang(response)


def test_the_switch_is_on_every_page_logged_out_too(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert f'action="{reverse("massage:language-set")}"' in html
    # Each language named in its own words, marked as that language.
    assert 'lang="es">Español</button>' in html
    assert 'value="en" lang="en" aria-pressed="true">English</button>' in html


def test_the_switch_names_each_language_in_itself_whatever_the_page_speaks(client, db):
    html = client.get(reverse("account_login"), headers={"Accept-Language": "es"}).content.decode()
    assert 'value="en" lang="en">English</button>' in html
    assert 'value="es" lang="es" aria-pressed="true">Español</button>' in html


def test_the_switch_keeps_the_choice_in_a_cookie(client, db):
    response = client.post(
        reverse("massage:language-set"), {"language": "es", "next": "/routines/"}
    )
    assert response.status_code == 302
    assert response.url == "/routines/"
    assert response.cookies[COOKIE].value == "es"
    page = client.get("/routines/", headers={"Accept-Language": "en"})
    assert 'lang="es"' in lang(page)
    assert 'value="es" lang="es" aria-pressed="true"' in page.content.decode()


def test_the_switch_goes_back_only_to_this_site(client, db):
    response = client.post(
        reverse("massage:language-set"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_an_unknown_language_changes_nothing(client, parent):
    client.force_login(parent)
    response = client.post(reverse("massage:language-set"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    parent.refresh_from_db()
    assert parent.language == ""


def test_signed_in_the_choice_is_kept_on_the_account_and_follows_to_another_phone(client, parent):
    client.force_login(parent)
    client.post(reverse("massage:language-set"), {"language": "es", "next": "/"})
    parent.refresh_from_db()
    assert parent.language == "es"

    other_phone = type(client)()
    other_phone.force_login(parent)
    response = other_phone.get(reverse("today"), headers={"Accept-Language": "en"})
    assert 'lang="es"' in lang(response)
    assert response["Content-Language"] == "es"


def test_an_account_without_a_language_follows_the_browser(client, db):
    user = UserFactory(language="")
    client.force_login(user)
    assert 'lang="es"' in lang(client.get(reverse("today"), headers={"Accept-Language": "es"}))
    assert 'lang="en"' in lang(client.get(reverse("today"), headers={"Accept-Language": "en"}))


@pytest.mark.parametrize(("headers", "whole_page"), [({}, True), (HTMX, False), (RESTORE, True)])
def test_fragments_and_history_restores_come_in_the_chosen_language(
    client, parent, headers, whole_page
):
    client.force_login(parent)
    client.post(reverse("massage:language-set"), {"language": "es", "next": "/"})
    response = client.get(
        reverse("massage:routine-list"),
        {"minutes": "10"},
        headers={"Accept-Language": "en"} | headers,
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    html = response.content.decode()
    assert ("<html" in html) is whole_page
    if whole_page:
        assert 'lang="es"' in lang(response)


def test_the_account_page_chooses_the_language_too(client, parent):
    client.force_login(parent)
    page = client.get(reverse("massage:account")).content.decode()
    # Each language is named, and read out, in itself.
    assert '<option value="es" lang="es">Español</option>' in page
    assert '<option value="en" lang="en">English</option>' in page
    assert '<option value="" selected>' in page
    response = client.post(
        reverse("massage:account"), {"display_name": parent.display_name, "language": "es"}
    )
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "es"
    parent.refresh_from_db()
    assert parent.language == "es"
    assert 'lang="es"' in lang(client.get(reverse("massage:account")))

    # Back to the browser's choice: the blank one.
    client.post(reverse("massage:account"), {"display_name": parent.display_name, "language": ""})
    parent.refresh_from_db()
    assert parent.language == ""
    assert 'lang="en"' in lang(
        client.get(reverse("massage:account"), headers={"Accept-Language": "en"})
    )


def test_the_language_cookie_lasts_a_year(client, db):
    response = client.post(reverse("massage:language-set"), {"language": "es", "next": "/"})
    cookie = response.cookies[COOKIE]
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]
