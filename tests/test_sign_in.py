"""Sign-in that holds: the admin logs in through the site's limited log-in, the limits count the
real client behind a proxy (and only there trust its header), "Keep me signed in", the check
that warns about per-process limits, and account mails that survive a mail server outage."""

import email
import re
import socket
import socketserver
import threading
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, TestCase
from django_tasks_db.models import DBTaskResult

from massage import checks
from massage.models import User
from tests.factories import PASSWORD, UserFactory
from tests.queued_tasks import bring_deferred_tasks_forward, run_queued_tasks
from tests.test_settings import run_manage

LOCKED = "Too many failed log-ins. Please wait"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def log_in(client, email, password, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


# The admin's log-in


def test_the_admin_login_form_checks_no_password_and_sends_to_the_sites_log_in(client, db):
    staff = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(15):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": staff.email, "password": "wrong"}
        )
        assert response.status_code == 302
        assert response.url == "/accounts/login/?next=%2Fadmin%2F"
    # Not even the right password logs in there.
    client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_the_admin_is_locked_out_as_anyone_after_five_misses(client, db):
    staff = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(5):
        assert log_in(client, staff.email, "wrong").status_code == 422
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 422
    assert LOCKED in response.text
    assert "_auth_user_id" not in client.session
    cache.clear()  # five minutes later
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/").status_code == 302  # logged in: on to the admin


def test_a_logged_in_non_staff_member_gets_no_admin(client, db):
    client.force_login(UserFactory())
    assert client.get("/admin/login/").status_code == 403


# The client's address behind a proxy


def ten_misses_from(client, **headers):
    """Ten failed log-ins, each for another address (so only the per-client limit counts)."""
    for n in range(10):
        response = log_in(client, f"nobody{n}@example.com", "wrong", **headers)
        assert response.status_code == 422
        assert LOCKED not in response.text


def test_behind_the_proxy_each_forwarded_client_has_its_own_limit(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    locked = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    other = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    ten_misses_from(client, **locked)
    assert LOCKED in log_in(client, user.email, PASSWORD, **locked).text
    # A made-up address before the one the proxy appends changes nothing.
    spoofed = {**locked, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.5"}
    assert LOCKED in log_in(Client(), user.email, PASSWORD, **spoofed).text
    # Another family behind the same proxy logs in.
    response = log_in(Client(), user.email, PASSWORD, **other)
    assert response.status_code == 302


def test_without_the_proxy_a_forwarded_header_is_not_believed(client, db, settings):
    assert getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) == 0  # no BEHIND_TLS_PROXY
    user = UserFactory()
    for n in range(10):
        headers = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        assert LOCKED not in log_in(client, f"nobody{n}@example.com", "wrong", **headers).text
    headers = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.99"}
    assert LOCKED in log_in(client, user.email, PASSWORD, **headers).text
    assert log_in(Client(), user.email, PASSWORD, REMOTE_ADDR="198.51.100.99").status_code == 302


# Keep me signed in


def test_keep_me_signed_in_is_ticked_and_lasts(client, db):
    user = UserFactory()
    page = client.get("/accounts/login/").text
    assert re.search(r'<input type="checkbox" name="remember"[^>]*checked', page)
    assert "Keep me signed in" in page
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD, "remember": "on"})
    assert not client.session.get_expire_at_browser_close()


def test_unticked_the_session_ends_with_the_browser(client, db):
    user = UserFactory()
    assert log_in(client, user.email, PASSWORD).status_code == 302
    assert client.session.get_expire_at_browser_close()
    assert client.cookies["sessionid"]["expires"] == ""


# The check: local-memory limits with several workers


@pytest.mark.parametrize(
    ("debug", "workers", "cache_backend", "warned"),
    [
        (False, 4, checks.LOCAL_MEMORY, True),
        (False, 1, checks.LOCAL_MEMORY, False),
        (True, 4, checks.LOCAL_MEMORY, False),
        (False, 4, "django.core.cache.backends.redis.RedisCache", False),
    ],
)
def test_several_workers_with_a_local_memory_cache_are_warned_of(
    settings, debug, workers, cache_backend, warned
):
    settings.DEBUG = debug
    settings.WEB_CONCURRENCY = workers
    settings.CACHES = {"default": {"BACKEND": cache_backend}}
    found = checks.login_limits_need_a_shared_cache()
    assert [warning.id for warning in found] == (["massage.W001"] if warned else [])


@pytest.mark.django_db  # some of the others read the database (a closed connection is checked)
def test_the_check_runs_with_the_others(settings):
    settings.WEB_CONCURRENCY = 3
    with pytest.raises(SystemCheckError, match=r"massage\.W001"):
        call_command("check", "--fail-level", "WARNING")


