/*
 * Cascading region picker (province → regency → district → village) for
 * satuatap.regions.forms.RegionPickerWidget. No inline script needed: include this file
 * (`{{ form.media }}` does) and every [data-region-picker] on the page, or later swapped in
 * by htmx, is enhanced.
 *
 * The server renders each level's options for the current value, so the picker is usable
 * before (and without) this script. Once enhanced, the selects lose their names and the
 * hidden input (the field's name) carries the deepest code chosen; it fires `change` so
 * other code can listen. Children are fetched from `${data-api-url}?parent=CODE`.
 */
(function () {
  'use strict';

  function labelFor(option, duplicated) {
    return duplicated[option.text] > 1 ? option.text + ' (' + option.value + ')' : option.text;
  }

  function initPicker(root) {
    if (root.dataset.regionPickerReady) {
      return;
    }
    root.dataset.regionPickerReady = 'true';

    var apiUrl = root.dataset.apiUrl;
    var hidden = root.querySelector('[data-region-picker-value]');
    var selects = Array.prototype.slice.call(root.querySelectorAll('select[data-region-picker-level]'));
    var searchBox = root.querySelector('[data-region-picker-search-box]');
    var search = root.querySelector('[data-region-picker-search]');
    var searchLabel = root.querySelector('[data-region-picker-search-label]');
    var suggestions = root.querySelector('[data-region-picker-suggestions]');
    var error = root.querySelector('[data-region-picker-error]');
    var pending = null;

    selects.forEach(function (select) {
      select.removeAttribute('name');
    });

    function currentSelect() {
      for (var i = 0; i < selects.length; i++) {
        if (!selects[i].disabled && !selects[i].value) {
          return selects[i];
        }
      }
      return selects[selects.length - 1];
    }

    function realOptions(select) {
      return Array.prototype.slice.call(select.options).filter(function (option) {
        return option.value !== '';
      });
    }

    function refreshSearch() {
      var select = currentSelect();
      var options = realOptions(select);
      var counts = {};
      options.forEach(function (option) {
        counts[option.text] = (counts[option.text] || 0) + 1;
      });
      searchLabel.textContent = select.dataset.searchLabel;
      suggestions.replaceChildren.apply(suggestions, options.map(function (option) {
        var item = document.createElement('option');
        item.value = labelFor(option, counts);
        return item;
      }));
      search.disabled = select.disabled || options.length === 0;
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

    function loadChildren(select, parentCode) {
      if (pending) {
        pending.abort();
      }
      var controller = new AbortController();
      pending = controller;
      select.setAttribute('aria-busy', 'true');
      var url = apiUrl + (apiUrl.indexOf('?') === -1 ? '?' : '&') + 'parent=' + encodeURIComponent(parentCode);
      fetch(url, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
        signal: controller.signal
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
          if (reason.name !== 'AbortError') {
            error.hidden = false;
          }
        })
        .finally(function () {
          select.removeAttribute('aria-busy');
          if (pending === controller) {
            pending = null;
          }
          refreshSearch();
        });
    }

    function onLevelChange(index) {
      clearBelow(index);
      setHidden();
      var select = selects[index];
      if (select.value && index + 1 < selects.length) {
        loadChildren(selects[index + 1], select.value);
      } else if (pending) {
        pending.abort();
      }
      refreshSearch();
    }

    selects.forEach(function (select, index) {
      select.addEventListener('change', function () {
        onLevelChange(index);
      });
    });

    function pickFromSearch(allowPartial) {
      var text = search.value.trim().toLowerCase();
      if (!text) {
        return false;
      }
      var select = currentSelect();
      var options = realOptions(select);
      var counts = {};
      options.forEach(function (option) {
        counts[option.text] = (counts[option.text] || 0) + 1;
      });
      var matches = options.filter(function (option) {
        return labelFor(option, counts).toLowerCase() === text;
      });
      if (matches.length === 0 && allowPartial) {
        matches = options.filter(function (option) {
          return option.text.toLowerCase().indexOf(text) !== -1;
        });
      }
      if (matches.length !== 1) {
        return false;
      }
      select.value = matches[0].value;
      search.value = '';
      onLevelChange(selects.indexOf(select));
      return true;
    }

    search.addEventListener('input', function () {
      pickFromSearch(false);
    });
    search.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        // Enter picks the single option containing the text instead of submitting the form.
        event.preventDefault();
        pickFromSearch(true);
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
    refreshSearch();
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
