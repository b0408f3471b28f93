// The guided massage player: draws the step, and drives the chime, the voice, the screen wake
// lock, the lock screen and the background saves from what the timer (static/js/player/timer.js)
// says happened. The page works without this file as a plain step-by-step form; with it, every
// step's words are on the page and the other steps' pictures are fetched once at the start, so
// changing step never waits for the network.
// The cue bar (static/js/cues.js) talks to it by events on the player's element.
import { clock, createTimer } from "./player/timer.js";
import { csrfToken } from "./lib/server.js";
import { flush, queue, startedAs } from "./lib/outbox.js";

const rootNode = document.querySelector("[data-player]");
const dataNode = document.getElementById("player-data");
if (rootNode && dataNode) player(rootNode, JSON.parse(dataNode.textContent));

function player(root, data) {
  // A massage started on this phone with no network (static/js/keep.js): its id is after the #,
  // and the time it began was kept with it. Without them there is nothing to play here.
  var offlineStart = root.getAttribute("data-offline-start");
  if (offlineStart) {
    var begun = startedOnThisPhone(window.location.hash.slice(1));
    if (!begun) {
      window.location.replace(offlineStart);
      return;
    }
    data.session = begun.id;
    root.setAttribute("data-session", begun.id);
    root.setAttribute("data-started-at", begun.at);
  }
  var labels = data.labels;
  var speech = data.speech || { lang: "en", countdown: {}, noVoice: "" };
  var steps = data.steps;
  var limits = data.limits;
  // A step's words are on the page already, so the server does not send them twice.
  steps.forEach(function (step) {
    var section = root.querySelector('[data-step-id="' + step.id + '"]');
    function text(selector) {
      var node = section && section.querySelector(selector);
      return node ? node.textContent : "";
    }
    // A text with a lang of its own stands in for a missing translation.
    function lang(selector) {
      var node = section && section.querySelector(selector);
      return (node && node.getAttribute("lang")) || "";
    }
    step.stroke = text("h1");
    step.instruction = text(".player-instruction");
    step.caution = text(".caution");
    step.langs = { stroke: lang("h1"), instruction: lang(".player-instruction"), caution: lang(".caution") };
  });
  var SETTINGS_KEY = "gentle-hands-player";
  var USER = document.body.getAttribute("data-user");
  // A massage started on this phone with no network has the phone's id until the server has it:
  // everything about it goes through the outbox.
  var startedHere = typeof data.session === "string";
  var unreachable = startedHere; // the last save could not reach the server
  var SAVE_EVERY_MS = 5000;

  var state = {
    seq: data.seq || 0,
    savedStep: data.current, // where the last save that the server took left the session
    conflicts: 0, // refused saves in a row
    lastTick: Date.now(),
    lastSave: Date.now(),
    dirty: false,
  };
  // The last progress this page sent, kept in the browser: a reload can be drawn before the
  // leaving page's last save has reached the server, and then this is newer than the page.
  var PROGRESS_KEY = "gentle-hands-progress-" + data.session;
  var resume = resumePoint();
  var settings = loadSettings();
  // Which step, how far into it, and the phase: ready | countdown (the "get ready") | running |
  // paused | done | gone (moved on elsewhere).
  var timer = createTimer({
    steps: steps,
    index: resume.index,
    elapsed: resume.elapsed, // seconds spent on the current step
    extra: resume.extra, // step id -> seconds added with "+15 s"
    visits: resume.visits, // step id -> [seconds, skipped]
    maxExtra: limits.maxExtra,
    settings: settings,
  });
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
  function resumePoint() {
    var drawn = {
      index: Math.max(0, steps.findIndex(function (s) { return s.id === data.current; })),
      elapsed: Number(data.elapsed) || 0,
      extra: data.extra || {},
      visits: data.visits || {},
    };
    var kept = readKept();
    if (!kept || !(Number(kept.seq) > state.seq)) {
      forgetKept();
      return drawn;
    }
    var index = steps.findIndex(function (s) { return String(s.id) === String(kept.step); });
    if (index < 0) return drawn;
    state.seq = Number(kept.seq);
    state.savedStep = kept.step;
    return { index: index, elapsed: Number(kept.elapsed) || 0, visits: kept.visits || {}, extra: kept.extra || {} };
  }

  function saveSettings() {
    try {
      window.localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    } catch (error) { /* private mode: settings last for this page only */ }
  }

  function current() { return timer.step; }

  function duration(step) { return timer.duration(step); }

  // The most time the server takes for a step (see step_seconds_cap in sessions/models.py).
  function cap(step) {
    return Math.min(limits.maxSeconds, duration(step) * limits.factor + limits.margin);
  }

  function stepById(id) {
    return steps.find(function (s) { return String(s.id) === String(id); });
  }

  // Drawing --------------------------------------------------------------------------------

  // The page draws only the current step's picture (and any photo); the others come from a
  // file per version of the routine that the browser keeps, so a repeat visit skips them.
  var figures = null;

  function loadFigures() {
    var url = root.getAttribute("data-figures-url");
    if (figures || !url) return;
    figures = fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("figures: " + response.status);
        return response.text();
      })
      .then(function (html) {
        var file = new DOMParser().parseFromString(html, "text/html");
        file.querySelectorAll("[data-figure-for]").forEach(function (figure) {
          var section = root.querySelector('[data-step-id="' + figure.getAttribute("data-figure-for") + '"]');
          var slot = section && section.querySelector(".player-figure");
          if (!slot || slot.querySelector("svg, img")) return;
          slot.prepend.apply(slot, Array.prototype.map.call(figure.childNodes, function (node) {
            return document.importNode(node, true);
          }));
        });
      })
      .catch(function () { figures = null; }); // tried again at the next change of step
  }

  function showStep() {
    var step = current();
    loadFigures();
    el.sections.forEach(function (section) {
      section.hidden = Number(section.getAttribute("data-step-id")) !== step.id;
    });
    // The cue bar reads which step a cue belongs to from here.
    root.setAttribute("data-current-step", String(step.id));
    el.position.textContent = format(labels.stepOf, { k: timer.index + 1, n: steps.length });
    var following = steps[timer.index + 1];
    el.next.textContent = following ? format(labels.next, { name: following.stroke }) : labels.lastStep;
    draw();
  }

  function draw() {
    var step = current();
    var remaining = timer.remaining;
    el.count.textContent = clock(remaining);
    if (step.repetitions) {
      var per = step.secondsPerRepetition || 1;
      var k = Math.min(step.repetitions, Math.floor(timer.elapsed / per) + 1);
      el.countLabel.textContent = format(labels.repOf, { k: k, n: step.repetitions });
    } else {
      el.countLabel.textContent = "";
    }
    var later = 0;
    for (var i = timer.index + 1; i < steps.length; i += 1) later += duration(steps[i]);
    el.timeLeft.textContent = format(labels.left, {
      t: format(labels.minutes, { n: Math.max(1, Math.round((remaining + later) / 60)) }),
    });
    el.progress.value = timer.index + Math.min(1, timer.elapsed / Math.max(1, duration(step)));
    var label = labels.pause;
    if (timer.phase === "ready") label = timer.index > 0 || timer.elapsed > 0 ? labels.continue : labels.start;
    if (timer.phase === "paused") label = labels.resume;
    el.toggleLabel.textContent = label;
    root.setAttribute("data-phase", timer.phase);
    root.querySelectorAll("[data-paused-badge]").forEach(function (badge) {
      badge.hidden = timer.phase !== "paused";
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
    mediaSession.playbackState = timer.phase === "running" || timer.phase === "countdown" ? "playing" : "paused";
    if (mediaSession.setPositionState) {
      try {
        mediaSession.setPositionState({
          duration: duration(step),
          position: Math.min(timer.elapsed, duration(step)),
          playbackRate: 1,
        });
      } catch (error) { /* a browser that refuses the numbers shows no position */ }
    }
  }

  function listenToLockScreen() {
    if (!mediaSession) return;
    var handlers = {
      play: function () { if (timer.phase === "ready" || timer.phase === "paused") toggle(); },
      pause: function () { if (timer.phase === "running" || timer.phase === "countdown") toggle(); },
      nexttrack: function () { actions.next(); },
      previoustrack: function () { actions.previous(); },
    };
    Object.keys(handlers).forEach(function (action) {
      try {
        mediaSession.setActionHandler(action, function () {
          if (!stopped() && timer.phase !== "countdown") handlers[action]();
          else if (action === "pause" && timer.phase === "countdown") handlers[action]();
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

  // "3, 2, 1" in the last seconds of a step going by itself (the timer says when, unless turned
  // off); not over words still being read.
  function countDown(n) {
    el.count.classList.remove("player-count-tick");
    void el.count.offsetWidth;
    el.count.classList.add("player-count-tick");
    var busy = "speechSynthesis" in window && window.speechSynthesis.speaking;
    if (settings.voice && !busy && !voiceAudio) speak(speech.countdown[String(n)] || String(n));
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

  // The page's language (<html lang> if it names it, else the server's). A phone listing no
  // voice for it reads nothing (another language's voice would mangle the words) and says so.
  function baseLang(tag) { return String(tag || "").toLowerCase().split("-")[0]; }
  var docLang = document.documentElement.lang;
  var pageLang = baseLang(docLang) === baseLang(speech.lang) ? docLang : speech.lang;
  var voiceHint = root.querySelector("[data-voice-hint]");

  // A voice for the language; undefined while the browser lists none (some list them only
  // after "voiceschanged"), null when it lists others only.
  function voiceFor(tag) {
    var voices = "speechSynthesis" in window ? window.speechSynthesis.getVoices() || [] : [];
    if (!voices.length) return undefined;
    var matching = voices.filter(function (v) { return baseLang(v.lang) === baseLang(tag); });
    return matching.filter(function (v) { return v.lang === tag || v.default; })[0] || matching[0] || null;
  }

  function showVoiceHint() {
    var missing = voiceFor(pageLang) === null;
    if (voiceHint) voiceHint.textContent = missing ? speech.noVoice : "";
    if (voiceHint) voiceHint.hidden = !missing;
  }
  if ("speechSynthesis" in window && window.speechSynthesis.addEventListener) {
    window.speechSynthesis.addEventListener("voiceschanged", showVoiceHint);
  }
  showVoiceHint();

  function speak(text, tag) {
    if (!("speechSynthesis" in window)) return;
    tag = tag || pageLang;
    var voice = voiceFor(tag);
    if (voice === null) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = tag;
    try {
      if (voice) utterance.voice = voice;
    } catch (error) { /* a stand-in voice (tests): the lang picks one */ }
    utterance.volume = settings.volume;
    utterance.rate = 0.95;
    window.speechSynthesis.speak(utterance);
  }

  // A step's name, instruction and caution, one utterance per language (an English text standing
  // in for a missing translation is read as English).
  function words(step) {
    var parts = [];
    [["stroke", step.stroke && step.stroke + "."], ["instruction", step.instruction],
      ["caution", step.caution]].forEach(function (part) {
      if (!part[1]) return;
      var tag = step.langs[part[0]] || pageLang;
      var last = parts[parts.length - 1];
      if (last && last.lang === tag) last.text += " " + part[1];
      else parts.push({ text: part[1], lang: tag });
    });
    return parts;
  }

  function speakWords(step) {
    words(step).forEach(function (part) { speak(part.text, part.lang); });
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
        if (step.caution && settings.voice) speak(step.caution, step.langs.caution || pageLang);
      });
      // A recording the browser can't play (its format, or the file is gone): read the words
      // instead, unless the player stopped it on purpose (AbortError) or moved on meanwhile.
      audio.play().catch(function (error) {
        if (voiceAudio === audio && error.name !== "AbortError") speakWords(step);
      });
      return;
    }
    speakWords(step);
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
    var visits = timer.visits;
    var extra = timer.extra;
    keep({ seq: state.seq, step: sentStep, elapsed: timer.elapsed, visits: visits, extra: extra });
    var body = new FormData();
    body.append("seq", String(state.seq));
    body.append("step", String(sentStep));
    body.append("elapsed", Math.min(timer.elapsed, cap(current())).toFixed(1));
    var rounded = {};
    Object.keys(visits).forEach(function (key) {
      var v = visits[key];
      var step = stepById(key);
      var most = step ? cap(step) : limits.maxSeconds;
      rounded[key] = [Math.min(most, Math.round(v[0] * 10) / 10), Boolean(v[1]), extra[key] || 0];
    });
    body.append("visits", JSON.stringify(rounded));
    if (unreachable) return queueProgress(body);
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
      failed = true; // offline for now: the outbox keeps it, and the next save carries on
      unreachable = true;
      return queueProgress(body);
    }).then(function () {
      if (inflight !== request) return null; // a later save went out meanwhile: it carries on
      inflight = null;
      if (failed) {
        state.dirty = true;
        retryAt = Date.now() + SAVE_EVERY_MS;
        return null;
      }
      return state.dirty && timer.phase !== "gone" ? save() : null;
    });
    inflight = request;
    return request;
  }

  // With no network, progress waits in the outbox: only the latest of this massage is kept
  // there, and it goes before anything queued after it (a finish).
  function queueProgress(body) {
    var item = {
      type: "progress",
      session: data.session,
      seq: Number(body.get("seq")),
      step: Number(body.get("step")),
      elapsed: Number(body.get("elapsed")),
      visits: JSON.parse(body.get("visits")),
    };
    return queue(USER, item).then(function () {
      state.savedStep = item.step;
      return null;
    }, function () { return null; });
  }

  // The network is back (the outbox got through): saves go straight to the server again.
  window.addEventListener("outbox:flushed", function (event) {
    if (event.detail.state === "empty" && !startedHere) unreachable = false;
    if (event.detail.state === "offline" && timer.phase === "done") {
      el.overlayText.textContent = labels.savedHere;
    }
  });

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
    if (timer.phase === "done") return; // finishing anyway: the summary tells the rest
    halt("gone");
    el.conflictBanner.hidden = false;
  }

  function saveIfDue(now) {
    if (now < retryAt || timer.phase === "gone") return;
    if (state.dirty || now - state.lastSave >= SAVE_EVERY_MS) save();
  }

  // Moving through the routine --------------------------------------------------------------

  // What the timer says happened, in order: drawn, heard and saved here.
  function handle(events) {
    events.forEach(function (event) {
      if (event.type === "get-ready") getReady(event.n);
      else if (event.type === "digit") el.overlayCount.textContent = String(event.n);
      else if (event.type === "go") {
        el.overlay.hidden = true;
        announce(steps[event.index]);
      } else if (event.type === "count") countDown(event.n);
      else if (event.type === "step") moved(event);
      else if (event.type === "time-up") playChime(); // the parent moves on when ready
      else if (event.type === "finished") finish();
      else if (event.type === "paused") {
        el.overlay.hidden = true;
        stopVoice();
      } else if (event.type === "resumed") keepAwake();
    });
  }

  function moved(event) {
    showStep();
    if (timer.phase === "running" || event.how === "auto") {
      playChime();
      announce(steps[event.index]);
      signalNewStep();
    }
    save();
  }

  // The player stops for good: the massage is ending ("done", saying so over the player) or
  // went on elsewhere ("gone").
  function halt(phase, overlayText) {
    timer.stop(phase);
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
    Promise.all([save(), Promise.race([Promise.all(cues), patience])]).then(function () {
      if (!unreachable) {
        el.completeForm.submit();
        return;
      }
      // No network: the end waits in the outbox after the last progress, and the summary
      // opens once it has gone.
      queue(USER, { type: "finish", session: data.session, outcome: "completed", at: new Date().toISOString() })
        .then(sendTheEnd, sendTheEnd);
    });
  }

  function sendTheEnd() {
    flush(USER).then(function (outcome) {
      if (outcome.state === "empty") {
        toSummary();
        return;
      }
      el.overlayText.textContent = labels.savedHere;
      var again = function () {
        window.removeEventListener("online", again);
        sendTheEnd();
      };
      window.addEventListener("online", again);
    });
  }

  function toSummary() {
    // The summary's address is the progress's, one word along (sessions/urls.py).
    var url = root.getAttribute("data-progress-url").replace(/progress\/$/, "summary/");
    if (!startedHere) {
      window.location.assign(url);
      return;
    }
    startedAs(USER, data.session).then(function (pk) {
      window.location.assign(pk ? url.replace("/0/", "/" + pk + "/") : "/");
    });
  }
  // A baby-led end, once the server has it (static/js/cues.js).
  root.addEventListener("cues:ended", toSummary);

  // The "get ready" before a step runs: from the Start tap, or after skipping a body area.
  function getReady(n) {
    primeAudio();
    el.overlay.hidden = false;
    el.overlayText.textContent = labels.getReady;
    el.overlayCount.textContent = String(n);
    keepAwake();
    draw();
  }

  function toggle() {
    heldForCues = false;
    var events = timer.toggle();
    handle(events);
    if (events.some(function (event) { return event.type === "paused"; })) save();
    draw();
  }

  // The time since the last tick goes to the timer: to the "get ready", then to the step, and
  // what a step or the "get ready" did not need carries over to the next one.
  function tick() {
    var now = Date.now();
    var dt = Math.max(0, Math.min(5, (now - state.lastTick) / 1000));
    state.lastTick = now;
    if (timer.phase !== "countdown" && timer.phase !== "running") {
      if (state.dirty) saveIfDue(now);
      return;
    }
    handle(timer.advance(dt));
    if (timer.phase !== "running") return; // still getting ready, finished, or stopped
    draw();
    saveIfDue(now);
  }

  // Input ----------------------------------------------------------------------------------

  var actions = {
    toggle: toggle,
    next: function () { handle(timer.next()); },
    previous: function () { handle(timer.previous()); },
    skip: function () { handle(timer.skip()); },
    add15: function () {
      timer.extend(15);
      draw();
      save();
    },
  };

  function stopped() { return timer.stopped(); }

  root.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action]");
    if (!target || stopped()) return;
    var action = actions[target.getAttribute("data-action")];
    if (!action) return;
    if (timer.phase === "countdown" && target.getAttribute("data-action") !== "toggle") return;
    event.preventDefault();
    action();
  });

  // What the cue bar (static/js/cues.js) asks of the player.
  function pause() {
    var events = timer.pause();
    if (!events.length) return;
    handle(events);
    draw();
    save();
  }

  // Skips what is left of this body area, then a short "get ready", and hands-free again.
  function skipArea() {
    if (!stopped()) handle(timer.skipArea());
  }

  // "More cues" open: the massage waits, and goes on when it closes, if it was going before.
  var heldForCues = false;
  root.addEventListener("cues:hold", function () {
    if (timer.phase !== "running") return;
    heldForCues = true;
    handle(timer.pause());
    draw();
    save();
  });
  root.addEventListener("cues:release", function () {
    if (!heldForCues) return;
    heldForCues = false;
    if (timer.phase !== "paused") return;
    handle(timer.resume());
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
    if (!key || (timer.phase === "countdown" && key !== "toggle")) return;
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
      timer.configure(settings);
      if (name === "voice" && !settings.voice) stopVoice();
      if (voiceAudio) voiceAudio.volume = settings.volume;
    });
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      // Nobody is watching (the phone locked or the parent switched apps): pause, so no step
      // slips by unseen, and save where we are.
      var events = timer.pause();
      if (events.length) {
        handle(events);
        draw();
      }
      if (!stopped()) save(true);
    } else if (timer.phase === "running" || timer.phase === "paused") {
      keepAwake(); // the browser drops the lock when the page is hidden
    }
  });
  window.addEventListener("pagehide", function () { if (!stopped()) save(true); });

  listenToLockScreen();
  showStep();
  window.setInterval(tick, 200);
}

// What the start page kept of a massage it started with no network (static/js/keep.js).
function startedOnThisPhone(id) {
  if (!/^[0-9a-f-]{36}$/.test(id)) return null;
  try {
    var begun = JSON.parse(window.localStorage.getItem("gentle-hands-started-" + id) || "null");
    return begun && begun.at ? { id: id, at: begun.at } : null;
  } catch (error) {
    return null;
  }
}
