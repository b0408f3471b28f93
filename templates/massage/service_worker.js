// Gentle Hands' service worker (served at /sw.js by massage/views/app_shell.py).
// It keeps the app shell on the phone and shows a calm offline page when a page can't be
// fetched. Pages come from the network first, always; the player's pages, and the routines a
// parent keeps on this phone (static/js/keep.js), are also kept for when there is none.
//
// What is kept of a person is kept under their name ("gentle-hands-pages-<user id>"), read
// from the page itself (its body's data-user), and only given back to that same person: the
// worker notes whose page it last saw ("gentle-hands-who"). A page of someone else, or of
// nobody (logged out), and every other person's kept pages are deleted.
"use strict";

const CONFIG = {{ config|safe }};
const SHELL_CACHE = CONFIG.cachePrefix + CONFIG.version;
const SHELL = new Set(CONFIG.shell.map((url) => new URL(url, self.location.href).href));
const KEPT_PAGES = CONFIG.keep.map((pattern) => new RegExp(pattern));
const USER_MARK = /<body[^>]*\sdata-user="([0-9]+)"/;
const PAGE_LANGUAGE = /<html[^>]*\slang="([^"]+)"/;

self.addEventListener("install", (event) => {
  // Without cookies: what is kept is the same for everyone on this phone. "reload" skips the
  // browser's own cache, so a file is the server's current one.
  const requests = CONFIG.shell.map((url) => new Request(url, { credentials: "omit", cache: "reload" }));
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(requests))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith(CONFIG.cachePrefix) && name !== SHELL_CACHE)
        .map((name) => caches.delete(name))))
      .then(() => self.registration.navigationPreload && self.registration.navigationPreload.enable())
      .then(refreshKeptPages)
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (SHELL.has(request.url)) {
    event.respondWith(shellFile(request));
  } else if (new URL(request.url).origin === self.location.origin) {
    event.respondWith(fromNetworkOrKept(request));
  }
  // Anything else goes to the network as if there were no worker.
});

// Whose pages this phone last showed: the user id as text, or nothing.
async function who() {
  const kept = await caches.match(CONFIG.whoUrl, { cacheName: CONFIG.whoCache });
  return kept ? kept.text() : "";
}

async function noteWho(user) {
  const before = await who();
  if (before === user) return;
  const names = await caches.keys();
  // Someone else now, or nobody: nothing of anyone else stays.
  await Promise.all(names
    .filter((name) => name.startsWith(CONFIG.pagesPrefix) && name !== CONFIG.pagesPrefix + user)
    .map((name) => caches.delete(name)));
  if (user) await (await caches.open(CONFIG.whoCache)).put(CONFIG.whoUrl, new Response(user));
  else await caches.delete(CONFIG.whoCache);
}

// A new deploy: the kept pages name the old static files, which are gone with the old shell.
// Fetched again while there is a network (an old copy stays if not).
async function refreshKeptPages() {
  const user = await who();
  if (!user || !(await caches.has(CONFIG.pagesPrefix + user))) return;
  const cache = await caches.open(CONFIG.pagesPrefix + user);
  const requests = (await cache.keys()).filter((request) => keptPage(request.url));
  await Promise.all(requests.map(async (request) => {
    try {
      const response = await fetch(request.url, { credentials: "same-origin" });
      const text = await response.clone().text();
      const mark = USER_MARK.exec(text);
      if (response.ok && !response.redirected && mark && mark[1] === user) await cache.put(request, response);
    } catch (error) { /* no network: the old copy stays */ }
  }));
}

function keptPage(url) {
  const path = new URL(url).pathname;
  return KEPT_PAGES.some((pattern) => pattern.test(path));
}

// A page the site sent: note whose it is, and keep it for them if it is one worth having with
// no network (the player, a routine, its start page).
async function look(request, response) {
  if (!response.ok || response.redirected || response.type !== "basic") return;
  if (!(response.headers.get("content-type") || "").startsWith("text/html")) return;
  const copy = response.clone();
  const text = await response.clone().text();
  const mark = USER_MARK.exec(text);
  const user = mark ? mark[1] : "";
  const language = PAGE_LANGUAGE.exec(text);
  if (language) await noteLanguage(language[1]);
  await noteWho(user);
  if (user && keptPage(request.url)) {
    const cache = await caches.open(CONFIG.pagesPrefix + user);
    await cache.put(new URL(request.url).pathname, copy);
    await keepPlayerFiles(cache, text);
  }
}

