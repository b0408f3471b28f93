// The cue bar: one tap logs a cue. The answer shows at once (no waiting for the network); the
// cue is saved in the background from an outbox kept in localStorage, with an id made here, so a
// double tap, a retry or a reload stores it exactly once. The baby-led rules run here too, from
// the parameters and words the server sends with the page (cues/rules.py, static/js/cues/rules.js).
// It talks to the player (static/js/player.js) by events on the player's element: cues:* from
// here, and player:finishing, which waits for the cues still on their way.
import { respond } from "./cues/rules.js";
import { errorText, outboxKey, postQueued } from "./lib/server.js";

const barNode = document.querySelector("[data-cue-bar]");
const configNode = document.getElementById("cue-rules");
const playerNode = document.querySelector("[data-player]");
if (barNode && configNode && playerNode) cueBar(barNode, JSON.parse(configNode.textContent), playerNode);

function cueBar(bar, config, player) {
  var OUTBOX_KEY = outboxKey(bar.getAttribute("data-session"));
  var UNDO_MS = 10000;
  var DOUBLE_TAP_MS = 800;
  var PLACEHOLDER = "00000000-0000-0000-0000-000000000000";
  var startedAt = Date.parse(bar.getAttribute("data-started-at"));
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
  var outbox = loadOutbox();
  var sending = false;
  var retryTimer = null;
  var backoff = 2000;
  var waiters = [];
  var held = null; // why the outbox is waiting, when the parent can do something about it
  var holding = false; // the toast is saying so

  // Ids -----------------------------------------------------------------------------------

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // The outbox: saved in order, one request at a time, retried until the server has it -------

  function loadOutbox() {
    var ops;
    try {
      ops = JSON.parse(window.localStorage.getItem(OUTBOX_KEY) || "[]");
    } catch (error) {
      ops = [];
    }
    ops.forEach(function (op) { op.url = op.url || urlFor(op); }); // queued by an older page
    return ops;
  }

  function storeOutbox() {
    try {
      if (outbox.length) window.localStorage.setItem(OUTBOX_KEY, JSON.stringify(outbox));
      else window.localStorage.removeItem(OUTBOX_KEY);
    } catch (error) { /* private mode: the outbox lasts for this page only */ }
    showWaiting();
  }

  // A small badge while the network is down and cues wait: nothing for the parent to do, they
  // go out by themselves once it is back.
  var unreachable = false; // the last send could not reach the server
  function showWaiting() {
    if (!el.badge) return;
    var cues = outbox.filter(function (op) { return op.type === "cue"; }).length;
    var offline = unreachable || navigator.onLine === false;
    el.badge.hidden = !(cues && offline);
    if (!el.badge.hidden) {
      el.badge.textContent = cues === 1 ? words.waitingOne : words.waitingMany.replace("{n}", String(cues));
    }
  }
  window.addEventListener("offline", showWaiting);
  showWaiting(); // cues left waiting by an earlier visit, with the phone still offline

  function enqueue(op) {
    op.url = urlFor(op); // app.js sends what is left over from any page, without the cue bar
    outbox.push(op);
    storeOutbox();
    send();
  }

  function ends(op) { return op.type === "respond" && op.body.response === "end"; }

  function urlFor(op) {
    if (op.type === "cue") return bar.getAttribute("data-create-url");
    var template = bar.getAttribute(op.type === "undo" ? "data-undo-url" : "data-respond-url");
    return template.replace(PLACEHOLDER, op.id);
  }

  // What became of a save: "saved", "refused" for good (sending it again would not help), or
  // "held" (logged out, a stale page, a login or error page instead of JSON): kept and retried.
  function outcome(response) {
    if (response.redirected) return Promise.resolve({ state: "held", message: words.logIn });
    return response.json().then(function (json) {
      return json;
    }, function () {
      return null;
    }).then(function (json) {
      var message = json ? errorText(json) : "";
      if (response.status === 401) return { state: "held", message: message || words.logIn };
      if (response.status === 403) return { state: "held", message: words.reload };
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        return { state: "held" }; // the server or the network, for a moment: retried quietly
      }
      if (response.ok) return json ? { state: "saved", json: json } : { state: "held", message: words.later };
      return { state: "refused", message: message || words.refused };
    });
  }

  function retryLater() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(send, backoff);
    backoff = Math.min(backoff * 2, 30000);
  }

  function send() {
    if (sending || !outbox.length) {
      if (!outbox.length) settle();
      return;
    }
    sending = true;
    var op = outbox[0];
    op.tried = true;
    storeOutbox();
    postQueued(op, false).then(outcome).then(function (result) {
      sending = false;
      unreachable = false;
      if (result.state === "held") {
        if (result.message) {
          op.tried = false; // refused at the door: certainly not stored
          hold(result.message);
        }
        retryLater();
        return;
      }
      outbox.shift();
      storeOutbox();
      backoff = 2000;
      if (result.state === "saved") {
        release();
        done(op, result.json);
      } else {
        refused(op, result.message);
      }
      send();
    }, function () {
      sending = false; // offline or the network dropped: kept, and tried again
      unreachable = true;
      showWaiting();
      retryLater();
    });
  }

  function settle() {
    var ready = waiters;
    waiters = [];
    ready.forEach(function (resolve) { resolve(); });
  }

  // Resolves when every cue on this page has reached the server.
  function flush() {
    if (!outbox.length) return Promise.resolve();
    window.clearTimeout(retryTimer);
    send();
    return new Promise(function (resolve) { waiters.push(resolve); });
  }
  // The player finishing the massage waits for these first: the server takes no cues once the
  // massage has ended.
  player.addEventListener("player:finishing", function (event) { event.detail.waitUntil(flush()); });

  function done(op, json) {
    if (op.type === "cue" && json.prompt && json.prompt.level === "pause" && !pausedBy) {
      // The server knew of cues this page did not (logged before a reload, or by the other
      // caregiver): its judgement stands.
      var cue = logged.find(function (c) { return c.id === op.id; });
      var pausedAlready = cue && cue.level === "pause";
      if (cue && !pausedAlready && !cue.undone && last && last.id === cue.id) {
        cue.level = "pause";
        openPause(cue, json.prompt);
      }
    }
    if (ends(op) && json.next) {
      window.location.assign(json.next);
    }
  }

  function retryNow() {
    if (sending || !outbox.length) return;
    backoff = 2000;
    send();
  }
  window.addEventListener("online", retryNow);
  // Back from logging in again in another tab, or from the lock screen.
  window.addEventListener("focus", retryNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") retryNow();
  });
  window.addEventListener("pagehide", function () {
    // Whatever is still waiting goes out with the page; the copy in localStorage is sent
    // again on the next visit (app.js, on any page), which the server recognises by id.
    outbox.forEach(function (op) { postQueued(op, true).catch(function () {}); });
  });

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
  function refused(op, message) {
    var cue = logged.find(function (c) { return c.id === op.id; });
    var endingToo = ends(op);
    if (op.type === "cue") {
      if (cue) cue.undone = true; // no longer counts toward the rules here
      endingToo = outbox.some(function (other) { return other.id === op.id && ends(other); });
      outbox = outbox.filter(function (other) { return other.id !== op.id; }); // its undo, its answer
      storeOutbox();
    }
    var label = op.type === "cue" && cue ? words.notSaved + ": " + config.cues[cue.kind].label : words.notSaved;
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
      body: { client_id: cue.id, kind: kind, step: player.getAttribute("data-current-step"), at: now.toISOString() },
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
    var waiting = outbox.findIndex(function (op) { return op.type === "cue" && op.id === target.id; });
    // A cue sent already may have been stored even if no answer came back: undo it there too.
    if (waiting >= 0 && !outbox[waiting].tried) {
      outbox.splice(waiting, 1); // never sent: nothing to take back on the server
      storeOutbox();
    } else {
      enqueue({ type: "undo", id: target.id, body: {} });
    }
    showToast(config.undone, "", "plain", false);
  }

  function answer(response) {
    var cue = pausedBy;
    closePause();
    if (!cue) return;
    var respondOp = { type: "respond", id: cue.id, body: { response: response } };
    if (response === "end") {
      // Progress first, so the time on the last step is saved before the massage ends: the
      // player hands over its last save on the way.
      var saves = [];
      player.dispatchEvent(new CustomEvent("cues:ending", {
        detail: { waitUntil: function (promise) { saves.push(promise); } },
      }));
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
      if (!outbox.length) return;
      event.preventDefault();
      var go = function () { window.location.assign(exit.href); };
      Promise.race([flush(), new Promise(function (resolve) { window.setTimeout(resolve, 4000); })]).then(go);
    });
  }

  send();
}
