// Small page helpers that only a browser can do. Every page works without this file.
(function () {
  "use strict";

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
      button.textContent = button.getAttribute("data-copied-label") || "Copied";
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
})();