// A player's page: its steps' pictures (one file for the routine), photos and narration, so the
// massage keeps its pictures and voice if the network goes. Each is fetched once.
const PLAYER_FILES = [
  /data-figures-url="([^"]+)"/g,
  /"narration": "([^"]+)"/g,
  /<img[^>]*\ssrc="(\/media\/[^"]+)"/g,
];

async function keepPlayerFiles(cache, html) {
  if (html.indexOf("data-player") < 0) return;
  const urls = new Set();
  PLAYER_FILES.forEach((pattern) => {
    for (const found of html.matchAll(pattern)) urls.add(found[1].replace(/&amp;/g, "&").replace(/\\u0026/g, "&"));
  });
  for (const url of urls) {
    if (await cache.match(url, { ignoreVary: true })) continue;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) await cache.put(url, response);
    } catch (error) { /* no network: fetched next time */ }
  }
}

async function keptCopy(request) {
  const user = await who();
  if (!user) return null;
  const name = CONFIG.pagesPrefix + user;
  if (!(await caches.has(name))) return null;
  const url = new URL(request.url);
  const cache = await caches.open(name);
  // A page is kept under its path (a massage started offline has its id after the #).
  return (await cache.match(request.mode === "navigate" ? url.pathname : request, { ignoreVary: true })) || null;
}

// The language of the last page the site sent (the one the person chose, or their browser's), so
// the offline page speaks it. Kept with the shell: it says nothing about who.
async function noteLanguage(language) {
  if (!CONFIG.offlineIn[language]) return;
  const cache = await caches.open(SHELL_CACHE);
  const noted = await cache.match(CONFIG.languageUrl);
  if (noted && (await noted.text()) === language) return;
  await cache.put(CONFIG.languageUrl, new Response(language));
}

async function offlinePage() {
  const noted = await caches.match(CONFIG.languageUrl, { cacheName: SHELL_CACHE });
  const language = noted ? await noted.text() : "";
  const url = CONFIG.offlineIn[language] || CONFIG.offline;
  return caches.match(url, { cacheName: SHELL_CACHE, ignoreVary: true });
}

// Pages: the network first, always; without one, this person's kept copy, or the offline page.
async function page(event) {
  try {
    const preloaded = await event.preloadResponse;
    const response = preloaded || await fetch(event.request);
    event.waitUntil(look(event.request, response).catch(() => {}));
    return response;
  } catch (error) {
    const kept = await keptCopy(event.request);
    if (kept) return kept;
    const offline = await offlinePage();
    return offline || Response.error();
  }
}

// Everything else of the site (the player's pictures, narration, photos, saves): the network,
// and with none, a copy kept for this person if there is one.
async function fromNetworkOrKept(request) {
  try {
    return await fetch(request);
  } catch (error) {
    if (request.method === "GET") {
      const kept = await keptCopy(request);
      if (kept) return kept;
    }
    throw error;
  }
}

// Background Sync, where the browser has it: the outbox lives with the pages
// (static/js/lib/outbox.js), so the worker asks an open page of the site to send it.
self.addEventListener("sync", (event) => {
  if (event.tag !== CONFIG.syncTag) return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((windows) => {
    windows.forEach((client) => client.postMessage({ type: "outbox:send" }));
  }));
});

async function shellFile(request) {
  // A hashed name always holds the same bytes, so the kept copy is the file. A sound asked for
  // in ranges goes to the network while there is one: a kept copy has no ranges to give.
  if (CONFIG.hashed && !request.headers.has("range")) {
    const kept = await caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true });
    if (kept) return kept;
  }
  // Unhashed names (development) may change at any time: the network first.
  try {
    return await fetch(request);
  } catch (error) {
    const kept = await caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}
