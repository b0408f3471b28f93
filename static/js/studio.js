// Studio: after a step is moved with htmx, the whole step list is replaced, and keyboard focus
// would drop back to the top of the page. Put it back on the moved step's move button (the one
// pressed, or the other one once the step reaches an end) and say where the step went.
// Without JavaScript the move buttons post a plain form and the page reloads with a message.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function () {
    var steps = document.getElementById("steps");
    if (!steps || !steps.hasAttribute("data-moved-step")) return;
    var stepId = steps.getAttribute("data-moved-step");
    var direction = steps.getAttribute("data-moved-direction");
    var message = steps.getAttribute("data-moved-message");
    steps.removeAttribute("data-moved-step");

    var item = steps.querySelector('[data-step="' + stepId + '"]');
    if (item) {
      var pressed = item.querySelector('button[name="direction"][value="' + direction + '"]');
      var other = item.querySelector('button[name="direction"]:not([value="' + direction + '"])');
      var target = pressed && !pressed.disabled ? pressed : other;
      if (target && !target.disabled) target.focus();
    }
    var status = document.getElementById("steps-status");
    if (status && message) {
      // Empty first, so the same words moved back and forth are announced again.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }
  });
})();
