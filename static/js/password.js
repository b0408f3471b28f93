// "Show" beside a password box: shows what was typed, so it needs typing only once.
// Without this file the box stays a plain password field and the button stays hidden.
(function () {
  "use strict";

  document.querySelectorAll("[data-password-toggle]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-password-toggle"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = button.getAttribute(show ? "data-hide-label" : "data-show-label");
      input.focus();
    });
    // Hidden again before sending, so the browser offers to save it as a password.
    if (input.form) {
      input.form.addEventListener("submit", function () {
        input.type = "password";
        button.textContent = button.getAttribute("data-show-label");
      });
    }
  });
})();
