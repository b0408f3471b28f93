"""Two app servers, one PostgreSQL, one Redis: a family can move between them at any request.

Two gunicorn servers (deploy/gunicorn.conf.py, two workers each) on two loopback ports share
the test database and Redis DB 5 (TEST_REDIS_URL names another), as two machines behind a load
balancer would. A parent logs in on one, starts a massage there, and goes on with it through the
other: the player, its progress and cues. Failed log-ins through one lock the account out on the
other. The only thing a person carries from one server to the other is their cookies.

It needs PostgreSQL (CI's second run, `DATABASE_URL=postgres://… make test`): on SQLite it is
skipped. Under CI=true a Redis that does not answer is a failure, not a skip.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

from cues.models import CueEvent
from sessions.models import MassageSession
from tests.factories import (
    PASSWORD,
    BabyFactory,
    MembershipFactory,
    UserFactory,
    routine_with_areas,
)
from tests.test_sign_in import LOCKED

ROOT = Path(__file__).resolve().parent.parent
SITE = "localhost"  # in tests.settings' ALLOWED_HOSTS
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
START_SECONDS = 45  # boot four workers on a busy machine
REQUEST_SECONDS = 20
READY = {
    "health": "well",
    "vaccination": "no",
    "skin": "clear",
    "feed": "over_30",
    "state": "quiet_alert",
}

pytestmark = pytest.mark.django_db(transaction=True)  # the servers must see what the test writes


def unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: under CI that is a failure")
    pytest.skip(reason)


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable(f"Redis does not answer at {REDIS_URL} ({error})")
    return client


@pytest.fixture
def shared_redis(servers):
    """Redis as the servers share it, emptied before each test: no log-in counts carried over."""
    client = redis_or_skip()
    client.flushdb()  # the test's own database number (5 unless TEST_REDIS_URL says otherwise)
    yield client
    client.flushdb()
    client.close()


def database_url():
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    stdout: Path
    stderr: Path
    url: str = ""

    def log(self):
        return f"{self.name}'s log:\n{self.stderr.read_text()[-3000:]}"


def wait_for(condition, what, seconds, server):
    """Poll `condition` until it gives a true value; fail loudly, with the log, at the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.name} stopped (exit {server.process.returncode}). {server.log()}")
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"{server.name}: {what} not within {seconds} s. {server.log()}")


def listening_url(server):
    found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", server.stderr.read_text())
    return found and found.group(1)


def healthy(server):
    try:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start(name, env, folder):
    stdout, stderr = folder / f"{name}.out", folder / f"{name}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [*GUNICORN, "--bind=127.0.0.1:0", "--workers=2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group: the finalizer ends it and its workers
        )
    return Server(name, process, stdout, stderr)


