// The cue bar: one tap logs a cue. The answer shows at once (no waiting for the network); the
// cue is saved in the background from the phone's outbox (static/js/lib/outbox.js, in
// IndexedDB), with an id made here, so a double tap, a retry, a reload or a day offline stores
// it exactly once. The baby-led rules run here too, from the parameters and words the server
// sends with the page (cues/rules.py, static/js/cues/rules.js).
// It talks to the player (static/js/player.js) by events on the player's element: cues:* from
// here, and player:finishing, which waits for the cues still on their way.
import { respond } from "./cues/rules.js";
import { beacon, flush, newId, queue, ready, undoCue, waiting } from "./lib/outbox.js";

const barNode = document.querySelector("[data-cue-bar]");
const configNode = document.getElementById("cue-rules");
const playerNode = document.querySelector("[data-player]");
if (barNode && configNode && playerNode) cueBar(barNode, JSON.parse(configNode.textContent), playerNode);

function cueBar(bar, config, player) {
  var USER = document.body.getAttribute("data-user");
  // The massage's id on the server, or the phone's own for one started with no network.
  var ref = player.getAttribute("data-session") || bar.getAttribute("data-session");
  var SESSION = /^[0-9]+$/.test(ref) ? Number(ref) : ref;
  var UNDO_MS = 10000;
  var DOUBLE_TAP_MS = 800;
  var startedAt = Date.parse(player.getAttribute("data-started-at") || bar.getAttribute("data-started-at"));
  var words = config.saving; // what to say when a save fails (cues/templatetags/cue_bar.py)

  var el = {
    more: bar.querySelector("[data-cue-more]"),
    toast: bar.querySelector("[data-cue-toast]"),
    badge: bar.querySelector("[data-outbox-badge]"),
    toastLabel: bar.querySelector("[data-cue-toast-label]"),
    toastMessage: bar.querySelector("[data-cue-toast-message]"),
    toastUndo: bar.querySelector(".cue-toast [data-cue-undo]"),
    pause: bar.querySelector("[data-cue-pause]"),
    pauseTitle: bar.querySelector("[data-cue-pause-title]"),
    pauseText: bar.querySelector("[data-cue-pause-text]"),
  };

  var logged = []; // cues of this page: {id, kind, seconds, undone}
  var last = null; // the cue undo would take back, with the time it was tapped
  var pausedBy = null; // the cue whose pause dialog is open
  var toastTimer = null;
  var pending = []; // this massage's items still in the outbox, as last read
  var known = false; // the outbox has been read once
  var sending = false;
  var retryTimer = null;
  var backoff = 2000;
  var waiters = [];
  var held = null; // why the outbox is waiting, when the parent can do something about it
  var holding = false; // the toast is saying so
  var ending = null; // the cue whose "end here" is on its way

  function ours(item) { return String(item.session) === String(SESSION); }

  window.addEventListener("outbox:changed", function (event) {
    if (event.detail.user !== USER) return;
    known = true;
    pending = event.detail.items.filter(ours);
    showWaiting();
    if (!pending.length) settle();
  });

  window.addEventListener("outbox:answered", function (event) {
    var item = event.detail.item;
    var result = event.detail.result;
    if (!ours(item)) return;
    if (result.status === "refused") {
      refused(item, result.reason || words.refused);
      return;
    }
    release();
    if (item.type === "cue") serverJudged(item, result.prompt);
    if (item.type === "response" && item.response === "end") {
      player.dispatchEvent(new CustomEvent("cues:ended"));
    }
  });

  // The server knew of cues this page did not (logged before a reload, or by the other
  // caregiver): when it says pause for the cue just tapped, its judgement stands.
  function serverJudged(item, prompt) {
    if (!prompt || prompt.level !== "pause" || pausedBy) return;
    var cue = logged.find(function (c) { return c.id === item.id; });
    if (!cue || cue.level === "pause" || cue.undone || !last || last.id !== cue.id) return;
    cue.level = "pause";
    openPause(cue, prompt);
  }

  // A small badge while the network is down and cues wait: nothing for the parent to do, they
  // go out by themselves once it is back.
  var unreachable = false; // the last send could not reach the server
  function showWaiting() {
    if (!el.badge) return;
    var cues = pending.filter(function (item) { return item.type === "cue"; }).length;
    var offline = unreachable || navigator.onLine === false;
    el.badge.hidden = !(cues && offline);
    if (!el.badge.hidden) {
      el.badge.textContent = cues === 1 ? words.waitingOne : words.waitingMany.replace("{n}", String(cues));
    }
  }
  window.addEventListener("offline", showWaiting);

  function enqueue(item) {
    item.session = SESSION;
    queue(USER, item).then(send, function () { /* no IndexedDB (a private window): not kept */ });
  }

  function retryLater() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(send, backoff);
    backoff = Math.min(backoff * 2, 30000);
  }

  // The outbox goes out in order, one request at a time (lib/outbox.js), until nothing waits.
  function send() {
    if (sending) return;
    sending = true;
    flush(USER).then(function (outcome) {
      sending = false;
      if (outcome.state === "empty") {
        unreachable = false;
        backoff = 2000;
        release();
        showWaiting();
        settle();
        return;
      }
      if (outcome.state === "offline") {
        unreachable = true; // offline or the network dropped: kept, and tried again
        showWaiting();
      } else if (outcome.why) {
        hold(words[outcome.why]); // logged out, or a stale page: kept until it can go
      }
      retryLater();
    });
  }

  function settle() {
    if (!known || pending.length) return;
    var ready = waiters;
    waiters = [];
    ready.forEach(function (resolve) { resolve(); });
  }

  // Resolves when every cue of this massage has reached the server.
  function flushCues() {
    if (known && !pending.length) return Promise.resolve();
    window.clearTimeout(retryTimer);
    var done = new Promise(function (resolve) { waiters.push(resolve); });
    send();
    return done;
  }
  // The player finishing the massage waits for these first: the server takes no cues once the
  // massage has ended.
  player.addEventListener("player:finishing", function (event) { event.detail.waitUntil(flushCues()); });

  function retryNow() {
    if (sending || !pending.length) return;
    backoff = 2000;
    send();
  }
  window.addEventListener("online", retryNow);
  // Back from logging in again in another tab, or from the lock screen.
  window.addEventListener("focus", retryNow);
  window.addEventListener("pageshow", retryNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") retryNow();
  });
  // Whatever is still waiting goes out with the page; it stays in the outbox, and is sent
  // again on the next visit, which the server recognises.
  window.addEventListener("pagehide", function () { beacon(USER); });

  // Showing the answer ----------------------------------------------------------------------

  function say(text) {
    player.dispatchEvent(new CustomEvent("cues:say", { detail: text }));
  }

  function fillToast(label, message, tone, undoable) {
    window.clearTimeout(toastTimer);
    el.toastLabel.textContent = label;
    el.toastMessage.textContent = message;
    el.toast.setAttribute("data-tone", tone);
    el.toastUndo.hidden = !undoable;
    el.toast.hidden = false;
  }

  function showToast(label, message, tone, undoable, lasts) {
    fillToast(label, message, tone, undoable);
    holding = false;
    toastTimer = window.setTimeout(function () {
      el.toast.hidden = true;
      if (held) hold(held);
    }, lasts || (undoable ? UNDO_MS : 2500));
  }

  function openPause(cue, prompt) {
    pausedBy = cue;
    player.dispatchEvent(new CustomEvent("cues:pause"));
    el.pauseTitle.textContent = config.pauseTitle.replace("%(cue)s", config.cues[cue.kind].label);
    el.pauseText.textContent = prompt.message;
    el.pause.hidden = false;
    el.toast.hidden = true;
    el.pause.querySelector("[data-cue-response]").focus();
    say(prompt.message);
  }

  // A save that keeps failing for a reason the parent can fix says so until it goes through.
  function hold(message) {
    held = message;
    // Not over a cue's own answer (its undo) or the pause: shown when that goes.
    if (pausedBy || (!el.toast.hidden && !holding)) return;
    holding = true;
    fillToast("", message, "gentle", false);
  }

  function release() {
    held = null;
    if (!holding) return;
    holding = false;
    el.toast.hidden = true;
  }

  // The server will never take this one: the parent was told "noted", so say it was not saved.
  // (The outbox drops a refused cue's undo and answer itself: they would be refused too.)
  function refused(item, message) {
    var cue = logged.find(function (c) { return c.id === item.id; });
    var endingToo = ending !== null && item.id === ending && (item.type === "cue" || item.type === "response");
    if (item.type === "cue" && cue) cue.undone = true; // no longer counts toward the rules here
    var label = item.type === "cue" && cue ? words.notSaved + ": " + config.cues[cue.kind].label : words.notSaved;
    showToast(label, message, "gentle", false, 8000);
    say(message);
    if (endingToo) {
      // The player is already showing "saving": let the server's page say where things stand.
      window.setTimeout(function () { window.location.reload(); }, 4000);
    }
  }

  function closePause() {
    el.pause.hidden = true;
    pausedBy = null;
    if (held && el.toast.hidden) hold(held);
  }

  function flash(button) {
    if (!button) return;
    button.classList.remove("cue-flash");
    void button.offsetWidth; // restart the animation on a second tap
    button.classList.add("cue-flash");
  }

  // Logging ---------------------------------------------------------------------------------

  function log(kind, button) {
    var now = new Date();
    if (last && last.cue.kind === kind && now.getTime() - last.at < DOUBLE_TAP_MS) {
      flash(button); // a double tap is one cue
      return;
    }
    var cue = {
      id: newId(),
      kind: kind,
      seconds: Math.max(0, (now.getTime() - startedAt) / 1000),
      undone: false,
    };
    var earlier = logged.filter(function (c) { return !c.undone; }).map(function (c) { return [c.kind, c.seconds]; });
    logged.push(cue);
    last = { id: cue.id, cue: cue, at: now.getTime() };
    var prompt = respond(config, kind, cue.seconds, earlier);
    cue.level = prompt.level;
    flash(button);
    if (prompt.level === "pause") openPause(cue, prompt);
    else {
      var tone = prompt.level === "acknowledge" ? "happy" : "gentle";
      showToast(config.cues[kind].label, prompt.message, tone, true);
      if (prompt.level === "slow_down") say(prompt.message);
    }
    enqueue({
      type: "cue",
      id: cue.id,
      kind: kind,
      step: Number(player.getAttribute("data-current-step")),
      at: now.toISOString(),
    });
  }

  function undo() {
    if (!last || Date.now() - last.at > UNDO_MS) {
      el.toast.hidden = true;
      closePause();
      return;
    }
    var target = last;
    last = null;
    target.cue.undone = true;
    closePause();
    // A cue never sent just leaves the outbox; one sent already may have been stored even if
    // no answer came back: it is taken back there too, with the time of the tap.
    undoCue(USER, { type: "undo", id: target.id, session: SESSION, at: new Date().toISOString() })
      .then(function (dropped) { if (!dropped) send(); }, function () {});
    showToast(config.undone, "", "plain", false);
  }

  function answer(response) {
    var cue = pausedBy;
    closePause();
    if (!cue) return;
    var respondOp = { type: "response", id: cue.id, response: response, at: new Date().toISOString() };
    if (response === "end") {
      // Progress first, so the time on the last step is saved before the massage ends: the
      // player hands over its last save on the way.
      var saves = [];
      player.dispatchEvent(new CustomEvent("cues:ending", {
        detail: { waitUntil: function (promise) { saves.push(promise); } },
      }));
      ending = cue.id;
      Promise.all(saves).then(function () { enqueue(respondOp); });
      return;
    }
    enqueue(respondOp);
    if (response === "skip_area") {
      player.dispatchEvent(new CustomEvent("cues:skip-area"));
    } else if (response === "comfort") {
      showToast("", config.comfortHint, "plain", false);
    }
  }

  bar.addEventListener("click", function (event) {
    var cueButton = event.target.closest("[data-cue]");
    if (cueButton) {
      event.preventDefault();
      log(cueButton.getAttribute("data-cue"), cueButton);
      if (el.more.open && el.more.contains(cueButton)) el.more.open = false;
      return;
    }
    if (event.target.closest("[data-cue-undo]")) {
      event.preventDefault();
      undo();
      return;
    }
    var responseButton = event.target.closest("[data-cue-response]");
    if (responseButton) {
      event.preventDefault();
      answer(responseButton.getAttribute("data-cue-response"));
    }
  });

  // "More cues" holds the massage while it is open (the list says so), and one tap anywhere
  // outside closes it, doing nothing else.
  el.more.addEventListener("toggle", function () {
    player.dispatchEvent(new CustomEvent(el.more.open ? "cues:hold" : "cues:release"));
  });
  document.addEventListener("click", function (event) {
    if (!el.more.open || el.more.contains(event.target)) return;
    event.preventDefault();
    event.stopPropagation();
    el.more.open = false;
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (el.more.open) el.more.open = false;
    else if (pausedBy) answer("comfort"); // closing the pause: comfort, and go on when ready
  });

  // Leaving by the "End" link: first make sure the cues are saved (for a few seconds at most).
  var exit = player.querySelector(".player-exit");
  if (exit) {
    exit.addEventListener("click", function (event) {
      if (known && !pending.length) return;
      event.preventDefault();
      var go = function () { window.location.assign(exit.href); };
      Promise.race([flushCues(), new Promise(function (resolve) { window.setTimeout(resolve, 4000); })]).then(go);
    });
  }

  // Anything left from an earlier visit (or moved from the old localStorage outbox) goes first.
  ready(USER).then(function () { return waiting(USER); }).then(send, function () {});
}
