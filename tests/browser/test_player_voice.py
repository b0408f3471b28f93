"""The player's chime, voice, volume and screen wake lock, seen through spies in the page.

Headless Chromium neither speaks nor keeps a screen awake, so an init script (run before any of
the page's own scripts) stands in for `speechSynthesis`, `navigator.wakeLock` and
`HTMLMediaElement.play`, and writes down every call on `window.__calls`. Playwright's clock
drives the player's timers.
"""

import json
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from massage.models import Step
from sessions.views import _speech as player_speech
from tests.browser.conftest import log_in, stop_the_clock, wait_until
from tests.browser.test_player import COUNTDOWN_MS, answer_readiness
from tests.factories import BabyFactory, MembershipFactory, RoutineFactory, StepFactory
from tests.massage.test_uploads import wav_bytes

# What the page gets instead of the browser's sound, voice and wake lock. `window.__wakeMode`
# is set just before it: "granted", "refused" or "missing" (no navigator.wakeLock at all).
LEG_CAUTION = "Keep the knees soft."
SPIES = """
(() => {
  const calls = [];
  const media = [];
  window.__calls = calls;
  window.__media = media;  // every element play() was called on, by the `media` number

  HTMLMediaElement.prototype.play = function () {
    if (!media.includes(this)) media.push(this);
    calls.push({kind: "play", src: this.src, volume: this.volume, muted: this.muted,
                media: media.indexOf(this)});
    // Sources a test names in window.__unplayable fail as a format the browser can't play.
    if ((window.__unplayable || []).includes(this.src)) {
      return Promise.reject(new DOMException("Unsupported source", "NotSupportedError"));
    }
    return Promise.resolve();
  };
  const pause = HTMLMediaElement.prototype.pause;
  HTMLMediaElement.prototype.pause = function () {
    calls.push({kind: "pause", src: this.src});
    return pause.call(this);
  };

  const synth = {
    speaking: false, pending: false, paused: false,
    speak(u) {
      calls.push({kind: "speak", text: u.text, lang: u.lang, volume: u.volume, rate: u.rate});
    },
    cancel() { calls.push({kind: "cancel"}); },
    // The voices a test names in window.__voices ([] by default: not listed yet, as many
    // browsers do until "voiceschanged").
    pause() {}, resume() {}, getVoices() { return window.__voices || []; },
    addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", {configurable: true, get: () => synth});

  // Visibility the test can change; hiding the page drops wake locks, as browsers do.
  let visibility = "visible";
  const held = [];
  Object.defineProperty(Document.prototype, "visibilityState",
                        {configurable: true, get: () => visibility});
  Object.defineProperty(Document.prototype, "hidden",
                        {configurable: true, get: () => visibility === "hidden"});
  window.__setVisibility = (state) => {
    visibility = state;
    if (state === "hidden") held.splice(0).forEach((lock) => lock.drop());
    document.dispatchEvent(new Event("visibilitychange"));
  };

  const mode = window.__wakeMode;
  delete Navigator.prototype.wakeLock;
  delete navigator.wakeLock;
  if (mode === "missing") return;
  const wakeLock = {
    request(type) {
      calls.push({kind: "wake", type: type});
      if (mode === "refused") {
        return Promise.reject(new DOMException("Not allowed", "NotAllowedError"));
      }
      const lock = new EventTarget();
      lock.type = type;
      lock.released = false;
      lock.drop = () => {
        if (lock.released) return;
        lock.released = true;
        calls.push({kind: "wake-release"});
        lock.dispatchEvent(new Event("release"));
      };
      lock.release = () => { lock.drop(); return Promise.resolve(); };
      held.push(lock);
      return Promise.resolve(lock);
    },
  };
  Object.defineProperty(Navigator.prototype, "wakeLock", {configurable: true, get: () => wakeLock});
})();
"""

# The readiness answers of answer_readiness: a well, calm baby, ready for the whole routine.
READY = {
    "health": "well",
    "vaccination": "no",
    "skin": "clear",
    "feed": "over_30",
    "state": "quiet_alert",
}
STEP_1_MS = 5000
STEP_2_MS = 6000  # 2 strokes of 3 s


