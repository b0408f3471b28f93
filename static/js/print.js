// "Print" buttons ([data-print]): shown only when JavaScript runs, since only it can open the
// print dialog. Without it, the page's hint ([data-print-hint]) says to use the browser's Print.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  if (!buttons.length || typeof window.print !== "function") return;
  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
  document.querySelectorAll("[data-print-hint]").forEach(function (hint) {
    hint.hidden = true;
  });
})();
