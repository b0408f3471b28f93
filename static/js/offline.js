// Opening the site with no network: registers the service worker (/sw.js, built by
// massage/views/app_shell.py), which keeps the app shell and shows the offline page.
// Logging out: the cues still waiting on this phone for the person leaving are sent, then
// forgotten, with every page the worker kept, so on a shared phone the next person finds
// nothing of theirs. The shell's own cache stays: it is the same for everyone.
import { outboxKey, postQueued } from "./lib/server.js";

const SHELL_CACHE_PREFIX = "gentle-hands-shell-";
const script = document.querySelector("script[data-service-worker]");

if (script && "serviceWorker" in navigator) {
  const register = function () {
    navigator.serviceWorker.register(script.getAttribute("data-service-worker"), { scope: "/" })
      .catch(function () { /* no worker (a private window, an old browser): the site still works */ });
  };
  // After the page's own files, which matter more on a slow network.
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}

function waitingKeys() {
  const prefix = outboxKey("");
  const keys = [];
  try {
    for (let i = 0; i < window.localStorage.length; i += 1) {
      const key = window.localStorage.key(i);
      if (key && key.indexOf(prefix) === 0) keys.push(key);
    }
  } catch (error) { /* storage unavailable: nothing kept */ }
  return keys;
}

async function sendWaiting(keys) {
  for (const key of keys) {
    let ops = [];
    try { ops = JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (error) { /* unreadable */ }
    for (const op of ops) {
      // In order, once each; the server knows a repeat by its id.
      try { await postQueued(op, true); } catch (error) { /* no network: it can't go now */ }
    }
  }
}

async function forget(keys) {
  keys.forEach(function (key) {
    try { window.localStorage.removeItem(key); } catch (error) { /* nothing to remove */ }
  });
  if (!window.caches) return;
  const names = await window.caches.keys();
  await Promise.all(names
    .filter(function (name) { return name.indexOf(SHELL_CACHE_PREFIX) !== 0; })
    .map(function (name) { return window.caches.delete(name); }));
}

async function leave() {
  const keys = waitingKeys();
  // A server that doesn't answer must not keep anyone from logging out.
  await Promise.race([sendWaiting(keys), new Promise(function (done) { window.setTimeout(done, 5000); })]);
  await forget(keys);
}

const logoutPath = script ? script.getAttribute("data-logout") : null;
let leaving = false;

document.addEventListener("submit", function (event) {
  const form = event.target;
  if (!logoutPath || !document.body.hasAttribute("data-user") || event.defaultPrevented) return;
  if (new URL(form.action, window.location.href).pathname !== logoutPath) return;
  event.preventDefault();
  if (leaving) return;
  leaving = true;
  leave().catch(function () { /* logging out matters more */ }).then(function () { form.submit(); });
});
