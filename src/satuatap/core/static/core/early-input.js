/*
 * Type-ahead boxes (htmx, `hx-trigger="input changed …"`) search only when their text changes
 * after htmx has read the page. On a slow line a person can type before that; htmx then takes
 * the typed text as the starting value and the results never come.
 *
 * DOMContentLoaded, on which htmx reads the page, passes the window twice: first on its way
 * down (capture), before htmx's listener on the document, then on its way back up, after it.
 * On the way down each search box typed into goes back to the text the server sent; on the way
 * up the typed text returns and an `input` event tells htmx it changed. Both happen in the same
 * event, so no keystroke can fall between them.
 */
(function () {
  'use strict';

  var typed = [];

  window.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('input[type="search"]').forEach(function (input) {
      if (input.value !== input.defaultValue) {
        typed.push([input, input.value]);
        input.value = input.defaultValue;
      }
    });
  }, true);

  window.addEventListener('DOMContentLoaded', function () {
    typed.forEach(function (entry) {
      entry[0].value = entry[1];
      entry[0].dispatchEvent(new Event('input', { bubbles: true }));
    });
    typed = [];
  });
})();
