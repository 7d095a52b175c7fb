// The quick-exit button of the portal: it is a plain link to a neutral page and works without
// this script. With it, the portal's page is replaced in the history (Back does not return to
// it) and the page is blanked at once.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quick-exit]");
    if (!link) {
      return;
    }
    event.preventDefault();
    try {
      window.history.replaceState(null, "", "/");
    } catch (error) {
      // A browser that refuses still leaves through the replace below.
    }
    document.body.hidden = true;
    window.location.replace(link.href);
  });
})();
