import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.templatetags.static import static
from django.test import Client, TestCase

from massage.models import User
from tests.factories import PASSWORD, UserFactory
from tests.markup import assert_in_html, elements
from tests.queued_tasks import run_queued_tasks


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def post_and_mail(client, url, data):
    """POST as a real request would: its transaction commits (queuing its mails), then the
    worker sends what was queued."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    run_queued_tasks()
    return response


def sign_up(client, **changes):
    data = {"name": "Amara", "email": "newmum.h4@example.com", "password1": "quiet-morning-77"}
    return post_and_mail(client, "/accounts/signup/", {**data, **changes})


def confirm_link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def signed_up(client, **changes):
    """Sign up, then follow the link of the confirmation mail in the same browser."""
    response = sign_up(client, **changes)
    assert response.url == "/accounts/confirm-email/"
    return client.post(confirm_link(mail.outbox[-1]))


def test_sign_up_with_name_and_email_then_confirm_it_then_create_family(client, db):
    response = sign_up(client, email="New.Parent@Example.com")
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert "We are sending an email" in client.get(response.url).text
    user = User.objects.get(email="new.parent@example.com")
    assert user.display_name == "Amara"
    assert "_auth_user_id" not in client.session  # not in before the address is confirmed
    # The confirmation email speaks plainly and never calls the parent by their address.
    (message,) = mail.outbox
    assert message.subject == "Confirm your email for Gentle Hands"
    assert "user new.parent@example.com" not in message.body
    link = confirm_link(message)
    assert "Is new.parent@example.com your email address?" in client.get(link).text
    response = client.post(link)
    assert response.status_code == 302
    assert response.url == "/families/new/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signing_up_as_an_instructor_leads_to_the_instructor_profile(client, db):
    page = client.get("/accounts/signup/").text
    assert "I teach baby massage" in page
    response = signed_up(client, teaches="on")
    assert response.status_code == 302
    assert response.url == "/teaching/profile/"
    assert User.objects.get().is_instructor
    assert client.get("/teaching/").status_code == 200


def test_signing_up_as_a_parent_is_not_an_instructor(client, db):
    signed_up(client)
    assert not User.objects.get().is_instructor
    assert client.get("/teaching/").status_code == 403


def test_the_name_given_at_sign_up_greets_and_shows_on_the_family_page(client, db):
    signed_up(client, name="  Amara Mensah ")
    today = client.get("/today/").text
    assert "<h1>Hello, Amara Mensah</h1>" in today
    assert "Hello, newmum" not in today
    client.post("/families/new/", {"name": "The Mensahs"})
    family = User.objects.get().families.get()
    page = client.get(f"/families/{family.pk}/").text
    assert "Amara Mensah <span" in page  # "Amara Mensah (you)" among the family's people
    assert "newmum.h4" not in page


@pytest.mark.parametrize("name", ["", "   "])
def test_sign_up_without_a_name_is_refused(client, db, name):
    response = sign_up(client, name=name)
    assert response.status_code == 422
    assert "Please give your name." in response.text
    assert not User.objects.exists()


def test_sign_up_with_a_name_too_long_is_refused(client, db):
    response = sign_up(client, name="A" * 81)
    assert response.status_code == 422
    assert "at most 80 characters" in response.text
    assert not User.objects.exists()


def test_an_account_without_a_name_is_greeted_without_its_email(client, db):
    user = UserFactory(email="newmum.h4@example.com", display_name="")
    client.force_login(user)
    page = client.get("/today/").text
    assert "newmum.h4" not in page
    assert "<h1>Hello</h1>" in page


def check_your_email(client, response) -> str:
    """The page a sign-up or reset leads to, without what changes on every page view."""
    page = client.get(response.url).text
    return re.sub(r"[A-Za-z0-9+/=_-]{20,}", "", page)  # CSRF tokens and nonces


def test_sign_up_with_a_taken_email_answers_as_a_new_one_and_mails_its_owner(client, db):
    UserFactory(email="taken@example.com")
    new = sign_up(Client(), email="someone.new@example.com")
    mail.outbox.clear()
    taken = sign_up(client, email="Taken@example.com")
    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    assert check_your_email(client, taken) == check_your_email(Client(), new)
    assert "already registered" not in check_your_email(client, taken)
    assert User.objects.filter(email="taken@example.com").count() == 1
    assert "_auth_user_id" not in client.session
    # The owner is told, and how to get back in.
    (message,) = mail.outbox
    assert message.to == ["taken@example.com"]
    assert message.subject == "You already have a Gentle Hands account"
    assert "/accounts/password/reset/" in message.body


def test_password_reset_answers_the_same_for_an_unknown_address_and_mails_nobody(client, db):
    UserFactory(email="known@example.com")
    known = post_and_mail(client, "/accounts/password/reset/", {"email": "known@example.com"})
    assert [message.to for message in mail.outbox] == [["known@example.com"]]
    mail.outbox.clear()
    unknown = post_and_mail(Client(), "/accounts/password/reset/", {"email": "who@example.com"})
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert check_your_email(Client(), unknown) == check_your_email(Client(), known)
    assert mail.outbox == []


@pytest.mark.parametrize("password", ["password123", "12345678901", "short"])
def test_sign_up_with_a_weak_password_is_refused(client, db, password):
    response = sign_up(client, email="weak@example.com", password1=password)
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
    # The oldest of the five misses is five minutes from passing.
    assert "Too many failed log-ins. Please wait 5 minutes, then try again." in response.text
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_and_new_password(client, db):
    user = UserFactory(email="forgot@example.com")
    response = post_and_mail(client, "/accounts/password/reset/", {"email": "forgot@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Choose a new Gentle Hands password"
    assert "testserver!" not in mail.outbox[0].body
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(form_url, {"password1": "short"})
    assert response.status_code == 422
    assert "too short" in response.text
    response = client.post(form_url, {"password1": "a-brand-new-secret-9"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret-9")


def test_change_password_asks_for_the_current_one_and_the_new_one_once(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/", {"oldpassword": "not-it", "password1": "fresh-linen-2026"}
    )
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": "fresh-linen-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("fresh-linen-2026")


def test_account_pages_use_the_site_layout(client, db):
    page = client.get("/accounts/login/").text
    assert "Gentle Hands" in page
    assert "/static/css/app.css" in page


def test_sign_up_page_has_a_name_one_password_with_its_rule_and_a_show_button(client, db):
    page = client.get("/accounts/signup/").text
    assert_in_html('<label for="id_name">Your name</label>', page)
    assert not elements(page, None, name="password2")
    assert "At least 10 characters, not a common one." in page
    # The button waits hidden for static/js/password.js; without it, a plain password field.
    assert elements(page, "input", type="password", name="password1")
    (button,) = elements(page, "button", **{"data-password-toggle": "id_password1"})
    assert ("hidden", None) in button.attributes
    assert_in_html(f'<script src="{static("js/password.js")}" defer></script>', page)


TITLE_CASE = ["Sign In", "Sign Up", "Signup", "Sign Out", "Password Reset", "Change Password"]
TITLE_CASE += ["Email Addresses", "Confirm Access", "Bad Token", "Forgotten your password?"]


def assert_plain_account_page(response):
    assert response.status_code == 200
    page = response.text
    assert "/static/css/app.css" in page
    for words in TITLE_CASE:
        assert words not in page, words
    assert not re.findall(r"<label[^>]*>[^<]*:\s*</label>", page)
    assert "placeholder=" not in page
    # No inline scripts: the strict CSP would refuse them.
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-not-a-key/",
        "/accounts/confirm-email/not-a-key/",
    ],
)
def test_account_pages_before_logging_in_are_in_the_apps_words(client, db, url):
    assert_plain_account_page(client.get(url))


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/password/change/",
        "/accounts/logout/",
        "/accounts/email/",
        "/accounts/reauthenticate/",
    ],
)
def test_account_pages_when_logged_in_are_in_the_apps_words(client, db, url):
    client.force_login(UserFactory())
    assert_plain_account_page(client.get(url))


def test_log_in_page_words(client, db):
    page = client.get("/accounts/login/").text
    assert "<h1>Log in</h1>" in page
    assert_in_html('<label for="id_login">Email</label>', page)
    assert "Forgot your password?" in page
    assert 'href="/accounts/signup/"' in page
