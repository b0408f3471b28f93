"""A whole massage with no network (issue 11): one already started keeps playing, resumes after
a reload and ends; a kept routine starts on the phone; everything reaches the server once, in
the outbox's batches (POST /sync/), when the network is back. And on a shared phone, logging out
leaves nothing of the first person for the next."""

import uuid

from django.utils import timezone
from playwright.sync_api import expect

from cues.models import CueEvent
from sessions.models import MassageSession
from tests.browser.conftest import (
    IN_FLIGHT,
    log_in,
    outbox,
    shoot,
    stop_the_clock,
    wait_until,
)
from tests.browser.test_cues import parent_and_baby, routine, tap  # noqa: F401 (fixtures)
from tests.browser.test_player import COUNTDOWN_MS, answer_readiness
from tests.factories import PASSWORD, BabyFactory, MassageSessionFactory, MembershipFactory

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
# Puts items in the phone's outbox for a person, as static/js/lib/outbox.js keeps them.
OUTBOX_PUT = """([user, items]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("gentle-hands");
  open.onupgradeneeded = () => open.result.createObjectStore("outbox");
  open.onsuccess = () => {
    const write = open.result.transaction("outbox", "readwrite").objectStore("outbox")
      .put(items, "items-" + user);
    write.onsuccess = () => { resolve(); open.result.close(); };
    write.onerror = () => reject(write.error);
  };
  open.onerror = () => reject(open.error);
})"""
CACHE_NAMES = "async () => (await caches.keys()).sort()"
FIVE_CUES = ["Smiling", "Eye contact", "Cooing (babbling or cooing)", "Smiling", "Eye contact"]


def go_offline(page):
    """No network, for the page and its worker alike: set_offline alone leaves the worker's own
    requests (and those a closing page sends with keepalive) going out."""
    page.context.set_offline(True)
    page.context.route("**/*", lambda route: route.abort("internetdisconnected"))


def go_online(page):
    page.context.unroute("**/*")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def controlled(page, path="/today/"):
    """Open `path` and wait for the worker to take the page over (it installs after the load)."""
    page.goto(path)
    page.wait_for_function(CONTROLLED)


def record_batches(page):
    """The bodies of the outbox's batches (POST /sync/) the page sends, as it sends them."""
    batches = []
    page.on(
        "request",
        lambda r: r.method == "POST" and r.url.endswith("/sync/") and batches.append(r.post_data),
    )
    return batches


def waiting_smile(session):
    """A cue as the outbox keeps one that has not reached the server yet."""
    return {
        "qid": str(uuid.uuid4()),
        "type": "cue",
        "id": str(uuid.uuid4()),
        "session": session.pk,
        "step": session.routine.steps.first().pk,
        "kind": "smiling",
        "at": timezone.now().isoformat(),
    }


def replay(page, batch):
    """Send one recorded batch again, as the phone would after a lost answer."""
    return page.evaluate(
        """async (body) => {
          const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
          const response = await fetch("/sync/", { method: "POST", body: body,
            headers: { "Content-Type": "application/json", "X-CSRFToken": token.slice(10) } });
          return { status: response.status, json: await response.json() };
        }""",
        batch,
    )


