#!/usr/bin/env python
"""Time how long a cue tap takes to show its answer in the player, with the network cut off.

Sets up a database of its own (test-artifacts/bench-tap.sqlite3) with the routine library, a
family and a running massage, serves it with `runserver` on 127.0.0.1:8123, opens the player in
Debian's Chromium at phone size, starts the massage, cuts the network and taps cues. For each tap
it measures, in the page:

- handler: from the tap to the answer being in the page (the toast shows the cue's name);
- frame: from the tap to the next animation frame, i.e. the frame the answer is painted in.

    .venv/bin/python bench/cue_tap.py [--taps 40]

Results: docs/PERFORMANCE.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "test-artifacts" / "bench-tap.sqlite3"
PORT = 8123
EMAIL, PASSWORD = "bench-tap@example.com", "a-long-bench-password"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CUES = ["Eye contact", "Smiling", "Cooing", "Smooth moves"]

# Runs in the page: tap like a finger would, then wait for the next frame.
MEASURE = """async (label) => {
  const button = [...document.querySelectorAll('.cue-bar .cue-button')]
    .find((b) => b.textContent.trim() === label);
  const toast = document.querySelector('[data-cue-toast]');
  const start = performance.now();
  button.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}));
  button.click();
  const shown = !toast.hidden && toast.textContent.includes(button.getAttribute('aria-label'));
  const handler = performance.now() - start;
  const frame = await new Promise((done) => {
    requestAnimationFrame(() => done(performance.now() - start));
  });
  return {shown, handler, frame};
}"""


def environment():
    env = dict(os.environ, DEBUG="true", DATABASE_URL=f"sqlite:///{DATABASE}")
    env["DJANGO_SETTINGS_MODULE"] = "massage.settings"
    return env


def set_up():
    """The database, a parent with a baby, and a massage under way; returns its player URL."""
    DATABASE.parent.mkdir(exist_ok=True)
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from massage import access
    from massage.models import Baby, Routine, User
    from massage.services import families as family_services
    from sessions import selectors, services

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_library", verbosity=0)
    user = User.objects.filter(email=EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=EMAIL, password=PASSWORD, display_name="Bench")
        family = family_services.family_create(user=user, name="Bench family")
        Baby.objects.create(family=family, name="Robin", birth_date="2026-08-01")
    baby = access.readable_babies(user).get()
    running = selectors.running_session_for(baby)
    if running:
        running.finish(outcome="ended_early")
    session = services.session_start(
        baby=baby,
        routine=Routine.objects.get(slug="full-routine"),
        user=user,
        answers={"state": "quiet_alert", "health": "well"},
        excluded_step_ids=[],
    )
    return f"/sessions/{session.pk}/"


def serve():
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("The server did not start.")


def measure(player_url, taps):
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{PORT}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.goto(base + "/accounts/login/")
        page.fill("input[name=login]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url("**/today/")
        page.goto(base + player_url)
        page.get_by_role("button", name="Start").click()
        page.wait_for_timeout(3500)
        context.set_offline(True)  # every answer below comes without the network
        results = []
        for index in range(taps):
            results.append(page.evaluate(MEASURE, CUES[index % len(CUES)]))
            page.wait_for_timeout(300)
        pending = page.evaluate("Object.keys(localStorage).filter((k) => k.includes('cues'))")
        browser.close()
    return results, pending


def report(results, pending):
    handler = [r["handler"] for r in results]
    frame = [r["frame"] for r in results]
    shown = sum(r["shown"] for r in results)
    print(f"taps: {len(results)}, answer in the page when the tap's handler returned: {shown}")
    print(f"handler ms: median {statistics.median(handler):.2f}, max {max(handler):.2f}")
    print(f"next frame ms: median {statistics.median(frame):.2f}, max {max(frame):.2f}")
    print(f"cues waiting in the outbox while offline: {'yes' if pending else 'no'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=40)
    args = parser.parse_args()
    player_url = set_up()
    server = serve()
    try:
        report(*measure(player_url, args.taps))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
