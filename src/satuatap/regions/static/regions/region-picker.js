/*
 * Region picker (province → regency → district → village) for
 * satuatap.regions.forms.RegionPickerWidget. No inline script needed: include this file
 * (`{{ form.media }}` does) and every [data-region-picker] on the page, or later swapped in
 * by htmx, is enhanced.
 *
 * The server renders each level's options for the current value (or for the office's regency,
 * `data-near`), so the picker is usable before (and without) this script. Once enhanced, the
 * selects lose their names and the hidden input (the field's name) carries the deepest code
 * chosen; it fires `change` so other code can listen. Children are fetched from
 * `${data-api-url}?parent=CODE`.
 *
 * One type-ahead searches every level at once (`${data-api-url}/search?q=…&near=…`): each match
 * says what it is ("Desa X, Kec. Y, Kab. Z") and picking one fills the lists. Enter takes the
 * text when it names one place; when it could be several, the box says so and lists them.
 */
(function () {
  'use strict';

  function ancestors(code) {
    var parts = code.split('.');
    return parts.map(function (_part, index) {
      return parts.slice(0, index + 1).join('.');
    });
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function initPicker(root) {
    if (root.dataset.regionPickerReady) {
      return;
    }
    root.dataset.regionPickerReady = 'true';

    var apiUrl = root.dataset.apiUrl;
    var searchUrl = apiUrl.split('?')[0].replace(/\/$/, '') + '/search';
    var near = root.dataset.near || '';
    var targetLevel = parseInt(root.dataset.level, 10);
    var hidden = root.querySelector('[data-region-picker-value]');
    var selects = Array.prototype.slice.call(root.querySelectorAll('select[data-region-picker-level]'));
    var searchBox = root.querySelector('[data-region-picker-search-box]');
    var search = root.querySelector('[data-region-picker-search]');
    var status = root.querySelector('[data-region-picker-status]');
    var list = root.querySelector('[data-region-picker-matches]');
    var error = root.querySelector('[data-region-picker-error]');
    var messages = {};
    root.querySelector('[data-region-picker-messages]').content
      .querySelectorAll('[data-message]').forEach(function (node) {
        messages[node.dataset.message] = node.textContent;
      });
    var pending = null;
    var matches = [];
    var matchesFor = null;
    var searching = null;
    var timer = null;

    selects.forEach(function (select) {
      select.removeAttribute('name');
    });

    function url(params) {
      return apiUrl + (apiUrl.indexOf('?') === -1 ? '?' : '&') + params;
    }

    function realOptions(select) {
      return Array.prototype.slice.call(select.options).filter(function (option) {
        return option.value !== '';
      });
    }

    function clearBelow(index) {
      for (var i = index + 1; i < selects.length; i++) {
        selects[i].replaceChildren(selects[i].options[0]);
        selects[i].value = '';
        selects[i].disabled = true;
      }
    }

    function setHidden() {
      var code = '';
      selects.forEach(function (select) {
        if (select.value && !select.disabled) {
          code = select.value;
        }
      });
      if (hidden.value !== code) {
        hidden.value = code;
        hidden.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }

    function fetchChildren(select, parentCode) {
      select.setAttribute('aria-busy', 'true');
      return fetch(url('parent=' + encodeURIComponent(parentCode)), {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error('HTTP ' + response.status);
          }
          return response.json();
        })
        .then(function (regions) {
          var placeholder = select.options[0];
          select.replaceChildren(placeholder);
          regions.forEach(function (region) {
            select.add(new Option(region.name, region.code));
          });
          select.disabled = false;
          error.hidden = true;
        })
        .catch(function (reason) {
          error.hidden = false;
          throw reason;
        })
        .finally(function () {
          select.removeAttribute('aria-busy');
        });
    }

    function loadChildren(select, parentCode) {
      var token = {};
      pending = token;
      fetchChildren(select, parentCode).catch(function () {}).finally(function () {
        if (pending === token) {
          pending = null;
        }
      });
    }

    function onLevelChange(index) {
      clearBelow(index);
      setHidden();
      var select = selects[index];
      if (select.value && index + 1 < selects.length) {
        loadChildren(selects[index + 1], select.value);
      }
    }

    selects.forEach(function (select, index) {
      select.addEventListener('change', function () {
        onLevelChange(index);
      });
    });

    function hasOption(select, code) {
      return realOptions(select).some(function (option) {
        return option.value === code;
      });
    }

    // Fill the lists down to `code` (loading each level that does not hold it yet), then the
    // children of `code` when it is above the level the field wants.
    function choose(match) {
      var path = ancestors(match.code);
      var step = Promise.resolve();
      pending = null;
      path.forEach(function (code, index) {
        step = step.then(function () {
          var select = selects[index];
          if (!hasOption(select, code)) {
            return fetchChildren(select, path[index - 1]).then(function () {
              select.value = code;
            });
          }
          select.disabled = false;
          select.value = code;
          return null;
        });
      });
      return step.then(function () {
        var index = path.length - 1;
        clearBelow(index);
        setHidden();
        list.replaceChildren();
        list.hidden = true;
        search.value = '';
        if (path.length < targetLevel) {
          status.textContent = format(messages.narrowed, { label: match.label });
          return fetchChildren(selects[index + 1], match.code).then(function () {
            selects[index + 1].focus();
          });
        }
        status.textContent = format(messages.chosen, { label: match.label });
        return null;
      }).catch(function () {});
    }

    function showMatches(found, text) {
      list.replaceChildren.apply(list, found.map(function (match) {
        var item = document.createElement('li');
        item.className = 'list-group-item p-0';
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'btn btn-link text-start w-100 px-3 py-1';
        button.textContent = match.label;
        button.dataset.code = match.code;
        button.addEventListener('click', function () {
          choose(match);
        });
        item.appendChild(button);
        return item;
      }));
      list.hidden = found.length === 0;
      if (found.length === 0) {
        status.textContent = format(messages.none, { text: text });
      } else {
        status.textContent = format(messages.found, { count: found.length });
      }
    }

    function fetchMatches(text) {
      if (matchesFor === text && searching === null) {
        return Promise.resolve(matches);
      }
      if (searching && searching.text === text) {
        return searching.promise;
      }
      var params = 'q=' + encodeURIComponent(text) + '&level=' + targetLevel +
        (near ? '&near=' + encodeURIComponent(near) : '');
      var promise = fetch(searchUrl + '?' + params, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      }).then(function (found) {
        if (search.value.trim() === text) {
          matches = found;
          matchesFor = text;
        }
        return found;
      }).finally(function () {
        if (searching && searching.promise === promise) {
          searching = null;
        }
      });
      searching = { text: text, promise: promise };
      return promise;
    }

    function normalised(text) {
      return text.replace(/\s+/g, ' ').trim().toLowerCase();
    }

    // The one place `text` means, or null: its label; else the one place of the field's level
    // of that exact name, in the office's regency first; else the only match.
    function meant(found, text) {
      var wanted = normalised(text);
      var byLabel = found.filter(function (match) {
        return normalised(match.label) === wanted;
      });
      if (byLabel.length === 1) {
        return byLabel[0];
      }
      var named = found.filter(function (match) {
        return match.level === targetLevel && normalised(match.name) === wanted;
      });
      var nearNamed = named.filter(function (match) {
        return match.is_near;
      });
      if (nearNamed.length === 1) {
        return nearNamed[0];
      }
      if (named.length === 1) {
        return named[0];
      }
      if (named.length === 0 && found.length === 1) {
        return found[0];
      }
      return null;
    }

    function onInput() {
      var text = search.value.trim();
      window.clearTimeout(timer);
      if (text.length < 2) {
        list.replaceChildren();
        list.hidden = true;
        status.textContent = messages.short;
        return;
      }
      timer = window.setTimeout(function () {
        fetchMatches(text).then(function (found) {
          if (search.value.trim() === text) {
            showMatches(found, text);
          }
        }).catch(function () {
          error.hidden = false;
        });
      }, 250);
    }

    function onEnter() {
      var text = search.value.trim();
      window.clearTimeout(timer);
      if (text.length < 2) {
        status.textContent = messages.short;
        return;
      }
      fetchMatches(text).then(function (found) {
        var match = meant(found, text);
        if (match) {
          choose(match);
          return;
        }
        showMatches(found, text);
        if (found.length > 1) {
          status.textContent = format(messages.ambiguous, { text: text });
        }
      }).catch(function () {
        error.hidden = false;
      });
    }

    search.addEventListener('input', onInput);
    search.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        // Enter takes the place typed instead of submitting the form.
        event.preventDefault();
        onEnter();
      } else if (event.key === 'ArrowDown' && !list.hidden) {
        event.preventDefault();
        var first = list.querySelector('button');
        if (first) {
          first.focus();
        }
      }
    });
    list.addEventListener('keydown', function (event) {
      var buttons = Array.prototype.slice.call(list.querySelectorAll('button'));
      var index = buttons.indexOf(document.activeElement);
      if (event.key === 'ArrowDown' && index + 1 < buttons.length) {
        event.preventDefault();
        buttons[index + 1].focus();
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        (index > 0 ? buttons[index - 1] : search).focus();
      }
    });

    // A choice made before this (deferred) script ran fired no listener: load the children
    // of the deepest choice when the level below is not its children yet.
    function catchUp() {
      for (var i = 0; i + 1 < selects.length; i++) {
        var code = selects[i].value;
        if (!code || selects[i].disabled) {
          break;
        }
        var child = selects[i + 1];
        var options = realOptions(child);
        var isChildren = options.length > 0 && options.every(function (option) {
          return option.value.indexOf(code + '.') === 0;
        });
        if (child.disabled || !isChildren) {
          onLevelChange(i);
          return;
        }
      }
      setHidden();
    }

    searchBox.hidden = false;
    catchUp();
  }

  function initAll(scope) {
    if (scope.matches && scope.matches('[data-region-picker]')) {
      initPicker(scope);
    }
    if (scope.querySelectorAll) {
      scope.querySelectorAll('[data-region-picker]').forEach(initPicker);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () {
      initAll(document);
    });
  } else {
    initAll(document);
  }
  document.addEventListener('htmx:load', function (event) {
    initAll(event.target);
  });
})();