def test_a_massage_goes_on_with_no_network_and_arrives_once(
    phone,
    live_server,
    parent_and_baby,  # noqa: F811
    routine,  # noqa: F811
):
    page = phone
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    stop_the_clock(page)
    controlled(page)
    batches = record_batches(page)
    page.goto(f"/babies/{baby.pk}/routines/{routine.slug}/start/")
    answer_readiness(page)
    session = MassageSession.objects.get(baby=baby)
    # The worker keeps the player's page as it opens, for this person.
    kept = f"gentle-hands-pages-{user.pk}"

    def player_kept():
        return page.evaluate(
            "async ([name, path]) => (await caches.has(name)) && "
            "Boolean(await (await caches.open(name)).match(path))",
            [kept, f"/sessions/{session.pk}/"],
        )

    wait_until(page, player_kept, seconds=15)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 500)

    go_offline(page)
    tap(page, FIVE_CUES[0])
    page.clock.run_for(1000)
    tap(page, FIVE_CUES[1])
    page.clock.run_for(20_000)  # on to the next step by itself
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    for label in FIVE_CUES[2:]:
        page.clock.run_for(1000)
        tap(page, label)
    page.clock.run_for(6000)  # a save or two, into the outbox
    badge = page.locator("[data-outbox-badge]")
    expect(badge).to_have_text("Offline: 5 cues waiting")

    # A reload with no network: the kept page, resumed from what the phone holds.
    page.reload()
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    expect(page.locator("[data-position]")).to_have_text("Step 2 of 4")
    expect(badge).to_have_text("Offline: 5 cues waiting")
    shoot(page, "player-offline-after-reload")
    page.get_by_role("button", name="Continue").click()
    page.clock.run_for(COUNTDOWN_MS + 500)
    for _ in range(6):  # the last steps go by themselves, then the cues' 5 s of patience
        page.clock.run_for(5000)
    expect(page.locator("[data-overlay-text]")).to_contain_text("Saved on this phone")
    assert not CueEvent.objects.filter(session=session).exists()
    assert MassageSession.objects.get(pk=session.pk).is_running
    waiting = outbox(page, user)
    assert [item["type"] for item in waiting].count("cue") == 5
    assert waiting[-1]["type"] == "finish"

    go_online(page)
    page.wait_for_url("**/summary/")
    session.refresh_from_db()
    assert session.outcome == "completed"
    assert session.ended_at is not None
    cues = CueEvent.objects.filter(session=session)
    assert cues.count() == 5
    assert sorted(cues.values_list("kind", flat=True)) == sorted(
        ["smiling", "eye_contact", "cooing", "smiling", "eye_contact"]
    )
    assert outbox(page, user) == []

    # The same batches again (an answer lost on the way): nothing new is stored.
    IN_FLIGHT.wait_for_none()
    sent = [batch for batch in batches if batch and '"type":"cue"' in batch]
    assert sent, batches
    for batch in sent:
        answer = replay(page, batch)
        assert answer["status"] == 200
        assert all(r["status"] != "stored" for r in answer["json"]["results"]), answer
    assert CueEvent.objects.filter(session=session).count() == 5
    assert MassageSession.objects.filter(baby=baby).count() == 1


def test_a_kept_routine_starts_with_no_network_and_is_created_once(
    phone,
    live_server,
    parent_and_baby,  # noqa: F811
    routine,  # noqa: F811
):
    page = phone
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    stop_the_clock(page)
    controlled(page, f"/routines/{routine.slug}/")
    page.reload()  # the keep button comes with the worker in control
    keep = page.get_by_role("button", name="Keep on this phone")
    keep.click()
    expect(
        page.get_by_text("Kept on this phone: you can start it with no network.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Take it off this phone")).to_be_visible()
    page.goto("/routines/")
    expect(page.locator("[data-kept-summary]")).to_contain_text("Kept on this phone: 1 routine,")
    shoot(page, "library-kept-on-this-phone")
    batches = record_batches(page)

    go_offline(page)
    page.goto("/today/")  # needs the server: the offline page, with what still works
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection just now")
    start = page.get_by_role("link", name="Legs and feet with Ada")
    expect(start).to_be_visible()
    shoot(page, "offline-page-kept-routines")
    start.click()
    answer_readiness(page)
    page.wait_for_url("**/offline/#*")
    client_id = page.evaluate("location.hash.slice(1)")
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 500)
    tap(page, "Smiling")
    page.clock.run_for(1000)
    tap(page, "Eye contact")
    expect(page.locator("[data-outbox-badge]")).to_have_text("Offline: 2 cues waiting")
    for _ in range(12):  # the four steps by themselves, then the cues' 5 s of patience
        page.clock.run_for(5000)
    expect(page.locator("[data-overlay-text]")).to_contain_text("Saved on this phone")
    assert not MassageSession.objects.filter(baby=baby).exists()
    types = [item["type"] for item in outbox(page, user)]
    assert types[0] == "start" and types[-1] == "finish", types

    go_online(page)
    page.wait_for_url("**/summary/")
    session = MassageSession.objects.get(baby=baby)
    assert str(session.client_id) == client_id
    assert session.outcome == "completed"
    assert CueEvent.objects.filter(session=session).count() == 2
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    IN_FLIGHT.wait_for_none()
    for batch in [b for b in batches if b and '"type":"start"' in b]:
        assert replay(page, batch)["status"] == 200
    assert MassageSession.objects.filter(baby=baby).count() == 1
    assert CueEvent.objects.filter(session=session).count() == 2


