// The check-in page: Enter in the inline registration (a part of the check-in form) registers
// the person with htmx instead of submitting the whole check-in. No inline script (CSP).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.defaultPrevented) {
      return;
    }
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type === "checkbox" || target.type === "radio") {
      return;
    }
    var panel = target.closest("[data-checkin-register]");
    if (!panel) {
      return;
    }
    var button = panel.querySelector("[data-checkin-register-submit]");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
