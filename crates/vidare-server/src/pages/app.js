// Progressive enhancement only: every page works without this script.
//
// 1. Quick exit leaves with location.replace, so the current page is not
//    left behind in the history; pressing Escape twice does the same.
// 2. Forms and links inside the interview replace the current history
//    entry instead of adding one, so the whole interview occupies a single
//    entry, which the quick exit then replaces.
(function () {
  'use strict';

  var exit = document.getElementById('quick-exit');

  function quickExit(event) {
    if (event) { event.preventDefault(); }
    var target = exit.getAttribute('href');
    document.title = '';
    document.body.textContent = '';
    window.location.replace(target);
  }

  if (exit) {
    exit.addEventListener('click', quickExit);
    var lastEscape = 0;
    document.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape') { return; }
      var now = Date.now();
      if (now - lastEscape < 1000) { quickExit(event); }
      lastEscape = now;
    });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var method = (form.getAttribute('method') || 'get').toLowerCase();
    // form.action would name the button called "action": read the attribute.
    var target = new URL(form.getAttribute('action') || '', window.location.href);
    event.preventDefault();
    var data = new FormData(form, event.submitter || undefined);
    var params = new URLSearchParams();
    data.forEach(function (value, key) { params.append(key, String(value)); });
    if (method !== 'post') {
      target.search = params.toString();
      window.location.replace(target.toString());
      return;
    }
    fetch(target.toString(), {
      method: 'POST',
      body: params,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    }).then(function (response) {
      if (response.redirected) {
        window.location.replace(response.url);
        return null;
      }
      return response.text().then(function (html) {
        document.open();
        document.write(html);
        document.close();
      });
    }).catch(function () {
      form.submit();
    });
  });

  document.addEventListener('click', function (event) {
    if (event.defaultPrevented || event.button !== 0 ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    var link = event.target.closest && event.target.closest('a[data-replace]');
    if (!link) { return; }
    event.preventDefault();
    window.location.replace(link.href);
  });
})();