def stop(server):
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def servers(request, django_db_setup, tmp_path_factory):
    """Both servers, for every test of the module (they keep nothing between requests anyway)."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL, which two servers can share: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> (CI's second run does)"
        )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "CACHE_URL": REDIS_URL,
        "SECRET_KEY": "scale-out-test-key-the-same-on-both-servers-8d1c",
        "GUNICORN_LOG_LEVEL": "info",  # its "Listening at" line tells the port it was given
        "PYTHONPATH": str(ROOT),
    }
    redis_or_skip()
    folder = tmp_path_factory.mktemp("servers")
    started = []
    request.addfinalizer(lambda: [stop(server) for server in started])
    for name in ("server A", "server B"):
        started.append(start(name, env, folder))
    for server in started:
        server.url = wait_for(
            lambda server=server: listening_url(server), "listening", START_SECONDS, server
        )
    for server in started:
        wait_for(lambda server=server: healthy(server), "/healthz says ok", START_SECONDS, server)
    return started


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict
    text: str


class Browser:
    """One person's browser, as the servers see it behind a load balancer: every request names
    the one site (its Host, which allauth's log-in counts are keyed on too) and carries the
    browser's cookies, whichever server it is sent to."""

    def __init__(self):
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, server, method, path, data=None, json_answer=False):
        headers = {
            "Host": SITE,
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        if method == "POST":
            # The site's CSRF check, as its pages do it: the cookie's token in a header.
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_answer:
            headers["Accept"] = "application/json"
        body = urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        call = urllib.request.Request(server.url + path, data=body, method=method, headers=headers)
        try:
            response = self.opener.open(call, timeout=REQUEST_SECONDS)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            response = error
        with response:
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            answer = Answer(response.status, dict(response.headers), text)
        assert answer.status < 500, f"{method} {path} on {server.name}: {answer.status}"
        return answer

    def get(self, server, path):
        return self.request(server, "GET", path)

    def post(self, server, path, data=None, json_answer=False):
        return self.request(server, "POST", path, data, json_answer)

    def log_in(self, server, email, password):
        self.get(server, "/accounts/login/")  # the CSRF cookie
        return self.post(server, "/accounts/login/", {"login": email, "password": password})


def test_a_family_moves_between_two_servers_mid_massage(servers, shared_redis):
    a, b = servers
    membership = MembershipFactory(user=UserFactory(display_name="Sam"))
    baby = BabyFactory(family=membership.family, name="Mirabel")
    routine = routine_with_areas(["legs", "arms", "back"])
    steps = list(routine.steps.order_by("order"))
    parent = Browser()

    logged_in = parent.log_in(a, membership.user.email, PASSWORD)
    assert logged_in.status == 302 and logged_in.headers["Location"] == "/today/"
    # Server B knows the session server A started: Today shows the family's baby.
    today = parent.get(b, "/today/")
    assert today.status == 200 and "Mirabel" in today.text

    started = parent.post(a, f"/babies/{baby.pk}/routines/{routine.slug}/start/", READY)
    assert started.status == 302, started.text[:500]
    session = MassageSession.objects.get(baby=baby)
    assert started.headers["Location"] == f"/sessions/{session.pk}/"

    player = parent.get(b, f"/sessions/{session.pk}/")
    assert player.status == 200 and steps[0].stroke in player.text
    progress = parent.post(
        b,
        f"/sessions/{session.pk}/progress/",
        {
            "seq": 1,
            "step": steps[1].pk,
            "elapsed": 3,
            "visits": json.dumps({steps[0].pk: [30, False]}),
        },
        json_answer=True,
    )
    assert progress.status == 204, progress.text

    smile, frown = str(uuid.uuid4()), str(uuid.uuid4())
    for server, client_id, kind in [(b, smile, "smiling"), (a, frown, "frowning")]:
        cue = parent.post(
            server,
            f"/sessions/{session.pk}/cues/",
            {"client_id": client_id, "kind": kind, "step": steps[1].pk},
            json_answer=True,
        )
        assert cue.status == 201, cue.text
        answer = json.loads(cue.text)
        assert answer["id"] == client_id and answer["created"] is True
    # The phone sends the smile again (it never heard back): the other server stores it once.
    again = parent.post(
        a,
        f"/sessions/{session.pk}/cues/",
        {"client_id": smile, "kind": "smiling", "step": steps[1].pk},
        json_answer=True,
    )
    assert again.status == 200 and json.loads(again.text)["created"] is False

    session.refresh_from_db()
    assert session.current_step_id == steps[1].pk and session.progress_seq == 1
    assert sorted(CueEvent.objects.filter(session=session).values_list("kind", flat=True)) == [
        "frowning",
        "smiling",
    ]
    # Both servers wrote one JSON line per request to stdout (deploy/gunicorn.conf.py).
    for server in (a, b):
        lines = [json.loads(line) for line in server.stdout.read_text().splitlines()]
        assert {"method": "POST", "status": 201} in [
            {"method": line["method"], "status": line["status"]}
            for line in lines
            if line["path"] == f"/sessions/{session.pk}/cues/"
        ]


def test_a_lockout_through_one_server_holds_on_the_other(servers, shared_redis):
    a, b = servers
    user = UserFactory()
    guesser = Browser()
    for _ in range(5):  # the per-account limit: 5 misses in 5 minutes
        missed = guesser.log_in(a, user.email, "not-the-password")
        assert missed.status == 422 and LOCKED not in missed.text

    # The right password, through the other server and from a fresh browser: still locked out.
    owner = Browser()
    refused = owner.log_in(b, user.email, PASSWORD)
    assert refused.status == 422
    assert LOCKED in refused.text
    assert "sessionid" not in owner.cookies
