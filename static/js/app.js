// Small page helpers that only a browser can do. Every page works without this file.
import { errorText, outboxKey, postQueued } from "./lib/server.js";

const user = document.body.getAttribute("data-user");

// Tell the server the phone's time zone, so times read as the family's own clock.
try {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var saved = document.cookie.split("; ").find(function (c) { return c.indexOf("tz=") === 0; });
  if (zone && /^[\w+\-/]+$/.test(zone) && (!saved || saved.slice(3) !== zone)) {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
} catch (error) { /* an old browser: the site's time zone is used */ }

// "Copy" buttons next to read-only fields (the invitation link).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy-target"));
  if (!field) return;
  var done = function () {
    button.textContent = button.getAttribute("data-copied-label") || button.textContent;
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () {
      field.select();
    });
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});

// Share the invitation link with the phone's own share sheet where there is one.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-share-url]");
  if (!button || !navigator.share) return;
  navigator.share({ title: button.getAttribute("data-share-title") || "", url: button.getAttribute("data-share-url") })
    .catch(function () {});
});
document.querySelectorAll("[data-share-url]").forEach(function (button) {
  if (navigator.share) button.hidden = false;
});

// Cues still waiting in an outbox from a player that was closed (static/js/cues.js) go out
// from whatever page opens next, in order. The player sends its own massage's cues itself.
// Only the signed-in person's own outboxes: another caregiver's wait for them to log in here.
var PREFIX = outboxKey("");
var bar = document.querySelector("[data-cue-bar]");
var own = bar ? outboxKey(bar.getAttribute("data-session")) : null;
// The words, in the page's language, from the server (templates/base.html).
var words = document.querySelector("script[data-app-words]");
function word(name) {
  return words ? words.getAttribute(name) || "" : "";
}
var NOT_SAVED = {
  cue: word("data-cue-not-saved"),
  undo: word("data-undo-not-saved"),
  respond: word("data-response-not-saved"),
};

function tell(text) {
  var main = document.getElementById("main");
  if (!main || !text) return;
  var box = document.createElement("div");
  box.className = "messages";
  box.setAttribute("role", "status");
  var line = document.createElement("p");
  line.className = "message message-warning";
  line.textContent = text;
  box.appendChild(line);
  main.insertBefore(box, main.firstChild);
}

function drop(key, op) {
  try {
    var left = JSON.parse(window.localStorage.getItem(key) || "[]").filter(function (other) {
      return !(other.type === op.type && other.id === op.id);
    });
    if (left.length) window.localStorage.setItem(key, JSON.stringify(left));
    else window.localStorage.removeItem(key);
  } catch (error) { /* storage unavailable: nothing more to do */ }
}

function sendFrom(key) {
  var op;
  try { op = JSON.parse(window.localStorage.getItem(key) || "[]")[0]; } catch (error) { return; }
  if (!op || !op.url) return; // an older entry: its player sends it
  postQueued(op, false).then(function (response) {
    // Logged out, a stale token, a login page, too slow or too many, or a server error: kept for
    // the next page, as the player itself keeps them.
    if (response.redirected || [401, 403, 408, 429].indexOf(response.status) >= 0 || response.status >= 500) return;
    return response.json().then(function (json) {
      if (!response.ok) tell((NOT_SAVED[op.type] || NOT_SAVED.cue) + errorText(json));
      drop(key, op);
      sendFrom(key);
    }, function () {
      if (response.ok) return; // not the JSON the app answers with: kept for the next page
      drop(key, op); // a 4xx page (a massage or cue no longer there): it will never be taken
      sendFrom(key);
    });
  }).catch(function () { /* offline: kept for the next page */ });
}

if (user) try {
  for (var i = 0; i < window.localStorage.length; i += 1) {
    var key = window.localStorage.key(i);
    if (key && key.indexOf(PREFIX) === 0 && key !== own) sendFrom(key);
  }
} catch (error) { /* storage unavailable */ }
