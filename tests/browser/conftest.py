"""Playwright driving Debian's Chromium against the live test server, at phone and tablet sizes."""

import os
import threading
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.test.client import AsyncClientHandler, ClientHandler

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
LAPTOP = {"width": 1280, "height": 800}
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "shots"
MISSING = f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM} (apt-get install -y chromium)"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if not Path(CHROMIUM).exists():
        terminalreporter.write_line("!" * 20 + " " + MISSING + " " + "!" * 20, red=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class RequestsInFlight:
    """How many requests the live server is answering right now, counted from Django's signals.

    The browser's own view of its requests is not enough: a request it gave up on (the page
    left, the context closed) can still be running on the server.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.count = 0

    # Only the live server's requests count. The signals are sent for Django's test client too,
    # in every test of the run, and the test client sends request_finished for a streamed answer
    # (the CSV export) only once a test reads it to the end: counting those would leave the
    # count above zero for good, and every browser test after would wait for nothing. The test
    # client starts as ClientHandler but finishes as None (it doesn't mark its responses), while
    # the live server's handlers name themselves both times: counting only requests whose
    # handler is named and not the test client's keeps both ends of each request paired, and the
    # count from going below zero, where it would hide requests still running.
    @staticmethod
    def _live(sender):
        return sender is not None and not issubclass(sender, (ClientHandler, AsyncClientHandler))

    def started(self, sender=None, **_kwargs):
        if not self._live(sender):
            return
        with self._lock:
            self.count += 1

    def finished(self, sender=None, **_kwargs):
        if not self._live(sender):
            return
        with self._lock:
            self.count -= 1

    def wait_for_none(self, seconds=30):
        """Return once no request has been running for a short while (a late beacon may land).

        Fails, saying how many are still running, if the server is still busy after `seconds`:
        generous, as a save can take a few seconds on a busy machine, but a request that runs
        longer would still be writing while the next test empties the database.
        """
        deadline = time.monotonic() + seconds
        quiet_since = None
        while time.monotonic() < deadline:
            if self.count < 0:
                with self._lock:  # said once, here, rather than by every test after
                    extra, self.count = -self.count, 0
                raise AssertionError(
                    f"{extra} request(s) finished that never started: the count of requests "
                    "in flight is counting something other than the live server's"
                )
            if self.count > 0:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= 0.2:
                return
            time.sleep(0.02)
        raise AssertionError(
            f"the live server was still answering {self.count} request(s) after {seconds} s"
        )


IN_FLIGHT = RequestsInFlight()
# request_finished is sent once the response is closed, after Django has released the database.
request_started.connect(IN_FLIGHT.started, dispatch_uid="browser-tests-in-flight")
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="browser-tests-in-flight")


class BrowserProblems(list):
    """Console errors and failed requests seen while a test drove the page."""


def _console_problem(message):
    # Failed loads are judged by _response_problem: a 422 page for a bad form is expected.
    return message.type == "error" and not message.text.startswith("Failed to load resource")


def _response_problem(response):
    if response.status >= 500:
        return True
    return response.status >= 400 and response.request.resource_type != "document"


def _open(browser, live_server, viewport, **options):
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, has_touch=True, **options
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = BrowserProblems()
    page.on("console", lambda m: _console_problem(m) and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: _response_problem(r) and problems.append(f"{r.status} {r.url}"))
    page.problems = problems
    pending = set()
    context.on("request", lambda request: pending.add(request))
    context.on("requestfinished", lambda request: pending.discard(request))
    context.on("requestfailed", lambda request: pending.discard(request))
    page.pending_requests = pending
    return context, page


def _close(context, page, seconds=15):
    """Leave the page and let what it sends on the way out (progress, cues) finish first.

    Otherwise a save could still be running on the live server while the test database is
    being emptied, and PostgreSQL would call that a deadlock.

    A request the browser still has open after `seconds` is named in a warning, not a failure:
    closing the context cancels it, and what matters for the next test, that the server has
    finished answering, is checked after (and fails the test if it never comes).
    """
    try:
        page.goto("about:blank")
        deadline = time.monotonic() + seconds
        while page.pending_requests and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        if page.pending_requests:
            urls = sorted(f"{r.method} {r.url}" for r in page.pending_requests)
            warnings.warn(
                f"the page still had {len(urls)} request(s) open {seconds} s after it was "
                f"left, cancelled by closing it: {', '.join(urls)}",
                pytest.PytestWarning,
                stacklevel=2,
            )
    finally:
        context.close()
        IN_FLIGHT.wait_for_none()


@pytest.fixture
def phone(browser, live_server):
    context, page = _open(browser, live_server, PHONE, is_mobile=True)
    yield page
    _close(context, page)
    assert not page.problems, page.problems


@pytest.fixture
def tablet(browser, live_server):
    context, page = _open(browser, live_server, TABLET)
    yield page
    _close(context, page)
    assert not page.problems, page.problems


def shoot(page, name):
    """Keep a screenshot of what the test saw, for people to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, live_server, user):
    """Give the browser a logged-in session for `user` without going through the form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def phone_no_js(browser, live_server):
    context, page = _open(browser, live_server, PHONE, is_mobile=True, java_script_enabled=False)
    yield page
    _close(context, page)
    assert not page.problems, page.problems


def stop_the_clock(page, *, off_by=timedelta(0)):
    """From here on the page's clock stands still, and only `page.clock.run_for` moves it.

    `page.clock.install()` alone lets time flow as on the wall, so a busy machine would add its
    own seconds between two steps of a test. The clock starts at the real time, so what the page
    sends (a cue's time) is near the server's, or `off_by` from it: a phone whose clock is wrong.
    It stays stopped across reloads.
    """
    start = datetime.now(UTC) + off_by
    page.clock.install(time=start)
    page.clock.pause_at(start + timedelta(seconds=1))


def wait_until(page, predicate, seconds=5):
    """Poll the database (or anything) until `predicate()` holds: background saves take a moment.

    Fails the test, naming what it waited for, if the condition never comes.
    """
    for _attempt in range(int(seconds * 10)):
        if predicate():
            return True
        page.wait_for_timeout(100)
    if predicate():
        return True
    raise AssertionError(f"waited {seconds} s for {getattr(predicate, '__name__', predicate)}")


# The phone's outbox (static/js/lib/outbox.js): IndexedDB "gentle-hands", store "outbox", one
# list per person under "items-<user id>". Read without the page's modules, so any page will do.
OUTBOX_ITEMS = """(user) => new Promise((resolve, reject) => {
  const open = indexedDB.open("gentle-hands");
  open.onupgradeneeded = () => open.result.createObjectStore("outbox");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const read = open.result.transaction("outbox").objectStore("outbox").get("items-" + user);
    read.onsuccess = () => { resolve(read.result || []); open.result.close(); };
    read.onerror = () => reject(read.error);
  };
})"""


def outbox(page, user):
    """What waits in the phone's outbox for `user`, in order."""
    return page.evaluate(OUTBOX_ITEMS, user.pk)
