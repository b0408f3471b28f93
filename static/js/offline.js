// Opening the site with no network: registers the service worker (/sw.js, built by
// massage/views/app_shell.py), which keeps the app shell and shows the offline page.
// Logging out: what still waits in the outbox for the person leaving (static/js/lib/outbox.js)
// is sent, then forgotten, with every page the worker kept, so on a shared phone the next person finds
// nothing of theirs. The shell's own cache stays: it is the same for everyone.
import { flush, forget, migrate } from "./lib/outbox.js";

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

async function forgetPages() {
  if (!window.caches) return;
  const names = await window.caches.keys();
  await Promise.all(names
    .filter(function (name) { return name.indexOf(SHELL_CACHE_PREFIX) !== 0; })
    .map(function (name) { return window.caches.delete(name); }));
}

async function leave() {
  const user = document.body.getAttribute("data-user");
  // A server that doesn't answer must not keep anyone from logging out.
  const sent = migrate(user).then(function () { return flush(user); });
  const how = await Promise.race([sent, new Promise(function (done) { window.setTimeout(done, 5000); })]);
  // Offline, the logout can't reach the server either: keep what waits.
  if (how && how.state === "offline") return false;
  await forget(user);
  await forgetPages();
  return true;
}

const logoutPath = script ? script.getAttribute("data-logout") : null;
let leaving = false;

// Deleting the account: what waits on this phone for that person goes too, once the server has
// said yes (the next page is nobody's). Sending it first would only store what is deleted then.
const deletePath = script ? script.getAttribute("data-account-delete") : null;
const DELETING = "gentle-hands-deleting";

function deletingNoted() {
  try { return window.sessionStorage.getItem(DELETING); } catch (error) { return null; }
}

function noteDeleting(user) {
  try {
    if (user) window.sessionStorage.setItem(DELETING, user);
    else window.sessionStorage.removeItem(DELETING);
  } catch (error) { /* private mode: the outbox stays, unsent, for nobody */ }
}

const deleted = deletingNoted();
if (deleted) {
  const here = document.body.getAttribute("data-user");
  if (!here) forget(deleted).then(forgetPages).catch(function () {});
  noteDeleting(null); // still logged in: the account stays, and so does its outbox
}

document.addEventListener("submit", function (event) {
  const form = event.target;
  if (deletePath && new URL(form.action, window.location.href).pathname === deletePath) {
    noteDeleting(document.body.getAttribute("data-user"));
    return;
  }
  if (!logoutPath || !document.body.hasAttribute("data-user") || event.defaultPrevented) return;
  if (new URL(form.action, window.location.href).pathname !== logoutPath) return;
  event.preventDefault();
  if (leaving) return;
  leaving = true;
  leave().catch(function () { return true; /* logging out matters more */ }).then(function (gone) {
    if (gone) {
      form.submit();
      return;
    }
    leaving = false; // a GET meets the worker's offline page, a POST the browser's error
    window.location.assign(form.action);
  });
});
