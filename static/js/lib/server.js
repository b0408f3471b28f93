// Talking to the server from the background: the CSRF token, the cue outboxes' names, sending
// one queued item and reading the app's JSON error answers. Shared by app.js and cues.js.

// The CSRF token for background saves, read for each send: logging in again (in another tab
// too) gives a new one, and a token read when the page loaded would then be refused.
export function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.indexOf("csrftoken=") === 0);
  if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
  try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (error) { /* below */ }
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

// The cue outboxes (static/js/cues.js): one per person and massage, so on a shared phone what
// one caregiver queued is never sent (and credited) by the next person to log in.
export function outboxKey(session) {
  return "gentle-hands-cues-" + document.body.getAttribute("data-user") + "-" + session;
}

// Sends one outbox item; the server recognises a repeat by its id.
export function postQueued(op, keepalive) {
  const body = new FormData();
  Object.keys(op.body || {}).forEach((name) => { body.append(name, op.body[name]); });
  // The phone's clock now, so the server can take its skew off the cue's time.
  if (op.type === "cue") body.append("sent_at", new Date().toISOString());
  return fetch(op.url, { method: "POST", body: body, keepalive: keepalive, credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" } });
}

// The first reason in the app's JSON error answer ({"error": ...} or form {"errors": ...}).
export function errorText(json) {
  if (json.error) return json.error;
  const lists = Object.keys(json.errors || {}).map((key) => json.errors[key]);
  return lists.length && lists[0].length ? lists[0][0] : "";
}
