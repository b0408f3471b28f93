// Routines kept on this phone, for a massage with no network. With the service worker
// (templates/massage/service_worker.js) it keeps, for the person logged in and only for them:
// a routine marked "Keep on this phone" on its page: that page, its start page and its player
// for each baby, the steps' pictures, photos and narration. (The worker itself keeps the player
// of a massage as it opens, with its pictures and narration.)
// It also says how many routines are kept and how much room they take, lists them on the
// offline page, and starts a kept routine with no network: the massage gets an id made here,
// goes in the outbox (static/js/lib/outbox.js) as a "start", and is sent later through /sync/.
// The words come from the page (data-word-* attributes, in its language). Without this file, or
// without the Cache API, nothing of it shows.
import { newId, queue } from "./lib/outbox.js";

const PAGES = "gentle-hands-pages-";
const WHO = "gentle-hands-who";
const INDEX = "/kept-on-this-phone.json";
const user = document.body.getAttribute("data-user");
const can = "caches" in window;

function word(node, name) { return node.getAttribute("data-word-" + name) || ""; }

async function whoIsHere() {
  const kept = await window.caches.match("/who", { cacheName: WHO });
  return kept ? kept.text() : "";
}

async function pagesOf(person) {
  // The worker notes whose pages these are; said here too, for a phone where it has not yet.
  if (!(await whoIsHere())) await (await window.caches.open(WHO)).put("/who", new Response(person));
  return window.caches.open(PAGES + person);
}

async function readIndex(cache) {
  const kept = await cache.match(INDEX);
  if (!kept) return {};
  try { return await kept.json(); } catch (error) { return {}; }
}

function writeIndex(cache, index) {
  return cache.put(INDEX, new Response(JSON.stringify(index), { headers: { "Content-Type": "application/json" } }));
}

async function fetchInto(cache, url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok || response.redirected) throw new Error(url + ": " + response.status);
  await cache.put(url, response);
}

// What a player page needs besides itself: the steps' pictures, the photos and the narration.
function playerFiles(doc) {
  const root = doc.querySelector("[data-player]");
  const dataNode = doc.getElementById("player-data");
  const urls = [];
  if (!root || !dataNode) return urls;
  if (root.getAttribute("data-figures-url")) urls.push(root.getAttribute("data-figures-url"));
  try {
    JSON.parse(dataNode.textContent).steps.forEach((step) => { if (step.narration) urls.push(step.narration); });
  } catch (error) { /* no steps to read */ }
  doc.querySelectorAll(".player-step img[src]").forEach((img) => urls.push(img.getAttribute("src")));
  return urls;
}

// Keeping ---------------------------------------------------------------------------------------

async function keepRoutine(box) {
  const cache = await pagesOf(user);
  const starts = JSON.parse(document.getElementById("keep-starts").textContent);
  const urls = [box.getAttribute("data-keep-page")];
  starts.forEach((start) => { urls.push(start.start, start.player); });
  if (starts.length) {
    const html = await (await fetch(starts[0].player, { credentials: "same-origin" })).text();
    playerFiles(new DOMParser().parseFromString(html, "text/html")).forEach((url) => urls.push(url));
  }
  const unique = Array.from(new Set(urls));
  await Promise.all(unique.map((url) => fetchInto(cache, url)));
  const index = await readIndex(cache);
  index[box.getAttribute("data-keep-routine")] = {
    title: box.getAttribute("data-keep-title"),
    page: box.getAttribute("data-keep-page"),
    starts: starts.map((start) => ({ name: start.name, start: start.start, label: start.label })),
    urls: unique,
  };
  await writeIndex(cache, index);
}

async function forgetRoutine(box) {
  const cache = await pagesOf(user);
  const index = await readIndex(cache);
  const slug = box.getAttribute("data-keep-routine");
  const entry = index[slug];
  delete index[slug];
  // A file another kept routine also needs stays.
  const still = new Set();
  Object.keys(index).forEach((other) => (index[other].urls || []).forEach((url) => still.add(url)));
  if (entry) await Promise.all(entry.urls.filter((url) => !still.has(url)).map((url) => cache.delete(url)));
  await writeIndex(cache, index);
}

async function isKept(slug) {
  if (!(await window.caches.has(PAGES + user))) return false;
  return Boolean((await readIndex(await window.caches.open(PAGES + user)))[slug]);
}

