// The guided massage player: timer, chime, voice, screen wake lock and background saving.
// The page works without this file as a plain step-by-step form; with it, every step of the
// routine is already on the page, so changing step never waits for the network.
(function () {
  "use strict";

  var root = document.querySelector("[data-player]");
  var dataNode = document.getElementById("player-data");
  if (!root || !dataNode) return;

  var data = JSON.parse(dataNode.textContent);
  var labels = data.labels;
  var steps = data.steps;
  var SETTINGS_KEY = "gentle-hands-player";
  var SAVE_EVERY_MS = 5000;
  var GET_READY_SECONDS = 3;

  var state = {
    index: Math.max(0, steps.findIndex(function (s) { return s.id === data.current; })),
    elapsed: Number(data.elapsed) || 0, // seconds spent on the current step
    extra: {}, // step id -> seconds added with "+15 s"
    visits: data.visits || {}, // step id -> [seconds, skipped]
    seq: data.seq || 0,
    phase: "ready", // ready | countdown | running | paused | done
    countdownLeft: 0,
    lastTick: Date.now(),
    lastSave: Date.now(),
    dirty: false,
    endedAt: null, // the step ran out while hands-free was off
  };
  var settings = loadSettings();
  var wakeLock = null;
  var voiceAudio = null;
  var chime = new Audio(root.getAttribute("data-chime-url"));
  chime.preload = "auto";

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
    completeForm: root.querySelector("[data-complete-form]"),
    csrf: root.querySelector("input[name=csrfmiddlewaretoken]"),
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
    var defaults = { handsFree: true, voice: true, volume: 0.8 };
    try {
      var saved = JSON.parse(window.localStorage.getItem(SETTINGS_KEY) || "{}");
      return Object.assign(defaults, saved);
    } catch (error) {
      return defaults;
    }
  }

  function saveSettings() {
    try {
      window.localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    } catch (error) { /* private mode: settings last for this page only */ }
  }

  function current() { return steps[state.index]; }

  function duration(step) { return step.seconds + (state.extra[step.id] || 0); }

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
  }

  // Sound and voice ------------------------------------------------------------------------

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

  function announce(step) {
    stopVoice();
    if (!settings.voice) return;
    if (step.narration) {
      voiceAudio = new Audio(step.narration);
      voiceAudio.volume = settings.volume;
      voiceAudio.play().catch(function () {});
      return;
    }
    speak(step.stroke + ". " + step.instruction);
  }

  // Keeping the screen on ------------------------------------------------------------------

  function keepAwake() {
    if (!("wakeLock" in navigator)) {
      el.wakeHint.hidden = false;
      return;
    }
    if (wakeLock) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { el.wakeHint.hidden = false; });
  }

  function letSleep() {
    if (wakeLock) wakeLock.release().catch(function () {});
    wakeLock = null;
  }

  // Saving progress in the background -------------------------------------------------------

  // One save at a time, so saves can't overtake each other; what changed meanwhile goes next.
  var inflight = null;
  var retryAt = 0;

  function save() {
    if (inflight) {
      state.dirty = true;
      return inflight;
    }
    state.seq += 1;
    state.dirty = false;
    state.lastSave = Date.now();
    var body = new FormData();
    body.append("seq", String(state.seq));
    body.append("step", String(current().id));
    body.append("elapsed", Math.min(state.elapsed, 3600).toFixed(1));
    var rounded = {};
    Object.keys(state.visits).forEach(function (key) {
      var v = state.visits[key];
      rounded[key] = [Math.min(3600, Math.round(v[0] * 10) / 10), Boolean(v[1])];
    });
    body.append("visits", JSON.stringify(rounded));
    var failed = false;
    inflight = fetch(root.getAttribute("data-progress-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-CSRFToken": el.csrf.value },
    }).then(function (response) {
      // 409: the session moved on elsewhere (another device, or it ended); nothing to redo.
      failed = !response.ok && response.status !== 409;
    }, function () {
      failed = true; // offline for now: the next save carries everything again
    }).then(function () {
      inflight = null;
      if (failed) {
        state.dirty = true;
        retryAt = Date.now() + SAVE_EVERY_MS;
        return null;
      }
      return state.dirty ? save() : null;
    });
    return inflight;
  }

  function saveIfDue(now) {
    if (now < retryAt) return;
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
    }
    save();
  }

  function finish() {
    state.phase = "done";
    stopVoice();
    playChime();
    letSleep();
    el.overlay.hidden = false;
    el.overlayCount.textContent = "";
    el.overlayText.textContent = labels.finishing;
    draw();
    // Cues still on their way go first: the server takes no cues once the massage has ended.
    var cues = root.cueFlush ? root.cueFlush() : Promise.resolve();
    var patience = new Promise(function (resolve) { window.setTimeout(resolve, 5000); });
    Promise.all([save(), Promise.race([cues, patience])]).then(function () { el.completeForm.submit(); });
  }

  function start() {
    state.phase = "countdown";
    state.countdownLeft = GET_READY_SECONDS;
    el.overlay.hidden = false;
    el.overlayText.textContent = labels.getReady;
    el.overlayCount.textContent = String(GET_READY_SECONDS);
    keepAwake();
    draw();
  }

  function toggle() {
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

  function tick() {
    var now = Date.now();
    var dt = Math.max(0, Math.min(5, (now - state.lastTick) / 1000));
    state.lastTick = now;
    if (state.phase === "countdown") {
      state.countdownLeft -= dt;
      el.overlayCount.textContent = String(Math.max(1, Math.ceil(state.countdownLeft)));
      if (state.countdownLeft <= 0) {
        el.overlay.hidden = true;
        state.phase = "running";
        announce(current());
        draw();
      }
      return;
    }
    if (state.phase !== "running") {
      if (state.dirty) saveIfDue(now);
      return;
    }
    var step = current();
    if (state.elapsed < duration(step)) {
      state.elapsed += dt;
      visit(step)[0] += dt;
    }
    if (state.elapsed >= duration(step)) {
      state.elapsed = duration(step);
      if (settings.handsFree) {
        goTo(state.index + 1, "auto");
        return;
      }
      if (!state.endedAt) {
        state.endedAt = now;
        playChime(); // time is up: the parent moves on when ready
      }
    }
    draw();
    saveIfDue(now);
  }

  // Input ----------------------------------------------------------------------------------

  var actions = {
    toggle: toggle,
    next: function () { goTo(state.index + 1, "next"); },
    previous: function () { goTo(state.index - 1, "previous"); },
    skip: function () { goTo(state.index + 1, "skip"); },
    add15: function () {
      var step = current();
      state.extra[step.id] = (state.extra[step.id] || 0) + 15;
      state.endedAt = null;
      draw();
    },
  };

  root.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target || state.phase === "done") return;
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
    if (state.phase === "done") return;
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

  root.addEventListener("cues:pause", pause);
  root.addEventListener("cues:skip-area", skipArea);
  root.addEventListener("cues:say", function (event) {
    if (!settings.voice || !settings.handsFree) return;
    stopVoice();
    speak(event.detail);
  });
  root.addEventListener("cues:ending", function () {
    state.phase = "done";
    stopVoice();
    letSleep();
    el.overlay.hidden = false;
    el.overlayCount.textContent = "";
    el.overlayText.textContent = labels.saving;
    draw();
  });
  root.saveProgress = function () { return state.phase === "done" ? Promise.resolve() : save(); };

  document.addEventListener("keydown", function (event) {
    if (event.target.closest("input, textarea, select, [data-cue-bar]") || state.phase === "done") return;
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
    input.addEventListener("change", function () {
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
      if (state.phase !== "done") save();
    } else if (state.phase === "running" || state.phase === "paused") {
      keepAwake(); // the browser drops the lock when the page is hidden
    }
  });
  window.addEventListener("pagehide", function () { if (state.phase !== "done") save(); });

  showStep();
  window.setInterval(tick, 200);
})();
