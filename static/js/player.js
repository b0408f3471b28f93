// The guided massage player: timer, chime, voice, screen wake lock and background saving.
// The page works without this file as a plain step-by-step form; with it, every step of the
// routine is already on the page, so changing step never waits for the network.
// The cue bar (static/js/cues.js) talks to it by events on the player's element.
import { csrfToken } from "./lib/server.js";

const rootNode = document.querySelector("[data-player]");
const dataNode = document.getElementById("player-data");
if (rootNode && dataNode) player(rootNode, JSON.parse(dataNode.textContent));

function player(root, data) {
  var labels = data.labels;
  var steps = data.steps;
  var limits = data.limits;
  var SETTINGS_KEY = "gentle-hands-player";
  var SAVE_EVERY_MS = 5000;
  var GET_READY_SECONDS = 3;

  var state = {
    index: Math.max(0, steps.findIndex(function (s) { return s.id === data.current; })),
    elapsed: Number(data.elapsed) || 0, // seconds spent on the current step
    extra: data.extra || {}, // step id -> seconds added with "+15 s"
    visits: data.visits || {}, // step id -> [seconds, skipped]
    seq: data.seq || 0,
    savedStep: data.current, // where the last save that the server took left the session
    conflicts: 0, // refused saves in a row
    phase: "ready", // ready | countdown | running | paused | done | gone (moved on elsewhere)
    countdownLeft: 0,
    lastTick: Date.now(),
    lastSave: Date.now(),
    dirty: false,
    endedAt: null, // the step ran out while hands-free was off
  };
  // The last progress this page sent, kept in the browser: a reload can be drawn before the
  // leaving page's last save has reached the server, and then this is newer than the page.
  var PROGRESS_KEY = "gentle-hands-progress-" + data.session;
  resumeFromKept();
  var settings = loadSettings();
  var wakeLock = null;
  var voiceAudio = null;
  var chime = new Audio(root.getAttribute("data-chime-url"));
  chime.preload = "auto";
  var audioPrimed = false;

  var el = {
    sections: Array.prototype.slice.call(root.querySelectorAll("[data-step-id]")),
    position: root.querySelector("[data-position]"),
    timeLeft: root.querySelector("[data-time-left]"),
    progress: root.querySelector("[data-progress-bar]"),
    count: root.querySelector("[data-count]"),
    countLabel: root.querySelector("[data-count-label]"),
    next: root.querySelector("[data-next]"),
    toggleLabel: root.querySelector("[data-toggle-label]"),
    overlay: root.querySelector("[data-overlay]"),
    overlayCount: root.querySelector("[data-overlay-count]"),
    overlayText: root.querySelector("[data-overlay-text]"),
    wakeHint: root.querySelector("[data-wake-hint]"),
    conflictBanner: root.querySelector("[data-conflict-banner]"),
    saveNote: root.querySelector("[data-save-note]"),
    completeForm: root.querySelector("[data-complete-form]"),
  };

  // With JavaScript the live controls replace the plain form.
  root.querySelectorAll("[data-js-only]").forEach(function (node) { node.hidden = false; });
  root.querySelectorAll("[data-no-js]").forEach(function (node) { node.hidden = true; });
  root.querySelectorAll("[data-static-amount]").forEach(function (node) { node.hidden = true; });
  root.classList.add("player-live-mode");

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function loadSettings() {
    var defaults = { handsFree: true, voice: true, volume: 0.8, countdown: true };
    try {
      var saved = JSON.parse(window.localStorage.getItem(SETTINGS_KEY) || "{}");
      return Object.assign(defaults, saved);
    } catch (error) {
      return defaults;
    }
  }

  function readKept() {
    try {
      return JSON.parse(window.localStorage.getItem(PROGRESS_KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  function keep(sent) {
    try {
      window.localStorage.setItem(PROGRESS_KEY, JSON.stringify(sent));
    } catch (error) { /* private mode: the server's copy is all there is */ }
  }

  function forgetKept() {
    try { window.localStorage.removeItem(PROGRESS_KEY); } catch (error) { /* nothing kept */ }
  }

  // Resume from whichever is further on: the page as the server drew it, or the last save
  // this browser sent (the numbering says which; the server keeps the higher number too).
  function resumeFromKept() {
    var kept = readKept();
    if (!kept || !(Number(kept.seq) > state.seq)) {
      forgetKept();
      return;
    }
    var index = steps.findIndex(function (s) { return String(s.id) === String(kept.step); });
    if (index < 0) return;
    state.index = index;
    state.elapsed = Number(kept.elapsed) || 0;
    state.visits = kept.visits || {};
    state.extra = kept.extra || {};
    state.seq = Number(kept.seq);
    state.savedStep = kept.step;
  }

  function saveSettings() {
    try {
      window.localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    } catch (error) { /* private mode: settings last for this page only */ }
  }

  function current() { return steps[state.index]; }

  function duration(step) { return step.seconds + (state.extra[step.id] || 0); }

  // The most time the server takes for a step (see step_seconds_cap in sessions/models.py).
  function cap(step) {
    return Math.min(limits.maxSeconds, duration(step) * limits.factor + limits.margin);
  }

  function stepById(id) {
    return steps.find(function (s) { return String(s.id) === String(id); });
  }

  function clock(seconds) {
    var whole = Math.max(0, Math.ceil(seconds));
    var minutes = Math.floor(whole / 60);
    var rest = whole % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function visit(step) {
    var key = String(step.id);
    if (!state.visits[key]) state.visits[key] = [0, false];
    return state.visits[key];
  }

  // Drawing --------------------------------------------------------------------------------

  function showStep() {
    var step = current();
    el.sections.forEach(function (section) {
      section.hidden = Number(section.getAttribute("data-step-id")) !== step.id;
    });
    // The cue bar reads which step a cue belongs to from here.
    root.setAttribute("data-current-step", String(step.id));
    el.position.textContent = format(labels.stepOf, { k: state.index + 1, n: steps.length });
    var following = steps[state.index + 1];
    el.next.textContent = following ? format(labels.next, { name: following.stroke }) : labels.lastStep;
    draw();
  }

  function draw() {
    var step = current();
    var remaining = Math.max(0, duration(step) - state.elapsed);
    el.count.textContent = clock(remaining);
    if (step.repetitions) {
      var per = step.secondsPerRepetition || 1;
      var k = Math.min(step.repetitions, Math.floor(state.elapsed / per) + 1);
      el.countLabel.textContent = format(labels.repOf, { k: k, n: step.repetitions });
    } else {
      el.countLabel.textContent = "";
    }
    var later = 0;
    for (var i = state.index + 1; i < steps.length; i += 1) later += duration(steps[i]);
    el.timeLeft.textContent = format(labels.left, {
      t: format(labels.minutes, { n: Math.max(1, Math.round((remaining + later) / 60)) }),
    });
    el.progress.value = state.index + Math.min(1, state.elapsed / Math.max(1, duration(step)));
    var label = labels.pause;
    if (state.phase === "ready") label = state.index > 0 || state.elapsed > 0 ? labels.continue : labels.start;
    if (state.phase === "paused") label = labels.resume;
    el.toggleLabel.textContent = label;
    root.setAttribute("data-phase", state.phase);
    root.querySelectorAll("[data-paused-badge]").forEach(function (badge) {
      badge.hidden = state.phase !== "paused";
    });
    showOnLockScreen();
  }

  // The lock screen and the notification shade (Media Session): the step's name, the routine's
  // picture, where the step is, and play, pause, next and previous that drive the player.
  var mediaSession = "mediaSession" in navigator ? navigator.mediaSession : null;
  var shownStep = null;

  function showOnLockScreen() {
    if (!mediaSession) return;
    var step = current();
    if (shownStep !== step.id && typeof window.MediaMetadata === "function") {
      shownStep = step.id;
      mediaSession.metadata = new window.MediaMetadata({
        title: step.stroke,
        artist: data.routine.title,
        artwork: [{ src: data.routine.artwork, sizes: "any", type: "image/svg+xml" }],
      });
    }
    mediaSession.playbackState = state.phase === "running" || state.phase === "countdown" ? "playing" : "paused";
    if (mediaSession.setPositionState) {
      try {
        mediaSession.setPositionState({
          duration: duration(step),
          position: Math.min(state.elapsed, duration(step)),
          playbackRate: 1,
        });
      } catch (error) { /* a browser that refuses the numbers shows no position */ }
    }
  }

  function listenToLockScreen() {
    if (!mediaSession) return;
    var handlers = {
      play: function () { if (state.phase === "ready" || state.phase === "paused") toggle(); },
      pause: function () { if (state.phase === "running" || state.phase === "countdown") toggle(); },
      nexttrack: function () { actions.next(); },
      previoustrack: function () { actions.previous(); },
    };
    Object.keys(handlers).forEach(function (action) {
      try {
        mediaSession.setActionHandler(action, function () {
          if (!stopped() && state.phase !== "countdown") handlers[action]();
          else if (action === "pause" && state.phase === "countdown") handlers[action]();
        });
      } catch (error) { /* an action this browser doesn't know */ }
    });
  }

  // A step changing while the voice is off: a short buzz where the phone can, else a pulse.
  function signalNewStep() {
    if (settings.voice) return;
    if (typeof navigator.vibrate === "function" && navigator.vibrate(120)) return;
    root.classList.remove("player-pulse");
    void root.offsetWidth; // start the animation again
    root.classList.add("player-pulse");
  }

  // "3, 2, 1" in the last seconds of a step going by itself, unless turned off; not over words
  // still being read.
  function countDown(before, after) {
    if (!settings.countdown || !settings.handsFree) return;
    for (var n = 3; n >= 1; n -= 1) {
      if (before > n && after <= n) {
        el.count.classList.remove("player-count-tick");
        void el.count.offsetWidth;
        el.count.classList.add("player-count-tick");
        var busy = "speechSynthesis" in window && window.speechSynthesis.speaking;
        if (settings.voice && !busy && !voiceAudio) speak(String(n));
      }
    }
  }

  // Sound and voice ------------------------------------------------------------------------

  // iOS lets a page play sound only after the parent has touched it: play the chime muted and
  // speak nothing during the Start tap, so the chimes and voice the timer starts later may play.
  function primeAudio() {
    if (audioPrimed) return;
    audioPrimed = true;
    chime.muted = true;
    var played = chime.play();
    var unmute = function () {
      chime.pause();
      chime.currentTime = 0;
      chime.muted = false;
    };
    if (played && played.then) played.then(unmute, unmute);
    else unmute();
    if ("speechSynthesis" in window) {
      var silence = new SpeechSynthesisUtterance("");
      silence.volume = 0;
      window.speechSynthesis.speak(silence);
    }
  }

  function playChime() {
    if (!settings.voice && !settings.handsFree) return;
    chime.volume = Math.min(1, settings.volume * 0.7);
    chime.currentTime = 0;
    chime.play().catch(function () {});
  }

  function stopVoice() {
    if (voiceAudio) {
      voiceAudio.pause();
      voiceAudio = null;
    }
    if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  }

  function speak(text) {
    if (!("speechSynthesis" in window)) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || "en";
    utterance.volume = settings.volume;
    utterance.rate = 0.95;
    window.speechSynthesis.speak(utterance);
  }

  // What the voice reads for a step: its name and instruction, then its caution.
  function words(step) {
    return [step.stroke + ".", step.instruction, step.caution].filter(Boolean).join(" ");
  }

  function announce(step) {
    stopVoice();
    if (!settings.voice) return;
    if (step.narration) {
      var audio = new Audio(step.narration);
      voiceAudio = audio;
      audio.volume = settings.volume;
      // A recording says the instruction; the caution is read after it.
      audio.addEventListener("ended", function () {
        if (voiceAudio !== audio) return;
        voiceAudio = null;
        if (step.caution && settings.voice) speak(step.caution);
      });
      // A recording the browser can't play (its format, or the file is gone): read the words
      // instead, unless the player stopped it on purpose (AbortError) or moved on meanwhile.
      audio.play().catch(function (error) {
        if (voiceAudio === audio && error.name !== "AbortError") speak(words(step));
      });
      return;
    }
    speak(words(step));
  }

  // Keeping the screen on ------------------------------------------------------------------

  function keepAwake() {
    if (!("wakeLock" in navigator)) {
      el.wakeHint.hidden = false;
      return;
    }
    if (wakeLock) return; // held, or being asked for: one lock at a time
    var asking = navigator.wakeLock.request("screen").then(function (lock) {
      if (wakeLock !== asking) { // the player let the screen sleep while the browser answered
        lock.release().catch(function () {});
        return;
      }
      wakeLock = lock;
      el.wakeHint.hidden = true;
      lock.addEventListener("release", function () { if (wakeLock === lock) wakeLock = null; });
    }).catch(function () {
      if (wakeLock === asking) wakeLock = null;
      el.wakeHint.hidden = false;
    });
    wakeLock = asking;
  }

  function letSleep() {
    if (wakeLock && wakeLock.release) wakeLock.release().catch(function () {});
    wakeLock = null;
  }

  // Saving progress in the background -------------------------------------------------------

  // One save at a time, so saves can't overtake each other; what changed meanwhile goes next.
  // Leaving the page can't wait for the save on its way: `now` sends at once with the next
  // number, and if the two arrive out of order the server keeps the later one.
  var inflight = null;
  var retryAt = 0;

  function save(now) {
    if (inflight && !now) {
      state.dirty = true;
      return inflight;
    }
    state.seq += 1;
    state.dirty = false;
    state.lastSave = Date.now();
    var sentStep = current().id;
    keep({ seq: state.seq, step: sentStep, elapsed: state.elapsed, visits: state.visits, extra: state.extra });
    var body = new FormData();
    body.append("seq", String(state.seq));
    body.append("step", String(sentStep));
    body.append("elapsed", Math.min(state.elapsed, cap(current())).toFixed(1));
    var rounded = {};
    Object.keys(state.visits).forEach(function (key) {
      var v = state.visits[key];
      var step = stepById(key);
      var most = step ? cap(step) : limits.maxSeconds;
      rounded[key] = [Math.min(most, Math.round(v[0] * 10) / 10), Boolean(v[1]), state.extra[key] || 0];
    });
    body.append("visits", JSON.stringify(rounded));
    var failed = false;
    // fetch with keepalive rather than htmx: a keepalive request still reaches the server when
    // the page is closing (pagehide, the tab swiped away), so the last seconds are not lost.
    var request = fetch(root.getAttribute("data-progress-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (response) {
      // A save overtaken by a later one (sent on leaving the page) has nothing to tell.
      if (response.status === 409 && inflight !== request) return null;
      if (response.status === 409) {
        return response.json().then(function (where) { conflict(where, sentStep); }, function () {});
      }
      // Logged out or an expired page (401, 403, or a login page reached by a redirect): kept,
      // and sent again with everything once the parent has logged in again.
      failed = !response.ok || response.redirected;
      el.saveNote.hidden = !(response.redirected || response.status === 401 || response.status === 403);
      if (!failed) {
        state.savedStep = sentStep;
        state.conflicts = 0;
      }
      return null;
    }, function () {
      failed = true; // offline for now: the next save carries everything again
    }).then(function () {
      if (inflight !== request) return null; // a later save went out meanwhile: it carries on
      inflight = null;
      if (failed) {
        state.dirty = true;
        retryAt = Date.now() + SAVE_EVERY_MS;
        return null;
      }
      return state.dirty && state.phase !== "gone" ? save() : null;
    });
    inflight = request;
    return request;
  }

  // The server had newer progress. If it is still on this step (a save from another tab, or
  // one that got lost on the way), catch up with its numbering and save again; if the massage
  // moved on or ended elsewhere, say so rather than go on unsaved.
  function conflict(where, sentStep) {
    var sameStep = where.step === sentStep || where.step === state.savedStep;
    if (where.running && sameStep && state.conflicts < 2) {
      state.conflicts += 1;
      state.seq = Math.max(state.seq, Number(where.seq) || 0);
      state.dirty = true;
      return;
    }
    if (state.phase === "done") return; // finishing anyway: the summary tells the rest
    halt("gone");
    el.conflictBanner.hidden = false;
  }

  function saveIfDue(now) {
    if (now < retryAt || state.phase === "gone") return;
    if (state.dirty || now - state.lastSave >= SAVE_EVERY_MS) save();
  }

  // Moving through the routine --------------------------------------------------------------

  function goTo(index, how) {
    var step = current();
    if (how === "skip") visit(step)[1] = true;
    state.endedAt = null;
    if (index >= steps.length) {
      finish();
      return;
    }
    state.index = Math.max(0, index);
    state.elapsed = 0;
    showStep();
    if (state.phase === "running" || how === "auto") {
      playChime();
      announce(current());
      signalNewStep();
    }
    save();
  }

  // The player stops for good: the massage is ending ("done", saying so over the player) or
  // went on elsewhere ("gone").
  function halt(phase, overlayText) {
    state.phase = phase;
    stopVoice();
    letSleep();
    el.overlay.hidden = !overlayText;
    el.overlayCount.textContent = "";
    el.overlayText.textContent = overlayText || "";
    draw();
  }

  function finish() {
    halt("done", labels.finishing);
    forgetKept();
    playChime();
    // Cues still on their way go first (static/js/cues.js hands them over): the server takes no
    // cues once the massage has ended.
    var cues = [];
    root.dispatchEvent(new CustomEvent("player:finishing", {
      detail: { waitUntil: function (promise) { cues.push(promise); } },
    }));
    var patience = new Promise(function (resolve) { window.setTimeout(resolve, 5000); });
    Promise.all([save(), Promise.race([Promise.all(cues), patience])]).then(function () { el.completeForm.submit(); });
  }

  function start() {
    primeAudio();
    state.phase = "countdown";
    state.countdownLeft = GET_READY_SECONDS;
    el.overlay.hidden = false;
    el.overlayText.textContent = labels.getReady;
    el.overlayCount.textContent = String(GET_READY_SECONDS);
    keepAwake();
    draw();
  }

  function toggle() {
    heldForCues = false;
    if (state.phase === "ready") start();
    else if (state.phase === "running") {
      state.phase = "paused";
      stopVoice();
      save();
    } else if (state.phase === "paused") {
      state.phase = "running";
      keepAwake();
    }
    draw();
  }

  // The time since the last tick goes to the countdown, then to the step; what a step or the
  // countdown did not need carries over to the next one, so no time is lost at a boundary.
  function tick() {
    var now = Date.now();
    var dt = Math.max(0, Math.min(5, (now - state.lastTick) / 1000));
    state.lastTick = now;
    if (state.phase === "countdown") {
      state.countdownLeft -= dt;
      el.overlayCount.textContent = String(Math.max(1, Math.ceil(state.countdownLeft)));
      if (state.countdownLeft > 0) return;
      dt = -state.countdownLeft;
      state.countdownLeft = 0;
      el.overlay.hidden = true;
      state.phase = "running";
      announce(current());
    }
    if (state.phase !== "running") {
      if (state.dirty) saveIfDue(now);
      return;
    }
    run(dt, now);
    if (state.phase !== "running") return; // finished, or stopped by a save's answer
    draw();
    saveIfDue(now);
  }

  function run(seconds, now) {
    var step = current();
    var used = Math.max(0, Math.min(seconds, duration(step) - state.elapsed));
    if (used > 0) {
      countDown(duration(step) - state.elapsed, duration(step) - state.elapsed - used);
      state.elapsed += used;
      visit(step)[0] += used;
      visit(step)[1] = false; // a step skipped, gone back to and done counts as done
    }
    if (state.elapsed < duration(step)) return;
    state.elapsed = duration(step);
    if (settings.handsFree) {
      goTo(state.index + 1, "auto");
      if (state.phase === "running" && seconds - used > 0) run(seconds - used, now);
      return;
    }
    if (!state.endedAt) {
      state.endedAt = now;
      playChime(); // time is up: the parent moves on when ready
    }
  }

  // Input ----------------------------------------------------------------------------------

  var actions = {
    toggle: toggle,
    next: function () { goTo(state.index + 1, "next"); },
    previous: function () { goTo(state.index - 1, "previous"); },
    skip: function () { goTo(state.index + 1, "skip"); },
    add15: function () {
      var step = current();
      state.extra[step.id] = Math.min(limits.maxExtra, (state.extra[step.id] || 0) + 15);
      visit(step);
      state.endedAt = null;
      draw();
      save();
    },
  };

  function stopped() { return state.phase === "done" || state.phase === "gone"; }

  root.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target || stopped()) return;
    var action = actions[target.getAttribute("data-action")];
    if (!action) return;
    if (state.phase === "countdown" && target.getAttribute("data-action") !== "toggle") return;
    event.preventDefault();
    action();
  });

  // What the cue bar (static/js/cues.js) asks of the player.
  function pause() {
    if (state.phase !== "running" && state.phase !== "countdown") return;
    state.phase = "paused";
    el.overlay.hidden = true;
    stopVoice();
    draw();
    save();
  }

  function skipArea() {
    if (stopped()) return;
    var area = current().areaKey;
    var index = state.index;
    while (index < steps.length && steps[index].areaKey === area) {
      visit(steps[index])[1] = true;
      index += 1;
    }
    state.endedAt = null;
    if (index >= steps.length) {
      finish();
      return;
    }
    state.index = index;
    state.elapsed = 0;
    showStep();
    save();
    start(); // a short "get ready", then hands-free again on the next area
  }

  // "More cues" open: the massage waits, and goes on when it closes, if it was going before.
  var heldForCues = false;
  root.addEventListener("cues:hold", function () {
    if (state.phase !== "running") return;
    heldForCues = true;
    state.phase = "paused";
    stopVoice();
    draw();
    save();
  });
  root.addEventListener("cues:release", function () {
    if (!heldForCues) return;
    heldForCues = false;
    if (state.phase !== "paused") return;
    state.phase = "running";
    keepAwake();
    draw();
  });

  root.addEventListener("cues:pause", function () {
    heldForCues = false; // a baby-led pause waits for the parent, whatever else was open
    pause();
  });
  root.addEventListener("cues:skip-area", skipArea);
  root.addEventListener("cues:say", function (event) {
    if (!settings.voice || !settings.handsFree) return;
    stopVoice();
    speak(event.detail);
  });
  // Ending here (a baby-led end): the progress is saved first, and the cue bar waits for it.
  root.addEventListener("cues:ending", function (event) {
    if (!stopped() && event.detail) event.detail.waitUntil(save());
    halt("done", labels.saving);
  });

  document.addEventListener("keydown", function (event) {
    // Leave the browser's own shortcuts alone: Ctrl/Cmd + "+" zooms, Cmd+S saves.
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [data-cue-bar]") || stopped()) return;
    var key = { " ": "toggle", ArrowRight: "next", ArrowLeft: "previous", s: "skip", S: "skip",
      "+": "add15", "=": "add15" }[event.key];
    if (!key || (state.phase === "countdown" && key !== "toggle")) return;
    event.preventDefault();
    actions[key]();
  });

  root.querySelectorAll("[data-setting]").forEach(function (input) {
    var name = input.getAttribute("data-setting");
    if (input.type === "checkbox") input.checked = Boolean(settings[name]);
    else input.value = String(settings[name]);
    // The slider applies while it moves, so the parent hears the new loudness at once.
    input.addEventListener(input.type === "range" ? "input" : "change", function () {
      settings[name] = input.type === "checkbox" ? input.checked : Number(input.value);
      saveSettings();
      if (name === "voice" && !settings.voice) stopVoice();
      if (voiceAudio) voiceAudio.volume = settings.volume;
    });
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      // Nobody is watching (the phone locked or the parent switched apps): pause, so no step
      // slips by unseen, and save where we are.
      if (state.phase === "running" || state.phase === "countdown") {
        state.phase = "paused";
        el.overlay.hidden = true;
        stopVoice();
        draw();
      }
      if (!stopped()) save(true);
    } else if (state.phase === "running" || state.phase === "paused") {
      keepAwake(); // the browser drops the lock when the page is hidden
    }
  });
  window.addEventListener("pagehide", function () { if (!stopped()) save(true); });

  listenToLockScreen();
  showStep();
  window.setInterval(tick, 200);
}
