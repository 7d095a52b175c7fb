/* Device links page: "Copy" puts a link's address on the clipboard; clicking the address
 * selects it, for browsers without clipboard access. */
(function () {
  'use strict';

  document.querySelectorAll('[data-copy-source]').forEach(function (input) {
    input.addEventListener('focus', function () { input.select(); });
  });

  document.querySelectorAll('[data-copy-target]').forEach(function (button) {
    button.addEventListener('click', function () {
      var input = document.getElementById(button.dataset.copyTarget);
      var label = button.textContent;
      function done() {
        button.textContent = button.dataset.copiedLabel || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      }
      input.focus();
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { /* selected */ });
      } else {
        try { if (document.execCommand('copy')) { done(); } } catch (e) { /* selected */ }
      }
    });
  });
})();