@pytest.fixture
def routine(transactional_db):
    routine = RoutineFactory(
        slug="voice-steps", title="Voice steps", summary="A tiny routine for the voice tests."
    )
    for area, stroke, instruction, motion, timing in [
        ("whole_body", "Ask permission", "Show your hands.", "hold", {"seconds": 5}),
        (
            "legs",
            "Leg glide",
            "Glide down the leg.",
            "glide_toward_feet",
            {
                "seconds": None,
                "repetitions": 2,
                "seconds_per_repetition": 3,
                "caution": LEG_CAUTION,
            },
        ),
        ("feet", "Thumb walk", "Walk your thumbs.", "thumb_walk", {"seconds": 4}),
    ]:
        StepFactory(
            routine=routine,
            body_area=area,
            stroke=stroke,
            instruction=instruction,
            motion=motion,
            **timing,
        )
    return routine


@pytest.fixture
def narrated(routine, settings):
    """The leg glide gets a recorded narration, served from MEDIA_ROOT by the live server."""
    settings.SERVE_MEDIA = True
    step = routine.steps.get(stroke="Leg glide")
    step.narration.save("leg-glide.wav", ContentFile(wav_bytes()), save=True)
    yield step
    step.narration.storage.delete(step.narration.name)


@pytest.fixture
def parent_and_baby(transactional_db):
    membership = MembershipFactory()
    return membership.user, BabyFactory(family=membership.family, name="Ada")


def open_player(page, live_server, parent_and_baby, routine, *, wake="granted", lang=None):
    """Spies first, then the readiness check, then the player on its first step.

    With `lang`, the player page comes with `<html lang="...">` set to it. Playwright doesn't
    route the redirect that follows the readiness form, so the readiness answers go in through
    Django's test client and the browser opens the player itself.
    """
    user, baby = parent_and_baby
    page.add_init_script(script=f"window.__wakeMode = {wake!r};\n{SPIES}")
    log_in(page, live_server, user)
    stop_the_clock(page)
    start_url = f"/babies/{baby.pk}/routines/{routine.slug}/start/"
    if lang:

        def relabel(route):
            response = route.fetch()
            html = response.text().replace('<html lang="en"', f'<html lang="{lang}"', 1)
            route.fulfill(response=response, body=html)

        client = Client()
        client.force_login(user)
        started = client.post(start_url, READY)
        assert started.status_code == 302, started
        page.route(re.compile(r"/sessions/\d+/$"), relabel)
        page.goto(started["Location"])
    else:
        page.goto(start_url)
        answer_readiness(page)
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()
    assert page.evaluate("window.speechSynthesis.speak.toString()").startswith("speak(u)")


def calls(page, kind=None):
    found = page.evaluate("window.__calls.map((call) => Object.assign({}, call))")
    return [call for call in found if kind is None or call["kind"] == kind]


def forget_calls(page):
    page.evaluate("window.__calls.length = 0")


# The "3, 2, 1" of a step's last seconds: left out where a test looks at what a step change says.
COUNTDOWN = {"Three", "Two", "One", "Tres", "Dos", "Uno"}


def words(seen):
    """What the voice read, without the countdown."""
    return [c for c in seen if c["kind"] == "speak" and c["text"] not in COUNTDOWN]


def chime_url(page):
    return page.evaluate(
        "new URL(document.querySelector('[data-player]').dataset.chimeUrl, location.href).href"
    )


def start_and_run_first_step(page):
    """Start, sit through "get ready" and the first step: the player moves on by itself."""
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 500)
    expect(page.locator("[data-overlay]")).to_be_hidden()
    forget_calls(page)
    page.clock.run_for(STEP_1_MS)
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()


def set_volume(page, value):
    """Move the volume slider with the keyboard, a tenth at a time, as a parent could."""
    slider = page.get_by_role("slider", name="Volume")
    slider.focus()
    now = float(slider.input_value())
    key = "ArrowLeft" if value < now else "ArrowRight"
    for _press in range(round(abs(now - value) * 10)):
        page.keyboard.press(key)
    expect(slider).to_have_value(str(value))


