/*
 * Field capture offline (templates/outreach/offline/app.html, docs/offline.md).
 *
 * - The service worker (outreach:offline-worker) keeps this page, its files and the MRC contact
 *   form, so the page opens without a signal once it was opened online.
 * - Records are kept in IndexedDB encrypted with AES-GCM (WebCrypto) under a random data key.
 *   The data key is stored only wrapped (AES-GCM) by a key derived from the worker's PIN with
 *   PBKDF2-SHA-256; unwrapped, it lives in this page's memory as a non-extractable key and is
 *   gone when the page closes or is locked. Without the PIN the records cannot be read.
 *   In clear on the phone: each record's random id, its kind (event or contact), the time it
 *   was saved (for the expiry) and the user's id.
 * - A record leaves the phone once the office has it (created or already there: the sync is
 *   idempotent by the record's id), and after OUTREACH_OFFLINE_DAYS days in any case.
 * - Text shown here comes translated from the page (#offline-strings).
 * No inline script or handler (CSP).
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('offline-config').textContent);
  var S = JSON.parse(document.getElementById('offline-strings').textContent);
  var DB_NAME = 'satuatap-offline';
  var ITERATIONS = 600000;
  var DAY_MS = 24 * 3600 * 1000;
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var dataKey = null;
  var syncing = false;
  var dbPromise = null;

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function fmt(text, params) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) { return String(params[name]); });
  }

  // --- IndexedDB ------------------------------------------------------------------------------

  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var database = request.result;
          database.createObjectStore('keys', { keyPath: 'userId' });
          var records = database.createObjectStore('records', { keyPath: 'id' });
          records.createIndex('userId', 'userId');
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function run(store, mode, action) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var transaction = database.transaction(store, mode);
        var request = action(transaction.objectStore(store));
        var result;
        if (request) { request.onsuccess = function () { result = request.result; }; }
        transaction.oncomplete = function () { resolve(result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function getKeyRecord() { return run('keys', 'readonly', function (s) { return s.get(config.userId); }); }
  function putKeyRecord(value) { return run('keys', 'readwrite', function (s) { return s.put(value); }); }
  function allRecords() { return run('records', 'readonly', function (s) { return s.getAll(); }); }
  function putRecord(value) { return run('records', 'readwrite', function (s) { return s.put(value); }); }
  function deleteRecord(id) { return run('records', 'readwrite', function (s) { return s.delete(id); }); }
  function myRecords() {
    return allRecords().then(function (records) {
      return records.filter(function (r) { return r.userId === config.userId; })
        .sort(function (a, b) { return a.createdAt - b.createdAt; });
    });
  }

  // --- Keys and encryption --------------------------------------------------------------------

  function random(length) { return crypto.getRandomValues(new Uint8Array(length)); }
  function keyContext() { return encoder.encode('satuatap-offline-key:' + config.userId); }

  function deriveWrappingKey(pin, salt, iterations) {
    return crypto.subtle.importKey('raw', encoder.encode(pin), 'PBKDF2', false, ['deriveKey'])
      .then(function (base) {
        return crypto.subtle.deriveKey(
          { name: 'PBKDF2', salt: salt, iterations: iterations, hash: 'SHA-256' },
          base, { name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
      });
  }

  function unwrap(record, wrappingKey) {
    return crypto.subtle.unwrapKey(
      'raw', record.wrapped, wrappingKey,
      { name: 'AES-GCM', iv: record.iv, additionalData: keyContext() },
      { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  }

  function createKey(pin) {
    var salt = random(16);
    var iv = random(12);
    return Promise.all([
      deriveWrappingKey(pin, salt, ITERATIONS),
      crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt'])
    ]).then(function (keys) {
      return crypto.subtle.wrapKey('raw', keys[1], keys[0],
        { name: 'AES-GCM', iv: iv, additionalData: keyContext() })
        .then(function (wrapped) {
          var record = {
            userId: config.userId, salt: salt, iv: iv, iterations: ITERATIONS,
            wrapped: wrapped, createdAt: Date.now()
          };
          return putKeyRecord(record).then(function () { return unwrap(record, keys[0]); });
        });
    });
  }

  function openKey(pin) {
    return getKeyRecord().then(function (record) {
      return deriveWrappingKey(pin, record.salt, record.iterations)
        .then(function (wrappingKey) { return unwrap(record, wrappingKey); });
    });
  }

  function recordContext(record) {
    return encoder.encode(record.kind + ':' + record.id + ':' + record.userId);
  }

  function seal(record, content) {
    var iv = random(12);
    return crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv, additionalData: recordContext(record) },
      dataKey, encoder.encode(JSON.stringify(content)))
      .then(function (data) { record.iv = iv; record.data = data; return record; });
  }

  function unseal(record) {
    return crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.iv, additionalData: recordContext(record) },
      dataKey, record.data)
      .then(function (plain) { return JSON.parse(decoder.decode(plain)); });
  }

  function newId() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = random(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  // --- Page state -----------------------------------------------------------------------------

  function notice(text, kind) {
    var box = $('#notice');
    box.className = 'alert alert-' + (kind || 'info');
    box.textContent = text;
    box.hidden = !text;
  }

  function showSection(name) {
    ['setup', 'unlock', 'work'].forEach(function (id) { $('#' + id).hidden = id !== name; });
  }

  function showForm(name) {
    $all('[data-show-form]').forEach(function (button) {
      var active = button.dataset.showForm === name;
      button.classList.toggle('active', active);
      button.setAttribute('aria-pressed', active ? 'true' : 'false');
    });
    $all('[data-offline-form="event"], [data-offline-slot]').forEach(function (element) {
      var key = element.dataset.offlineForm || element.dataset.offlineSlot;
      element.hidden = key !== name;
    });
  }

  function updateNetwork() {
    var status = $('#network-status');
    status.textContent = navigator.onLine ? S.online : S.offline;
    status.className = 'badge ' + (navigator.onLine ? 'text-bg-success' : 'text-bg-warning');
    document.body.dataset.network = navigator.onLine ? 'online' : 'offline';
  }

  function localToday() {
    var now = new Date();
    var month = String(now.getMonth() + 1).padStart(2, '0');
    var day = String(now.getDate()).padStart(2, '0');
    return now.getFullYear() + '-' + month + '-' + day;
  }

  function setDefaults(root) {
    $all('[data-today]', root).forEach(function (input) {
      input.value = localToday();
      input.max = localToday();
    });
  }

  function bindToggles(root) {
    $all('[data-toggles]', root).forEach(function (box) {
      var name = box.dataset.toggles;
      var apply = function () {
        $all('[data-shown-if="' + name + '"]', root).forEach(function (e) { e.hidden = !box.checked; });
        $all('[data-shown-unless="' + name + '"]', root).forEach(function (e) { e.hidden = box.checked; });
      };
      box.addEventListener('change', apply);
      apply();
    });
  }

  // --- Expiry ---------------------------------------------------------------------------------

  function expire() {
    var cutoff = Date.now() - config.days * DAY_MS;
    return allRecords().then(function (records) {
      var old = records.filter(function (r) { return r.createdAt < cutoff; });
      return Promise.all(old.map(function (r) { return deleteRecord(r.id); })).then(function () {
        if (old.length) { notice(fmt(S.expired, { count: old.length, days: config.days }), 'warning'); }
        return old.length;
      });
    });
  }

  // --- Forms ----------------------------------------------------------------------------------

  function counts(form) {
    return $all('input[name^="count:"]', form).map(function (input) {
      var parts = input.name.split(':');
      return { sex: parts[1], age_band: parts[2], count: parseInt(input.value || '0', 10) || 0 };
    }).filter(function (cell) { return cell.count > 0; });
  }

  function total(cells) { return cells.reduce(function (sum, c) { return sum + c.count; }, 0); }

  function digits(value) { return (value || '').replace(/[\s.\-\u2013\u2014]+/g, ''); }

  function collectEvent(form) {
    var data = new FormData(form);
    return {
      kind: data.get('kind'),
      date: data.get('date'),
      title: (data.get('title') || '').trim(),
      village: data.get('village'),
      topics: data.getAll('topics'),
      counts: counts(form),
      participants: $all('.participant', form).map(function (row) {
        var value = function (field) { return ($('[data-field="' + field + '"]', row).value || '').trim(); };
        return {
          full_name: value('full_name'), sex: value('sex'), nik: digits(value('nik')),
          birth_date: value('birth_date') || null
        };
      }),
      materials: (data.get('materials') || '').trim(),
      notes: (data.get('notes') || '').trim()
    };
  }

  function checkEvent(event) {
    if (!event.title) { return S.needTitle; }
    if (!event.village) { return S.needVillage; }
    if (!event.date) { return S.needDate; }
    if (event.date > localToday()) { return S.futureDate; }
    if (total(event.counts) < 1) { return S.needCount; }
    for (var i = 0; i < event.participants.length; i++) {
      var p = event.participants[i];
      if (!p.full_name) { return S.needName; }
      if (!p.nik && !p.birth_date) { return S.needNikOrBirth; }
      if (p.nik && !/^\d{16}$/.test(p.nik)) { return S.nikDigits; }
    }
    if (event.participants.length > total(event.counts)) { return S.moreNamed; }
    return '';
  }

  function collectContact(form) {
    var data = new FormData(form);
    var isGroup = data.get('is_group') === '1';
    return {
      kind: data.get('kind'),
      occurred_on: data.get('occurred_on'),
      channel: data.get('channel'),
      topic: data.get('topic'),
      served: data.get('served') || '',
      is_group: isGroup,
      sex: isGroup ? 'U' : data.get('sex'),
      age_band: isGroup ? 'unknown' : data.get('age_band'),
      counts: isGroup ? counts(form) : [],
      notes: (data.get('notes') || '').trim()
    };
  }

  function checkContact(contact) {
    if (!contact.occurred_on) { return S.needDate; }
    if (contact.occurred_on > localToday()) { return S.futureDate; }
    if (!contact.topic) { return S.needTopic; }
    if (contact.is_group && total(contact.counts) < 1) { return S.needGroupCount; }
    return '';
  }

  function addParticipant(form) {
    var row = document.importNode($('#participant-row').content, true);
    var index = $all('.participant', form).length;
    var labels = { full_name: S.participantName, sex: S.participantSex, nik: S.participantNik, birth_date: S.participantBirthDate };
    Object.keys(labels).forEach(function (field) {
      var id = 'participant-' + index + '-' + field.replace('_', '-') + '-' + Date.now();
      $('[data-field="' + field + '"]', row).id = id;
      var label = $('[data-for="' + field + '"]', row);
      label.htmlFor = id;
      label.textContent = labels[field];
    });
    $('[data-field="birth_date"]', row).max = localToday();
    $('[data-action="remove-participant"]', row).textContent = S.removeParticipant;
    $('#participants', form).appendChild(row);
    var rows = $all('.participant', form);
    $('[data-field="full_name"]', rows[rows.length - 1]).focus();
  }

  function bindForm(form) {
    setDefaults(form);
    bindToggles(form);
    form.addEventListener('click', function (event) {
      var action = event.target.closest('[data-action]');
      if (!action) { return; }
      if (action.dataset.action === 'add-participant') { addParticipant(form); }
      if (action.dataset.action === 'remove-participant') { action.closest('.participant').remove(); }
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var kind = form.dataset.offlineForm;
      var content = kind === 'event' ? collectEvent(form) : collectContact(form);
      var problem = kind === 'event' ? checkEvent(content) : checkContact(content);
      var box = $('[data-form-error]', form);
      box.textContent = problem;
      box.hidden = !problem;
      if (problem || !dataKey) { return; }
      var record = { id: newId(), userId: config.userId, kind: kind, createdAt: Date.now() };
      seal(record, { payload: content, error: null }).then(putRecord).then(function () {
        form.reset();
        $all('.participant', form).forEach(function (row) { row.remove(); });
        setDefaults(form);
        bindToggles(form);
        notice(S.saved, 'success');
        return renderPending();
      }).then(function () {
        if (navigator.onLine) { sync(); }
      });
    });
  }

  function loadContactForm() {
    var slot = $('#contact-form-slot');
    if (!slot || !config.contactFormUrl || slot.dataset.loaded) { return Promise.resolve(); }
    return fetch(config.contactFormUrl, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok || response.redirected) { return; }
      return response.text().then(function (html) {
        var parsed = new DOMParser().parseFromString(html, 'text/html');
        var form = parsed.querySelector('form[data-offline-form="contact"]');
        if (!form) { return; }
        slot.appendChild(document.importNode(form, true));
        slot.dataset.loaded = '1';
        bindForm($('form', slot));
      });
    }).catch(function () { /* offline before the form was ever kept: events still work */ });
  }

  // --- Waiting records ------------------------------------------------------------------------

  function describe(record, content) {
    var p = content.payload;
    if (record.kind === 'event') { return S.event + ': ' + p.title + ' (' + p.date + ')'; }
    return S.contact + ': ' + p.occurred_on;
  }

  function renderPending() {
    return myRecords().then(function (records) {
      $('#pending-count').textContent = String(records.length);
      var list = $('#pending-list');
      list.textContent = '';
      if (!records.length) {
        var empty = document.createElement('li');
        empty.className = 'list-group-item text-body-secondary';
        empty.textContent = S.nothingToSend;
        list.appendChild(empty);
        return;
      }
      if (!dataKey) { return; }
      return Promise.all(records.map(function (record) {
        return unseal(record).then(function (content) { return [record, content]; });
      })).then(function (rows) {
        rows.forEach(function (row) {
          var record = row[0];
          var content = row[1];
          var item = document.createElement('li');
          item.className = 'list-group-item';
          item.dataset.recordId = record.id;
          var title = document.createElement('div');
          title.textContent = describe(record, content);
          item.appendChild(title);
          var expiry = document.createElement('div');
          expiry.className = 'small text-body-secondary';
          expiry.textContent = fmt(S.expiresOn, {
            date: new Date(record.createdAt + config.days * DAY_MS).toLocaleDateString(document.documentElement.lang)
          });
          item.appendChild(expiry);
          if (content.error) {
            var error = document.createElement('div');
            error.className = 'text-danger small';
            error.textContent = content.error.message;
            item.appendChild(error);
          }
          var discard = document.createElement('button');
          discard.type = 'button';
          discard.className = 'btn btn-link btn-sm text-danger px-0';
          discard.dataset.action = 'discard';
          discard.dataset.recordId = record.id;
          discard.textContent = S.discard;
          item.appendChild(discard);
          list.appendChild(item);
        });
      });
    });
  }

  // --- Sync -----------------------------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : document.body.dataset.csrfToken;
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken(), Accept: 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function sendKind(kind, rows, report) {
    var url = kind === 'event' ? config.eventsUrl : config.contactsUrl;
    var field = kind === 'event' ? 'events' : 'contacts';
    var batches = [];
    for (var i = 0; i < rows.length; i += config.maxBatch) { batches.push(rows.slice(i, i + config.maxBatch)); }
    return batches.reduce(function (previous, batch) {
      return previous.then(function () {
        var body = {};
        body[field] = batch.map(function (row) { return Object.assign({ id: row.record.id }, row.content.payload); });
        return post(url, body).then(function (answer) {
          if (answer.status !== 200) {
            report.failure = answer.status === 401 ? 'signin' : (answer.data.message || S.cannotSend);
            throw new Error('refused');
          }
          var byId = {};
          batch.forEach(function (row) { byId[row.record.id] = row; });
          return Promise.all(answer.data[field].map(function (result) {
            var row = byId[result.id];
            if (!row) { return null; }
            if (result.status === 'refused') {
              report.refused += 1;
              return seal(row.record, { payload: row.content.payload, error: result.error }).then(putRecord);
            }
            report[result.status === 'created' ? 'created' : 'already'] += 1;
            (result.conflicts || []).forEach(function (c) { report.conflicts.push(c); });
            return deleteRecord(row.record.id);
          }));
        });
      });
    }, Promise.resolve());
  }

  function renderReport(report) {
    var body = $('#report-body');
    body.textContent = '';
    var lines = [];
    if (report.created) { lines.push(fmt(S.sent, { count: report.created })); }
    if (report.already) { lines.push(fmt(S.alreadySent, { count: report.already })); }
    if (report.refused) { lines.push(fmt(S.refused, { count: report.refused })); }
    lines.forEach(function (line) {
      var p = document.createElement('p');
      p.className = 'mb-1';
      p.textContent = line;
      body.appendChild(p);
    });
    var heading = document.createElement('h3');
    heading.className = 'h6 mt-3';
    heading.textContent = S.conflictsTitle;
    body.appendChild(heading);
    if (!report.conflicts.length) {
      var none = document.createElement('p');
      none.className = 'small text-body-secondary';
      none.textContent = S.noConflicts;
      body.appendChild(none);
    } else {
      var list = document.createElement('ul');
      list.dataset.testid = 'sync-conflicts';
      report.conflicts.forEach(function (c) {
        var item = document.createElement('li');
        item.textContent = c.entered_name + ' — ' + c.kind_label + ' (' + c.resolution_label + ')';
        list.appendChild(item);
      });
      body.appendChild(list);
    }
    $('#report').hidden = false;
  }

  function sync() {
    if (syncing || !dataKey) { return Promise.resolve(); }
    syncing = true;
    var report = { created: 0, already: 0, refused: 0, conflicts: [], failure: '' };
    return expire().then(myRecords).then(function (records) {
      return Promise.all(records.map(function (record) {
        return unseal(record).then(function (content) { return { record: record, content: content }; });
      }));
    }).then(function (rows) {
      var waiting = rows.filter(function (row) { return !row.content.error; });
      if (!waiting.length) { return false; }
      notice(S.sending, 'info');
      var events = waiting.filter(function (row) { return row.record.kind === 'event' && config.eventsUrl; });
      var contacts = waiting.filter(function (row) { return row.record.kind === 'contact' && config.contactsUrl; });
      var chain = Promise.resolve();
      if (events.length) { chain = chain.then(function () { return sendKind('event', events, report); }); }
      if (contacts.length) { chain = chain.then(function () { return sendKind('contact', contacts, report); }); }
      return chain.then(function () { return true; });
    }).then(function (sent) {
      if (sent) {
        notice('', 'info');
        renderReport(report);
      }
    }).catch(function () {
      if (report.failure === 'signin') {
        notice(S.signInAgain, 'warning');
        var link = document.createElement('a');
        link.href = config.loginUrl;
        link.className = 'ms-2';
        link.textContent = '→';
        $('#notice').appendChild(link);
      } else {
        notice(report.failure || S.cannotSend, 'warning');
      }
      if (report.created || report.already || report.refused) { renderReport(report); }
    }).then(function () {
      syncing = false;
      document.body.dataset.lastSync = String(Date.now());
      return renderPending();
    });
  }

  // --- Start ----------------------------------------------------------------------------------

  function opened() {
    showSection('work');
    $('#unlock-pin').value = '';
    $all('#setup input').forEach(function (input) { input.value = ''; });
    return loadContactForm().then(renderPending).then(function () {
      if (navigator.onLine) { return sync(); }
    });
  }

  function bindPage() {
    $('#setup-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var pin = $('#setup-pin').value;
      var box = $('[data-form-error]', event.target);
      var problem = pin.length < 6 ? S.pinTooShort : (pin !== $('#setup-pin-again').value ? S.pinMismatch : '');
      box.textContent = problem;
      box.hidden = !problem;
      if (problem) { return; }
      notice(S.unlocking, 'info');
      createKey(pin).then(function (key) { dataKey = key; notice('', 'info'); return opened(); });
    });
    $('#unlock-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var box = $('[data-form-error]', event.target);
      box.hidden = true;
      notice(S.unlocking, 'info');
      openKey($('#unlock-pin').value).then(function (key) {
        dataKey = key;
        notice('', 'info');
        return opened();
      }, function () {
        notice('', 'info');
        box.textContent = S.pinWrong;
        box.hidden = false;
      });
    });
    document.addEventListener('click', function (event) {
      var target = event.target.closest('[data-action], [data-show-form]');
      if (!target) { return; }
      if (target.dataset.showForm) { showForm(target.dataset.showForm); return; }
      var action = target.dataset.action;
      if (action === 'sync') { sync(); }
      if (action === 'lock') {
        dataKey = null;
        $('#pending-list').textContent = '';
        $('#report').hidden = true;
        showSection('unlock');
      }
      if (action === 'discard' && window.confirm(S.confirmDiscard)) {
        deleteRecord(target.dataset.recordId).then(renderPending);
      }
      if (action === 'forget' && window.confirm(S.confirmForget)) {
        myRecords().then(function (records) {
          return Promise.all(records.map(function (r) { return deleteRecord(r.id); }));
        }).then(function () {
          return run('keys', 'readwrite', function (s) { return s.delete(config.userId); });
        }).then(function () { showSection('setup'); });
      }
    });
    var eventForm = $('form[data-offline-form="event"]');
    if (eventForm) { bindForm(eventForm); }
    window.addEventListener('online', function () { updateNetwork(); sync(); });
    window.addEventListener('offline', updateNetwork);
  }

  function registerWorker() {
    if (!('serviceWorker' in navigator)) { notice(S.notReady, 'warning'); return; }
    navigator.serviceWorker.register(config.workerUrl, { scope: config.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (!config.contactFormUrl || !navigator.onLine) { return; }
      // The contact form is kept for who may record contacts only: the page asks for it.
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { resolve(); };
        registration.active.postMessage({ keep: config.contactFormUrl }, [channel.port2]);
      });
    }).then(function () {
      document.body.dataset.offlineReady = 'true';
    }).catch(function () { notice(S.notReady, 'warning'); });
  }

  function start() {
    updateNetwork();
    if (!window.crypto || !crypto.subtle || !window.indexedDB) {
      notice(S.noCrypto, 'danger');
      return;
    }
    bindPage();
    registerWorker();
    expire().then(getKeyRecord).then(function (keyRecord) {
      showSection(keyRecord ? 'unlock' : 'setup');
      document.body.dataset.started = 'true';
    });
  }

  start();
}());
