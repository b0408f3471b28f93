// Talking to the server from the background: the CSRF token.

// The CSRF token for background saves, read for each send: logging in again (in another tab
// too) gives a new one, and a token read when the page loaded would then be refused.
export function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.indexOf("csrftoken=") === 0);
  if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
  try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (error) { /* below */ }
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}