# Mail outages


class ClosingAtOnce(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.close()


class TinySMTP(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend to hand over a mail."""

    received: list = []

    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 localhost ready")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.received.append(data.decode())
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@contextmanager
def mail_server(handler, port):
    socketserver.TCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def smtp_port(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    TinySMTP.received = []
    return port


def committed_post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


SIGN_UP = {"name": "Amara", "email": "amara@example.com", "password1": "quiet-morning-77"}


def test_sign_up_and_reset_with_the_mail_server_down_then_the_mail_goes_out(client, db, smtp_port):
    UserFactory(email="forgot@example.com")
    with mail_server(ClosingAtOnce, smtp_port):
        response = committed_post(client, "/accounts/signup/", SIGN_UP)
        assert response.status_code == 302
        assert response.url == "/accounts/confirm-email/"
        assert "We are sending an email" in client.get(response.url).text
        response = committed_post(
            Client(), "/accounts/password/reset/", {"email": "forgot@example.com"}
        )
        assert response.url == "/accounts/password/reset/done/"
        # Signing up again, as someone would who thinks it failed, makes nothing new (and mails
        # nothing more: allauth sends one mail per address in three minutes).
        response = committed_post(Client(), "/accounts/signup/", SIGN_UP)
        assert response.url == "/accounts/confirm-email/"
        assert run_queued_tasks() == 2
    assert User.objects.filter(email="amara@example.com").count() == 1
    assert TinySMTP.received == []
    retries = DBTaskResult.objects.filter(status="READY")
    assert retries.count() == 2
    assert all(task.args_kwargs["kwargs"]["attempt"] == 2 for task in retries)
    assert run_queued_tasks() == 0  # each waits a minute first

    with mail_server(TinySMTP, smtp_port):
        bring_deferred_tasks_forward()
        assert run_queued_tasks() == 2
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    received = [email.message_from_string(data) for data in TinySMTP.received]
    subjects = sorted(message["Subject"] for message in received)
    assert subjects == [
        "Choose a new Gentle Hands password",
        "Confirm your email for Gentle Hands",
    ]
    # The confirmation link, rendered in the request, works once it arrives.
    [confirmation] = [m for m in received if m["Subject"].startswith("Confirm your email")]
    body = confirmation.get_payload(decode=True).decode()
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", body).group(1)
    assert client.post(link).url == "/families/new/"


def test_a_mail_that_never_goes_is_given_up_after_its_attempts(db, smtp_port, caplog):
    from massage import tasks

    with mail_server(ClosingAtOnce, smtp_port):
        tasks.send_mail.enqueue(subject="Hello", body="Hi", to=["a@example.com"])
        for _ in range(tasks.MAX_ATTEMPTS):
            bring_deferred_tasks_forward()
            assert run_queued_tasks() == 1
        bring_deferred_tasks_forward()
        assert run_queued_tasks() == 0
    assert "not sent after 8 attempts, given up" in caplog.text
    assert mail.outbox == []


# From the environment


PRODUCTION = {
    "SECRET_KEY": "x" * 20 + "a-production-like-secret-key-of-good-length-123",
    "ALLOWED_HOSTS": "gentlehands.example",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


def test_the_proxy_count_is_read_only_behind_the_proxy():
    show = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    behind = run_manage("shell", "-c", show, BEHIND_TLS_PROXY="true", **PRODUCTION)
    assert behind.stdout.split()[-1] == "1", behind.stderr
    two = run_manage(
        "shell", "-c", show, BEHIND_TLS_PROXY="true", TRUSTED_PROXY_COUNT="2", **PRODUCTION
    )
    assert two.stdout.split()[-1] == "2", two.stderr
    alone = run_manage("shell", "-c", show, TRUSTED_PROXY_COUNT="2", **PRODUCTION)
    assert "has no attribute 'ALLAUTH_TRUSTED_PROXY_COUNT'" in alone.stderr  # allauth's 0


def test_the_deploy_check_warns_of_several_workers_without_a_shared_cache():
    args = ("check", "--deploy", "--fail-level", "WARNING")
    alone = run_manage(*args, WEB_CONCURRENCY="4", **PRODUCTION)
    assert alone.returncode != 0
    assert "massage.W001" in alone.stderr + alone.stdout
    shared = run_manage(
        *args, WEB_CONCURRENCY="4", CACHE_URL="redis://127.0.0.1:6379/1", **PRODUCTION
    )
    assert shared.returncode == 0, shared.stdout + shared.stderr
