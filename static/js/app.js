// Small page helpers that only a browser can do. Every page works without this file.
import { askForBackgroundSync, flush, ready } from "./lib/outbox.js";

const user = document.body.getAttribute("data-user");

// Tell the server the phone's time zone, so times read as the family's own clock.
try {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var saved = document.cookie.split("; ").find(function (c) { return c.indexOf("tz=") === 0; });
  if (zone && /^[\w+\-/]+$/.test(zone) && (!saved || saved.slice(3) !== zone)) {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
} catch (error) { /* an old browser: the site's time zone is used */ }

// The chosen Day or Night colours, for the offline page (static/js/keep.js), which is the same
// for everyone and can't read the site's cookie.
try {
  window.localStorage.setItem("gentle-hands-theme", document.documentElement.getAttribute("data-theme") || "system");
} catch (error) { /* private mode: the offline page follows the phone's colours */ }

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

// What waits in the phone's outbox (static/js/lib/outbox.js) from a player that was closed, or
// from before this outbox (the old localStorage one, moved once), goes out from whatever page
// opens next, in order: on opening, when the network comes back, and when the page is shown
// again. Only the signed-in person's own: another caregiver's waits for them to log in here.
// The player sends and reports its own massage's items itself.
var bar = document.querySelector("[data-cue-bar]");
var own = bar ? String(document.querySelector("[data-player]").getAttribute("data-session") || bar.getAttribute("data-session")) : null;
// The words, in the page's language, from the server (templates/base.html).
var words = document.querySelector("script[data-app-words]");
function word(name) {
  return words ? words.getAttribute(name) || "" : "";
}
var NOT_SAVED = {
  cue: word("data-cue-not-saved"),
  undo: word("data-undo-not-saved"),
  response: word("data-response-not-saved"),
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

if (user) {
  window.addEventListener("outbox:answered", function (event) {
    var item = event.detail.item;
    var result = event.detail.result;
    if (result.status !== "refused" || String(item.session) === own || !NOT_SAVED[item.type]) return;
    tell(NOT_SAVED[item.type] + (result.reason || ""));
  });
  var sendWaiting = function () { if (!bar) flush(user); };
  window.addEventListener("online", sendWaiting);
  window.addEventListener("pageshow", sendWaiting);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sendWaiting();
  });
  // The worker's Background Sync, where the browser has it, wakes the page to send too.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox:send") flush(user);
    });
  }
  window.addEventListener("outbox:flushed", function (event) {
    if (event.detail.state === "offline") askForBackgroundSync();
  });
  ready(user).then(function () { if (!bar) flush(user); });
}