def test_moving_on_by_itself_chimes_then_reads_the_next_step_in_the_pages_language(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    open_player(page, live_server, parent_and_baby, routine, lang="en-GB")
    assert page.evaluate("document.documentElement.lang") == "en-GB"

    start_and_run_first_step(page)

    seen = calls(page)
    chimes = [c for c in seen if c["kind"] == "play" and c["src"] == chime_url(page)]
    spoken = words(seen)
    assert len(chimes) == 1, seen
    assert not chimes[0]["muted"]
    assert len(spoken) == 1, seen
    # Name, instruction, then the step's caution.
    assert spoken[0]["text"] == f"Leg glide. Glide down the leg. {LEG_CAUTION}"
    assert spoken[0]["lang"] == page.evaluate("document.documentElement.lang")
    assert seen.index(chimes[0]) < seen.index(spoken[0]), "the chime comes before the voice"


def test_a_step_with_narration_plays_the_recording_instead_of_speaking(
    phone, live_server, parent_and_baby, routine, narrated
):
    page = phone
    narration_url = f"{live_server.url}{narrated.narration.url}"
    open_player(page, live_server, parent_and_baby, routine)
    set_volume(page, 0.6)

    start_and_run_first_step(page)

    seen = calls(page)
    assert not words(seen), seen
    played = [c["src"] for c in seen if c["kind"] == "play"]
    assert played == [chime_url(page), narration_url], seen
    recording = next(c for c in seen if c["kind"] == "play" and c["src"] == narration_url)
    assert recording["volume"] == pytest.approx(0.6)
    # The slider turns the recording down while it plays.
    set_volume(page, 0.3)
    volume = page.evaluate(f"window.__media[{recording['media']}].volume")
    assert volume == pytest.approx(0.3)

    # The next step has no recording: the recording stops and the voice reads the step.
    forget_calls(page)
    page.clock.run_for(STEP_2_MS)
    expect(page.get_by_role("heading", name="Thumb walk")).to_be_visible()
    seen = calls(page)
    assert {"kind": "pause", "src": narration_url} in seen, seen
    assert [c["text"] for c in words(seen)] == ["Thumb walk. Walk your thumbs."]


def test_after_a_recording_the_voice_reads_the_steps_caution(
    phone, live_server, parent_and_baby, routine, narrated
):
    page = phone
    narration_url = f"{live_server.url}{narrated.narration.url}"
    open_player(page, live_server, parent_and_baby, routine)
    start_and_run_first_step(page)
    recording = next(c for c in calls(page, "play") if c["src"] == narration_url)
    assert not words(calls(page))
    page.evaluate(f"window.__media[{recording['media']}].dispatchEvent(new Event('ended'))")
    assert [c["text"] for c in words(calls(page))] == [LEG_CAUTION]


def test_voice_off_keeps_the_chime_and_volume_sets_chime_and_voice(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    open_player(page, live_server, parent_and_baby, routine)
    set_volume(page, 0.5)

    start_and_run_first_step(page)
    seen = calls(page)
    chime = next(c for c in seen if c["kind"] == "play")
    assert chime["src"] == chime_url(page)
    assert chime["volume"] == pytest.approx(0.5 * 0.7)  # the chime sits under the voice
    utterance = next(c for c in seen if c["kind"] == "speak")
    assert utterance["volume"] == pytest.approx(0.5)

    page.get_by_role("checkbox", name="Voice").click()
    expect(page.get_by_role("checkbox", name="Voice")).not_to_be_checked()
    forget_calls(page)
    page.clock.run_for(STEP_2_MS)

    expect(page.get_by_role("heading", name="Thumb walk")).to_be_visible()
    expect(page.locator("[data-position]")).to_have_text("Step 3 of 3")
    seen = calls(page)
    assert not [c for c in seen if c["kind"] == "speak"], seen
    chimes = [c for c in seen if c["kind"] == "play"]
    assert [c["src"] for c in chimes] == [chime_url(page)], seen
    assert chimes[0]["volume"] == pytest.approx(0.35)


def test_the_screen_is_kept_awake_and_again_after_coming_back(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    open_player(page, live_server, parent_and_baby, routine)
    assert calls(page, "wake") == []  # nothing until the massage starts

    page.get_by_role("button", name="Start").click()
    assert wait_until(page, lambda: calls(page, "wake"))
    assert calls(page, "wake") == [{"kind": "wake", "type": "screen"}]
    page.clock.run_for(COUNTDOWN_MS + 1000)

    # The phone locks: the browser drops the lock and the player pauses.
    page.evaluate("window.__setVisibility('hidden')")
    assert len(calls(page, "wake-release")) == 1
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    # Back again: the player asks for the lock anew.
    page.evaluate("window.__setVisibility('visible')")
    assert wait_until(page, lambda: len(calls(page, "wake")) == 2), calls(page)
    assert calls(page, "wake")[1]["type"] == "screen"
    expect(page.locator("[data-wake-hint]")).to_be_hidden()


@pytest.mark.parametrize("wake", ["missing", "refused"])
def test_without_a_wake_lock_a_quiet_hint_says_so(
    phone, live_server, parent_and_baby, routine, wake
):
    page = phone
    open_player(page, live_server, parent_and_baby, routine, wake=wake)
    assert page.evaluate("'wakeLock' in navigator") is (wake != "missing")
    hint = page.locator("[data-wake-hint]")
    expect(hint).to_be_hidden()

    page.get_by_role("button", name="Start").click()

    expect(hint).to_be_visible()
    expect(hint).to_have_text(re.compile(r"^This browser may let the screen sleep"))
    page.clock.run_for(COUNTDOWN_MS + 1000)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()  # the massage goes on


def test_previous_goes_back_one_step_on_a_tablet(tablet, live_server, parent_and_baby, routine):
    page = tablet
    assert page.viewport_size == {"width": 820, "height": 1180}
    open_player(page, live_server, parent_and_baby, routine)
    position = page.locator("[data-position]")
    expect(position).to_have_text("Step 1 of 3")

    start_and_run_first_step(page)
    expect(position).to_have_text("Step 2 of 3")
    expect(page.locator("[data-next]")).to_have_text("Next: Thumb walk")
    page.clock.run_for(STEP_2_MS)
    expect(page.get_by_role("heading", name="Thumb walk")).to_be_visible()
    expect(position).to_have_text("Step 3 of 3")

    forget_calls(page)
    previous = page.get_by_role("button", name="Previous step")
    box = previous.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 820, box
    previous.click()

    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    expect(page.get_by_role("heading", name="Thumb walk")).to_be_hidden()
    expect(position).to_have_text("Step 2 of 3")
    expect(page.locator("[data-count]")).to_have_text("0:06")
    # Going back while running reads the step again.
    spoken = [c["text"] for c in calls(page, "speak")]
    assert spoken == [f"Leg glide. Glide down the leg. {LEG_CAUTION}"], spoken


def test_a_recording_the_browser_cannot_play_is_read_aloud_instead(
    phone, live_server, parent_and_baby, routine, narrated
):
    page = phone
    narration_url = f"{live_server.url}{narrated.narration.url}"
    open_player(page, live_server, parent_and_baby, routine)
    page.evaluate(f"window.__unplayable = [{narration_url!r}]")

    start_and_run_first_step(page)

    seen = calls(page)
    assert narration_url in [c["src"] for c in seen if c["kind"] == "play"], seen
    assert [c["text"] for c in words(seen)] == [f"Leg glide. Glide down the leg. {LEG_CAUTION}"]


# The lock screen's controls (Media Session) and the phone's buzz, seen from the page.
LOCK_SCREEN_SPIES = """
(() => {
  const seen = {handlers: {}, states: [], positions: [], metadata: []};
  window.__lockScreen = seen;
  const session = navigator.mediaSession;
  session.setActionHandler = (action, handler) => { seen.handlers[action] = handler; };
  session.setPositionState = (position) => seen.positions.push(position);
  Object.defineProperty(session, "metadata", {configurable: true, get: () => null,
    set: (m) => seen.metadata.push({title: m.title, artist: m.artist,
                                    artwork: m.artwork.map((a) => a.src)})});
  Object.defineProperty(session, "playbackState", {configurable: true, get: () => "none",
    set: (state) => seen.states.push(state)});
  window.__buzzes = [];
  if (window.__noBuzz) {
    Object.defineProperty(Navigator.prototype, "vibrate", {configurable: true, value: undefined});
  } else {
    Navigator.prototype.vibrate = (ms) => { window.__buzzes.push(ms); return true; };
  }
})();
"""


def lock_screen(page):
    return page.evaluate(
        "({states: __lockScreen.states, positions: __lockScreen.positions,"
        " metadata: __lockScreen.metadata, handlers: Object.keys(__lockScreen.handlers)})"
    )


def press_on_lock_screen(page, action):
    page.evaluate(f"window.__lockScreen.handlers[{action!r}]({{action: {action!r}}})")


def test_the_lock_screen_shows_the_step_and_its_buttons_drive_the_player(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    page.add_init_script(script=LOCK_SCREEN_SPIES)
    open_player(page, live_server, parent_and_baby, routine)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 1500)

    seen = lock_screen(page)
    assert set(seen["handlers"]) >= {"play", "pause", "nexttrack", "previoustrack"}
    assert seen["metadata"][-1]["title"] == "Ask permission"
    assert seen["metadata"][-1]["artist"] == routine.title
    assert seen["metadata"][-1]["artwork"][0].endswith(".svg")
    assert seen["states"][-1] == "playing"
    assert seen["positions"][-1]["duration"] == 5
    assert seen["positions"][-1]["position"] == pytest.approx(1.5, abs=0.25)

    press_on_lock_screen(page, "pause")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    assert lock_screen(page)["states"][-1] == "paused"
    press_on_lock_screen(page, "play")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    press_on_lock_screen(page, "nexttrack")
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    assert lock_screen(page)["metadata"][-1]["title"] == "Leg glide"
    press_on_lock_screen(page, "previoustrack")
    expect(page.get_by_role("heading", name="Ask permission")).to_be_visible()


def test_three_two_one_before_a_step_ends_and_it_can_be_turned_off(
    phone, live_server, parent_and_baby, routine
):
    page = phone
    open_player(page, live_server, parent_and_baby, routine)
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 1500)  # 3.5 s of 5 left
    forget_calls(page)
    page.clock.run_for(3000)  # to 0.5 s left
    assert [c["text"] for c in calls(page, "speak")] == ["Three", "Two", "One"]

    page.get_by_role("checkbox", name="3, 2, 1 before each step ends").uncheck()
    page.clock.run_for(500 + 2500)  # the leg glide, 3.5 s of 6 left
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    forget_calls(page)
    page.clock.run_for(3000)
    assert [c["text"] for c in calls(page, "speak")] == []
    assert (
        page.evaluate("JSON.parse(localStorage.getItem('gentle-hands-player')).countdown") is False
    )


@pytest.mark.parametrize("buzz", [True, False], ids=["buzzes", "pulses"])
def test_with_the_voice_off_a_new_step_buzzes_or_pulses(
    phone, live_server, parent_and_baby, routine, buzz
):
    page = phone
    if not buzz:
        page.add_init_script(script="window.__noBuzz = true;")
    page.add_init_script(script=LOCK_SCREEN_SPIES)
    open_player(page, live_server, parent_and_baby, routine)
    page.get_by_role("checkbox", name="Voice").uncheck()
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(COUNTDOWN_MS + 500)
    assert page.evaluate("window.__buzzes") == []
    page.clock.run_for(STEP_1_MS)
    expect(page.get_by_role("heading", name="Leg glide")).to_be_visible()
    shell = page.locator("[data-player]")
    if buzz:
        assert page.evaluate("window.__buzzes") == [120]
        expect(shell).not_to_have_class(re.compile("player-pulse"))
    else:
        expect(shell).to_have_class(re.compile("player-pulse"))


# -- In the page's language ----------------------------------------------------------------------

SPANISH_VOICES = [
    {"lang": "en-US", "name": "Samantha", "default": True},
    {"lang": "es-ES", "name": "Mónica", "default": False},
]
ENGLISH_ONLY = SPANISH_VOICES[:1]


@pytest.fixture
def en_espanol(routine):
    """The routine's first two steps in Spanish too; the third is in English only."""
    for order, stroke, instruction, caution in [
        (1, "Pide permiso", "Enséñale las manos.", ""),
        (2, "Deslizar por la pierna", "Desliza la mano por la pierna.", "Rodillas blandas."),
    ]:
        Step.objects.filter(routine=routine, order=order).update(
            stroke_es=stroke, instruction_es=instruction, caution_es=caution
        )
    return routine


def open_player_in_spanish(page, live_server, parent_and_baby, routine, *, voices):
    """The parent's account is in Spanish; the readiness answers go in through the test client
    (its questions would be in Spanish), then the browser opens the player."""
    user, baby = parent_and_baby
    user.language = "es"
    user.save(update_fields=["language"])
    page.add_init_script(
        script=f"window.__wakeMode = 'granted'; window.__voices = {json.dumps(voices)};\n{SPIES}"
    )
    log_in(page, live_server, user)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": live_server.url}]
    )
    stop_the_clock(page)
    client = Client()
    client.force_login(user)
    started = client.post(f"/babies/{baby.pk}/routines/{routine.slug}/start/", READY)
    assert started.status_code == 302, started
    page.goto(started["Location"])
    expect(page.get_by_role("heading", name="Pide permiso")).to_be_visible()


def test_in_spanish_the_voice_reads_the_spanish_words_with_a_spanish_voice(
    phone, live_server, parent_and_baby, en_espanol
):
    page = phone
    open_player_in_spanish(page, live_server, parent_and_baby, en_espanol, voices=SPANISH_VOICES)
    expect(page.locator("[data-voice-hint]")).to_be_hidden()
    page.get_by_role("button", name=re.compile("Start|Empezar|Comenzar")).click()
    page.clock.run_for(COUNTDOWN_MS + 500)
    expect(page.locator("[data-overlay]")).to_be_hidden()
    forget_calls(page)
    page.clock.run_for(STEP_1_MS)
    expect(page.get_by_role("heading", name="Deslizar por la pierna")).to_be_visible()

    spoken = words(calls(page))
    assert [(c["text"], c["lang"]) for c in spoken] == [
        ("Deslizar por la pierna. Desliza la mano por la pierna. Rodillas blandas.", "es")
    ]

    # The third step has no Spanish: its English words are marked, and read as English.
    forget_calls(page)
    page.clock.run_for(STEP_2_MS)
    heading = page.get_by_role("heading", name="Thumb walk")
    expect(heading).to_be_visible()
    expect(heading).to_have_attribute("lang", "en")
    section = page.locator("section.player-step:not([hidden])")
    expect(section.locator(".in-english")).to_be_visible()
    assert [(c["text"], c["lang"]) for c in words(calls(page))] == [
        ("Thumb walk. Walk your thumbs.", "en")
    ]


def test_a_phone_without_a_spanish_voice_says_so_and_keeps_the_chime(
    phone, live_server, parent_and_baby, en_espanol
):
    page = phone
    open_player_in_spanish(page, live_server, parent_and_baby, en_espanol, voices=ENGLISH_ONLY)
    with translation.override("es"):
        expected = player_speech()["noVoice"]
    hint = page.locator("[data-voice-hint]")
    expect(hint).to_be_visible()
    expect(hint).to_have_text(expected)

    page.get_by_role("button", name=re.compile("Start|Empezar|Comenzar")).click()
    page.clock.run_for(COUNTDOWN_MS + 500)
    forget_calls(page)
    page.clock.run_for(STEP_1_MS)
    expect(page.get_by_role("heading", name="Deslizar por la pierna")).to_be_visible()
    seen = calls(page)
    # No English voice mangling the Spanish words: nothing is spoken, and the chime still sounds.
    assert [c for c in seen if c["kind"] == "speak"] == []
    assert [c for c in seen if c["kind"] == "play" and c["src"] == chime_url(page)]