function keepControl(box) {
  const button = box.querySelector("[data-keep-button]");
  const status = box.querySelector("[data-keep-status]");
  const slug = box.getAttribute("data-keep-routine");
  let kept = false;
  let busy = false;
  function show() {
    button.textContent = busy ? word(box, "keeping") : kept ? word(box, "forget") : word(box, "keep");
    button.disabled = busy;
    button.setAttribute("aria-pressed", kept ? "true" : "false");
    status.textContent = kept ? word(box, "kept") : word(box, "hint");
  }
  isKept(slug).then((yes) => {
    kept = yes;
    show();
    box.hidden = false;
  });
  button.addEventListener("click", () => {
    if (busy) return;
    busy = true;
    show();
    const change = kept ? forgetRoutine(box) : keepRoutine(box);
    change.then(() => {
      kept = !kept;
      busy = false;
      show();
      showSummaries();
    }, () => {
      busy = false;
      show();
      status.textContent = word(box, "failed");
    });
  });
}

// How much is kept ------------------------------------------------------------------------------

function megabytes(bytes) {
  const mb = bytes / 1e6;
  return (mb < 0.1 ? 0.1 : Math.round(mb * 10) / 10).toLocaleString(document.documentElement.lang || undefined);
}

async function keptSize() {
  if (!(await window.caches.has(PAGES + user))) return { routines: 0, bytes: 0 };
  const cache = await window.caches.open(PAGES + user);
  const index = await readIndex(cache);
  let bytes = 0;
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (response) bytes += (await response.blob()).size;
  }
  return { routines: Object.keys(index).length, bytes: bytes };
}

function showSummaries() {
  const nodes = document.querySelectorAll("[data-kept-summary]");
  if (!nodes.length) return;
  keptSize().then((kept) => {
    nodes.forEach((node) => {
      const words = kept.routines === 0 ? word(node, "none") : kept.routines === 1 ? word(node, "one") : word(node, "many");
      node.textContent = words.replace("{n}", String(kept.routines)).replace("{size}", megabytes(kept.bytes));
      node.hidden = false;
      const section = node.closest("[data-js-only]");
      if (section) section.hidden = false;
    });
  }, () => {});
}

// Starting a kept routine with no network -------------------------------------------------------

function startOffline(form) {
  const fine = JSON.parse(document.getElementById("readiness-offline").textContent);
  form.addEventListener("submit", (event) => {
    if (navigator.onLine !== false || event.defaultPrevented) return;
    event.preventDefault();
    const data = new FormData(form);
    const answers = {};
    let calm = true;
    Object.keys(fine).forEach((name) => {
      const value = data.get(name);
      if (value === null) return;
      answers[name] = value;
      if (fine[name].indexOf(value) < 0) calm = false;
    });
    const leaveOut = data.getAll("leave_out");
    if (leaveOut.length) calm = false;
    const note = form.querySelector("[data-offline-note]");
    if (!calm) {
      // What these answers mean needs the server: it may leave steps out, or say not today.
      note.textContent = word(form, "needs-network");
      note.hidden = false;
      note.focus();
      return;
    }
    const id = newId();
    const at = new Date().toISOString();
    try {
      window.localStorage.setItem("gentle-hands-started-" + id, JSON.stringify({ at: at }));
    } catch (error) { /* private mode: the player can't resume it after a reload */ }
    const start = {
      type: "start",
      id: id,
      baby: Number(form.getAttribute("data-baby")),
      routine: form.getAttribute("data-routine"),
      answers: answers,
      go_ahead: data.get("go_ahead") === "on",
      at: at,
    };
    queue(user, start).then(() => {
      window.location.assign(form.getAttribute("data-offline-player") + "#" + id);
    }, () => {
      note.textContent = word(form, "needs-network");
      note.hidden = false;
    });
  });
}

// The offline page ------------------------------------------------------------------------------

// The chosen Day or Night colours: the offline page is the same for everyone and its scripts
// can't read the site's cookie, so every other page notes them for it (static/js/app.js).
const THEME_KEY = "gentle-hands-theme";

function applyTheme() {
  let theme = "";
  try { theme = window.localStorage.getItem(THEME_KEY) || ""; } catch (error) { /* none noted */ }
  if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
}

async function listKept(list) {
  const person = await whoIsHere();
  if (!person || !(await window.caches.has(PAGES + person))) return;
  const index = await readIndex(await window.caches.open(PAGES + person));
  const slugs = Object.keys(index);
  if (!slugs.length) return;
  const items = list.querySelector("ul");
  slugs.forEach((slug) => {
    const entry = index[slug];
    entry.starts.forEach((start) => {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = start.start;
      link.className = "button button-secondary";
      link.textContent = start.label;
      li.appendChild(link);
      items.appendChild(li);
    });
  });
  list.hidden = false;
}

if (document.documentElement.hasAttribute("data-offline-page")) {
  applyTheme();
  const list = document.querySelector("[data-kept-list]");
  if (can && list) listKept(list).catch(() => {});
}
if (!document.documentElement.hasAttribute("data-offline-page") && user && can) {
  document.querySelectorAll("[data-keep]").forEach(keepControl);
  showSummaries();
  const form = document.querySelector("form[data-offline-player]");
  if (form && document.getElementById("readiness-offline")) startOffline(form);
}
