/*
 * Each chart of the report pages shows as an SVG; its button switches to the table of the same
 * numbers and back (`aria-pressed` says which is shown). The server sends both: without this
 * script, noscript.css shows the chart and the table one under the other and hides the button.
 */
(function () {
  'use strict';

  function show(figure, button, asTable) {
    figure.setAttribute('data-view', asTable ? 'table' : 'chart');
    button.setAttribute('aria-pressed', asTable ? 'true' : 'false');
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-report-figure-toggle]');
    if (!button) {
      return;
    }
    var figure = button.closest('[data-report-figure]');
    if (figure) {
      show(figure, button, button.getAttribute('aria-pressed') !== 'true');
    }
  });
})();
