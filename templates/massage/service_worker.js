// Gentle Hands' service worker (served at /sw.js by massage/views/app_shell.py).
// It keeps the app shell on the phone and shows a calm offline page when a page can't be
// fetched. Pages themselves always come from the network: none is kept here (yet).
"use strict";

const CONFIG = {{ config|safe }};
const SHELL_CACHE = CONFIG.cachePrefix + CONFIG.version;
const SHELL = new Set(CONFIG.shell.map((url) => new URL(url, self.location.href).href));

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
  }
  // Anything else (htmx, the player's saves, uploads) goes to the network as if there were no
  // worker.
});

// Pages: the network first, always; without one, the offline page.
async function page(event) {
  try {
    const preloaded = await event.preloadResponse;
    return preloaded || await fetch(event.request);
  } catch (error) {
    const offline = await caches.match(CONFIG.offline, { cacheName: SHELL_CACHE, ignoreVary: true });
    return offline || Response.error();
  }
}

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
