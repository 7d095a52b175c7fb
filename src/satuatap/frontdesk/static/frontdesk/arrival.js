// The arrival kiosk's ticket page goes back to the start after a while, so that the next
// visitor does not find the last one's number; typing (the scanner, or a visitor) postpones
// it. Without JavaScript the page keeps its "Done" link and its form for the next scan.
(function () {
  "use strict";
  var box = document.querySelector("[data-restart-seconds]");
  if (!box) {
    return;
  }
  var seconds = parseInt(box.getAttribute("data-restart-seconds"), 10);
  var url = box.getAttribute("data-restart-url");
  if (!seconds || !url) {
    return;
  }
  var timer = null;
  function restartLater() {
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(function () {
      window.location.replace(url);
    }, seconds * 1000);
  }
  document.addEventListener("keydown", restartLater);
  restartLater();
})();
