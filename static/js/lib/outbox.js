// One outbox on the phone for everything made without the server: cues, undos, pause answers,
// progress, a massage started or finished offline. Kept in IndexedDB (through idb-keyval), one
// list per person, so on a shared phone nothing one person queued is ever sent as another's.
// It goes out in order through POST /sync/ (cues/sync.py), 500 items a request at most; each item
// carries its own id (or counter), so sending it twice stores it once.
import { createStore, del, get, update } from "../vendor/idb-keyval.js";
import { csrfToken } from "./server.js";

export const MAX_BATCH = 500;
// Under the 64 KB a browser lets a request take with it as the page closes.
const BEACON_BYTES = 60000;
const store = createStore("gentle-hands", "outbox");

function itemsKey(user) { return "items-" + user; }
function startsKey(user) { return "starts-" + user; }
function syncUrl() { return document.body.getAttribute("data-sync-url") || "/sync/"; }

export function newId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.prototype.map.call(bytes, (b) => (b + 0x100).toString(16).slice(1)).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

// What this tab last read or wrote: sent as the page closes, when there is no time to read.
let mirror = { user: null, items: [] };

function changed(user, items) {
  mirror = { user: user, items: items || [] };
  window.dispatchEvent(new CustomEvent("outbox:changed", { detail: { user: user, items: mirror.items } }));
}

export async function waiting(user) {
  const items = (await get(itemsKey(user), store)) || [];
  changed(user, items);
  return items;
}

async function edit(user, change) {
  let after = [];
  await update(itemsKey(user), (items) => {
    after = change((items || []).slice());
    return after;
  }, store);
  changed(user, after);
  return after;
}

// A newer progress of the same massage replaces the older one, and goes at the end: the server
// keeps the highest counter anyway, and a finish queued after it must not overtake it.
export function queue(user, item) {
  const entry = Object.assign({ qid: newId() }, item);
  return edit(user, (items) => {
    if (entry.type === "progress") {
      items = items.filter((other) => !(other.type === "progress" && String(other.session) === String(entry.session)));
    }
    items.push(entry);
    return items;
  });
}

// Undo of a cue: one never sent yet just leaves the outbox; one sent already (it may be stored
// even if no answer came back) is taken back on the server too. Says which.
export async function undoCue(user, item) {
  let dropped = false;
  await edit(user, (items) => {
    const index = items.findIndex((other) => other.type === "cue" && other.id === item.id && !other.tried);
    if (index >= 0) {
      dropped = true;
      return items.filter((other) => other.id !== item.id || other.type !== "cue");
    }
    items.push(Object.assign({ qid: newId() }, item));
    return items;
  });
  return dropped;
}

// Massages started on this phone with no network: the phone's id -> the server's, once sent.
export async function startedAs(user, clientId) {
  const starts = (await get(startsKey(user), store)) || {};
  return starts[clientId] || null;
}

// Today's cue outboxes, from before this one: localStorage, one list per person and massage
// ("gentle-hands-cues-<user>-<session>"), in the cue endpoints' shape. Moved here once, in
// order; if the page closes half way, what was moved is sent again and the server knows it.
const OLD_PREFIX = "gentle-hands-cues-";

function fromOld(op, session) {
  const body = op.body || {};
  if (op.type === "cue") {
    // Every one the old player queued has its time; the server took now for one without.
    const at = body.at || new Date().toISOString();
    return { type: "cue", id: op.id, session: session, step: Number(body.step), kind: body.kind, at: at, note: body.note || "" };
  }
  if (op.type === "undo") return { type: "undo", id: op.id, session: session };
  if (op.type === "respond") return { type: "response", id: op.id, session: session, response: body.response };
  return null;
}

