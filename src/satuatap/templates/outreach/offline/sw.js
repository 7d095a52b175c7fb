/* SatuAtap field capture: service worker (outreach/offline/views.py, docs/offline.md).
 * Keeps the offline page, its files and the MRC contact form so that the page opens without a
 * signal; answers from the network first when there is one. Never touches the API or any
 * other page: records are sent by the page itself, and kept (encrypted) in IndexedDB. */
'use strict';

var CACHE = '{{ cache_name }}';
var PREFIX = 'satuatap-offline-';
var REQUIRED = {{ required|safe }};
var OPTIONAL = {{ optional|safe }};
// Kept when the page asks (only who may record contacts gets the contact form).
var ON_REQUEST = {{ on_request|safe }};
var KNOWN = REQUIRED.concat(OPTIONAL, ON_REQUEST);

function keep(cache, url) {
  return fetch(new Request(url, { credentials: 'same-origin', cache: 'no-cache' })).then(function (response) {
    // A sign-in page met on the way (a redirect) is not the page.
    if (!response.ok || response.redirected) { throw new Error('not kept: ' + url); }
    return cache.put(url, response);
  });
}

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(REQUIRED.map(function (url) { return keep(cache, url); })).then(function () {
      return Promise.all(OPTIONAL.map(function (url) { return keep(cache, url).catch(function () { return null; }); }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('message', function (event) {
  var url = event.data && event.data.keep;
  var port = event.ports && event.ports[0];
  if (ON_REQUEST.indexOf(url) < 0) { if (port) { port.postMessage({ kept: false }); } return; }
  event.waitUntil(caches.open(CACHE).then(function (cache) { return keep(cache, url); }).then(function () {
    if (port) { port.postMessage({ kept: true }); }
  }, function () {
    if (port) { port.postMessage({ kept: false }); }
  }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || KNOWN.indexOf(url.pathname) < 0) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) { return cache.match(url.pathname); }).then(function (cached) {
      return cached || Response.error();
    });
  }));
});