def test_offline_answers_that_need_advice_wait_for_the_network(
    phone,
    live_server,
    parent_and_baby,  # noqa: F811
    routine,  # noqa: F811
):
    page = phone
    user, baby = parent_and_baby
    log_in(page, live_server, user)
    controlled(page, f"/babies/{baby.pk}/routines/{routine.slug}/start/")
    go_offline(page)
    page.check("input[name=vaccination][value=yes]")
    for name, value in [("health", "well"), ("skin", "clear"), ("feed", "over_30")]:
        page.check(f"input[name={name}][value={value}]")
    page.check("input[name=state][value=quiet_alert]")
    page.get_by_role("button", name="Ready").click()
    expect(page.get_by_role("alert")).to_contain_text("needs the network")
    assert outbox(page, user) == []
    go_online(page)


def test_after_logging_out_the_next_person_finds_nothing_of_the_first(
    phone,
    live_server,
    parent_and_baby,  # noqa: F811
    routine,  # noqa: F811
):
    page = phone
    user, baby = parent_and_baby
    session = MassageSessionFactory(baby=baby, routine=routine, started_by=user)
    log_in(page, live_server, user)
    controlled(page)
    page.goto(f"/sessions/{session.pk}/")
    kept = f"gentle-hands-pages-{user.pk}"
    wait_until(page, lambda: kept in page.evaluate(CACHE_NAMES), seconds=15)
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()

    page.goto("/today/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    names = page.evaluate(CACHE_NAMES)
    assert all(name.startswith("gentle-hands-shell-") for name in names), names

    other = MembershipFactory(user__email="nanny@example.com")
    BabyFactory(family=other.family, name="Bo")
    log_in(page, live_server, other.user)
    page.goto("/today/")
    go_offline(page)
    page.goto(f"/sessions/{session.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection just now")
    assert "Ask permission" not in page.content()
    assert "Ada" not in page.content()
    go_online(page)


def test_logging_out_with_no_network_keeps_what_waits_until_it_is_sent(
    phone,
    live_server,
    parent_and_baby,  # noqa: F811
    routine,  # noqa: F811
):
    page = phone
    user, baby = parent_and_baby
    session = MassageSessionFactory(baby=baby, routine=routine, started_by=user)
    log_in(page, live_server, user)
    controlled(page)
    cue = waiting_smile(session)
    go_offline(page)
    page.evaluate(OUTBOX_PUT, [user.pk, [cue]])
    page.get_by_role("button", name="Log out").click()
    # The logout could not reach the server: the calm offline page, and the smile still waits
    # for the same person, who is still logged in.
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection just now")
    assert [item["id"] for item in outbox(page, user)] == [cue["id"]]
    go_online(page)
    page.goto("/today/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert wait_until(page, lambda: CueEvent.objects.filter(session=session).count() == 1)
    assert wait_until(page, lambda: outbox(page, user) == [], seconds=10)


def test_the_offline_page_takes_the_chosen_night_colours(phone, live_server, parent_and_baby):  # noqa: F811
    page = phone
    user, _baby = parent_and_baby
    log_in(page, live_server, user)
    page.context.add_cookies([{"name": "theme", "value": "dark", "url": live_server.url}])
    controlled(page)
    go_offline(page)
    page.goto("/routines/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection just now")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 23, 29)", background
    go_online(page)


def test_deleting_the_account_forgets_what_waits_on_the_phone(
    phone,
    live_server,
    parent_and_baby,  # noqa: F811
    routine,  # noqa: F811
):
    page = phone
    user, baby = parent_and_baby
    # A second parent, so the family and its massage stay when this account goes.
    MembershipFactory(family=baby.family, user__email="other-parent@example.com")
    session = MassageSessionFactory(baby=baby, routine=routine, started_by=user)
    log_in(page, live_server, user)
    controlled(page)
    # The server can't be reached for the outbox: a cue waits on the phone.
    page.context.route("**/sync/", lambda route: route.abort("internetdisconnected"))
    page.goto("/account/delete/")
    cue = waiting_smile(session)
    page.evaluate(OUTBOX_PUT, [user.pk, [cue]])
    # (The page may already have tried to send it, and marked it so.)
    assert [item["id"] for item in outbox(page, user)] == [cue["id"]]

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    wait_until(page, lambda: outbox(page, user) == [])
    names = page.evaluate(CACHE_NAMES)
    assert all(name.startswith("gentle-hands-shell-") for name in names), names
    assert not CueEvent.objects.filter(session=session).exists()
    page.context.unroute("**/sync/")
