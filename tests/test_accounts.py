import re

import pytest
from django.core import mail
from django.core.cache import cache

from massage.models import User
from tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def test_sign_up_with_email_then_create_family(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "New.Parent@Example.com",
            "password1": "quiet-morning-77",
            "password2": "quiet-morning-77",
        },
    )
    assert response.status_code == 302
    assert response.url == "/families/new/"
    assert User.objects.filter(email="new.parent@example.com").exists()


def test_sign_up_with_a_taken_email_is_refused(client, db):
    UserFactory(email="taken@example.com")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "taken@example.com",
            "password1": "quiet-morning-77",
            "password2": "quiet-morning-77",
        },
    )
    assert response.status_code == 422
    assert "already registered" in response.text
    assert User.objects.filter(email="taken@example.com").count() == 1


@pytest.mark.parametrize("password", ["password123", "12345678901", "short"])
def test_sign_up_with_a_weak_password_is_refused(client, db, password):
    response = client.post(
        "/accounts/signup/",
        {"email": "weak@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 422
    assert 'class="errorlist' in response.text
    assert not User.objects.filter(email="weak@example.com").exists()


def test_log_in_and_out(client, db):
    user = UserFactory()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/today/"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/today/").status_code == 302


def test_wrong_password_is_a_clear_422(client, db):
    user = UserFactory()
    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    assert response.status_code == 422
    assert "not correct" in response.text


def test_failed_logins_are_rate_limited(client, db):
    user = UserFactory()
    statuses = [
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"}).status_code
        for _ in range(7)
    ]
    assert statuses == [422] * 7
    # After five misses for one email, even the right password waits until the limit passes.
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 422
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_and_new_password(client, db):
    user = UserFactory(email="forgot@example.com")
    response = client.post("/accounts/password/reset/", {"email": "forgot@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(
        form_url, {"password1": "a-brand-new-secret-9", "password2": "a-brand-new-secret-9"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret-9")


def test_account_pages_use_the_site_layout(client, db):
    page = client.get("/accounts/login/").text
    assert "Gentle Hands" in page
    assert "/static/css/app.css" in page
