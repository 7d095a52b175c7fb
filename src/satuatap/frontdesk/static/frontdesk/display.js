/*
 * Calling screen (frontdesk/display.html). htmx polls the tiles every second; this file:
 * - skips swaps when nothing changed (X-Display-State header), so highlights keep running;
 * - plays chime.wav and highlights a desk's tile when it calls a new ticket or calls again
 *   (each tile's data-call changes on both);
 * - keeps the clock in the office's time zone;
 * - "Turn on sound": browsers block audio until someone presses a button once; the choice is
 *   kept in localStorage, and the button comes back if the browser still refuses to play;
 * - a 404 from the poll means the device was revoked: stop polling, clear the codes, say so,
 *   and reload a little later, when the page shows a new pairing code.
 * No inline script or handler is needed (CSP-safe).
 */
(function () {
  'use strict';

  var SOUND_KEY = 'satuatap.display.sound';
  var HIGHLIGHT_MS = 8000;
  var body = document.body;
  var REPAIR_AFTER_MS = 8000;
  var board = document.getElementById('calling-screen');
  var soundButton = document.getElementById('sound-on');
  var fullScreenButton = document.getElementById('full-screen');
  var offline = document.getElementById('offline');
  var revokedBox = document.getElementById('revoked');
  var clock = document.getElementById('clock');
  var chime = new Audio(body.dataset.chimeUrl);
  chime.preload = 'auto';
  var revoked = false;
  var highlightUntil = {};
  var known = readCalls();

  function storageGet() {
    try { return window.localStorage.getItem(SOUND_KEY); } catch (e) { return null; }
  }

  function storageSet(value) {
    try { window.localStorage.setItem(SOUND_KEY, value); } catch (e) { /* private mode */ }
  }

  function soundWanted() {
    return storageGet() === 'on';
  }

  function readCalls() {
    var calls = {};
    board.querySelectorAll('[data-desk]').forEach(function (tile) {
      calls[tile.dataset.desk] = tile.dataset.call || '';
    });
    return calls;
  }

  function play() {
    chime.currentTime = 0;
    return chime.play();
  }

  function playChime() {
    if (!soundWanted()) {
      return;
    }
    var played = play();
    if (played && played.catch) {
      played.catch(function () { soundButton.hidden = false; });
    }
  }

  function applyHighlights() {
    var now = Date.now();
    board.querySelectorAll('[data-desk]').forEach(function (tile) {
      var until = highlightUntil[tile.dataset.desk] || 0;
      tile.classList.toggle('is-new', until > now);
    });
  }

  function onNewTiles() {
    var calls = readCalls();
    var fresh = false;
    Object.keys(calls).forEach(function (desk) {
      if (calls[desk] && calls[desk] !== known[desk]) {
        highlightUntil[desk] = Date.now() + HIGHLIGHT_MS;
        fresh = true;
      }
    });
    known = calls;
    applyHighlights();
    if (fresh) {
      playChime();
      window.setTimeout(applyHighlights, HIGHLIGHT_MS + 50);
    }
  }

  function showRevoked() {
    revoked = true;
    board.innerHTML = '';
    revokedBox.hidden = false;
    offline.hidden = true;
    soundButton.hidden = true;
    window.setTimeout(function () { window.location.reload(); }, REPAIR_AFTER_MS);
  }

  function tick() {
    var options = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
    if (body.dataset.timeZone) {
      options.timeZone = body.dataset.timeZone;
    }
    try {
      clock.textContent = new Intl.DateTimeFormat(document.documentElement.lang || 'id', options)
        .format(new Date());
    } catch (e) {
      clock.textContent = new Date().toLocaleTimeString();
    }
  }

  soundButton.hidden = soundWanted();
  soundButton.addEventListener('click', function () {
    storageSet('on');
    var played = play();
    if (played && played.then) {
      played.then(function () { soundButton.hidden = true; }, function () { soundButton.hidden = false; });
    } else {
      soundButton.hidden = true;
    }
  });

  if (document.fullscreenEnabled) {
    fullScreenButton.addEventListener('click', function () {
      document.documentElement.requestFullscreen().catch(function () { /* not allowed */ });
    });
  } else {
    fullScreenButton.hidden = true;
  }

  body.addEventListener('htmx:beforeRequest', function (event) {
    if (revoked && event.detail.elt === board) {
      event.preventDefault();
    }
  });

  body.addEventListener('htmx:beforeSwap', function (event) {
    if (event.detail.target !== board || !event.detail.xhr) {
      return;
    }
    var xhr = event.detail.xhr;
    if (xhr.status === 404) {
      event.detail.shouldSwap = false;
      showRevoked();
      return;
    }
    var state = xhr.getResponseHeader('X-Display-State');
    if (state && state === board.dataset.state) {
      event.detail.shouldSwap = false;
    } else if (state) {
      board.dataset.state = state;
    }
  });

  body.addEventListener('htmx:afterSwap', function (event) {
    if (event.detail.target === board) {
      onNewTiles();
    }
  });

  body.addEventListener('htmx:afterRequest', function (event) {
    if (event.detail.elt === board && !revoked) {
      offline.hidden = !!event.detail.successful || (event.detail.xhr && event.detail.xhr.status === 404);
    }
  });

  body.addEventListener('htmx:sendError', function () { if (!revoked) { offline.hidden = false; } });
  body.addEventListener('htmx:timeout', function () { if (!revoked) { offline.hidden = false; } });

  tick();
  window.setInterval(tick, 1000);
})();