export async function migrate(user) {
  const prefix = OLD_PREFIX + user + "-";
  const found = [];
  try {
    for (let i = 0; i < window.localStorage.length; i += 1) {
      const key = window.localStorage.key(i);
      if (key && key.indexOf(prefix) === 0) found.push(key);
    }
  } catch (error) {
    return; // storage unavailable: nothing was kept there
  }
  for (const key of found) {
    const session = Number(key.slice(prefix.length));
    let ops = [];
    try { ops = JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (error) { ops = []; }
    const items = (Array.isArray(ops) ? ops : []).map((op) => fromOld(op, session)).filter(Boolean);
    if (items.length && session > 0) {
      await edit(user, (list) => list.concat(items.map((item) => Object.assign({ qid: newId(), tried: true }, item))));
    }
    try { window.localStorage.removeItem(key); } catch (error) { /* it is sent again: harmless */ }
  }
}

function wire(item) {
  const out = Object.assign({}, item);
  delete out.qid;
  delete out.tried;
  return out;
}

// Why sending stopped, from the answer: "held" with a reason the parent can act on, or quietly.
function heldBy(response) {
  if (response.redirected || response.status === 401) return { state: "held", why: "logIn" };
  if (response.status === 403) return { state: "held", why: "reload" };
  return { state: "held", why: "" };
}

// The old outbox is moved once per page, before anything here is read or sent.
let moved = null;
export function ready(user) {
  if (!moved) moved = migrate(user).catch(() => {});
  return moved;
}

async function sendAll(user) {
  await ready(user);
  for (;;) {
    const items = await waiting(user);
    if (!items.length) return { state: "empty" };
    const batch = items.slice(0, MAX_BATCH);
    const sent = new Set(batch.map((item) => item.qid));
    await edit(user, (list) => list.map((item) => (sent.has(item.qid) ? Object.assign({}, item, { tried: true }) : item)));
    let response;
    try {
      response = await fetch(syncUrl(), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: JSON.stringify({ sent_at: new Date().toISOString(), items: batch.map(wire) }),
      });
    } catch (error) {
      return { state: "offline" };
    }
    if (!response.ok || response.redirected) return heldBy(response);
    let results;
    try { results = (await response.json()).results; } catch (error) { return { state: "held", why: "" }; }
    if (!Array.isArray(results)) return { state: "held", why: "" };
    const done = new Set();
    const goneCues = new Set();
    const starts = {};
    results.forEach((result) => {
      const item = batch[result.index];
      if (!item) return;
      done.add(item.qid);
      if (item.type === "cue" && result.status === "refused") goneCues.add(item.id);
      if (item.type === "start" && result.session) starts[item.id] = result.session;
    });
    if (Object.keys(starts).length) {
      await update(startsKey(user), (known) => Object.assign(known || {}, starts), store);
    }
    // A cue the server will never take: its undo or answer still waiting would be refused too.
    await edit(user, (list) => list.filter((item) => !done.has(item.qid) && !(goneCues.has(item.id) && item.type !== "cue")));
    results.forEach((result) => {
      const item = batch[result.index];
      if (item) window.dispatchEvent(new CustomEvent("outbox:answered", { detail: { item: item, result: result } }));
    });
  }
}

// Sends everything waiting, in order; one sender at a time, across this person's tabs too.
// Resolves with how it went: "empty" (all sent), "offline", or "held" (the answer says why).
let running = null;
export function flush(user) {
  if (!user) return Promise.resolve({ state: "empty" });
  if (running) return running.then(() => flush(user));
  const go = () => sendAll(user).catch(() => ({ state: "held", why: "" }));
  const locked = navigator.locks && navigator.locks.request
    ? navigator.locks.request("gentle-hands-outbox-" + user, go)
    : go();
  running = locked.then((outcome) => {
    running = null;
    window.dispatchEvent(new CustomEvent("outbox:flushed", { detail: outcome }));
    return outcome;
  });
  return running;
}

// As the page closes: what this tab knows is waiting, in one request that outlives the page.
// It stays in the outbox all the same, and goes again next time (the server knows repeats).
export function beacon(user) {
  if (mirror.user !== user || !mirror.items.length || navigator.onLine === false) return;
  const items = [];
  let bytes = 0;
  for (const item of mirror.items.slice(0, MAX_BATCH)) {
    bytes += JSON.stringify(wire(item)).length + 1;
    if (bytes > BEACON_BYTES) break;
    items.push(wire(item));
  }
  try {
    fetch(syncUrl(), {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: JSON.stringify({ sent_at: new Date().toISOString(), items: items }),
    }).catch(() => {});
  } catch (error) { /* too large, or no network: it goes next time */ }
}

// Logging out: this person's outbox goes, with any record of what was started here.
export async function forget(user) {
  await del(itemsKey(user), store);
  await del(startsKey(user), store);
  changed(user, []);
}

// Background Sync where the browser has it: the worker wakes the page up to send (offline.js).
export function askForBackgroundSync() {
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker.ready) return;
  navigator.serviceWorker.ready.then((registration) => {
    if (registration.sync) return registration.sync.register("gentle-hands-outbox");
    return null;
  }).catch(() => {});
}
