// The print page of a visit's tickets: a print button, and the print dialog opened at once when
// the page was asked for with ?autoprint=1 (the server sets data-autoprint). No inline script.
(function () {
  "use strict";
  var button = document.getElementById("print-tickets");
  if (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }
  if (document.body.getAttribute("data-autoprint") === "1") {
    window.addEventListener("load", function () {
      window.print();
    });
  }
})();
