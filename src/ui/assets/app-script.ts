// The page's only script, served as /assets/app.js (no build step; the CSP forbids inline
// scripts). It turns Sync Now into a background request and follows /events for live progress.
// Every page works without it.
export const APP_SCRIPT = `'use strict';
(function () {
  var connection = document.getElementById('connection');
  function statusBox(form) {
    var box = document.getElementById('progress');
    if (!box) {
      box = document.createElement('p');
      box.id = 'progress';
      box.setAttribute('role', 'status');
      box.setAttribute('aria-live', 'polite');
      form.insertAdjacentElement('afterend', box);
    }
    return box;
  }
  function setButtons(disabled) {
    document.querySelectorAll('.sync-form button').forEach(function (b) { b.disabled = disabled; });
  }
  function showCounts(counts) {
    if (!counts) return;
    Object.keys(counts).forEach(function (key) {
      document.querySelectorAll('[data-count="' + key + '"]').forEach(function (el) {
        el.textContent = Number(counts[key]).toLocaleString('en');
      });
    });
  }
  var forms = document.querySelectorAll('.sync-form');
  var events = null;
  var subscribed = null;
  // Resolves once the server has us subscribed (its first message), so a sync started after it
  // cannot end unseen.
  function follow() {
    if (subscribed) return subscribed;
    if (!window.EventSource) return (subscribed = Promise.resolve());
    var ready;
    subscribed = new Promise(function (resolve) { ready = resolve; setTimeout(resolve, 3000); });
    events = new EventSource('/events');
    events.addEventListener('open', function () { if (connection) connection.hidden = true; });
    events.addEventListener('error', function () { if (connection) connection.hidden = false; });
    events.addEventListener('progress', function (e) {
      ready();
      var state = JSON.parse(e.data);
      var box = document.getElementById('progress');
      if (box) {
        box.textContent = state.text;
        box.dataset.running = state.running ? 'yes' : 'no';
      }
      if (state.running) setButtons(true);
    });
    events.addEventListener('finished', function (e) {
      var result = JSON.parse(e.data);
      var box = document.getElementById('progress') || (forms[0] && statusBox(forms[0]));
      if (box) {
        box.textContent = result.summary;
        box.dataset.running = 'no';
        box.className = result.ok ? 'ok' : 'error';
      }
      if (result.snapshot) {
        showCounts(result.snapshot.counts);
        var last = document.getElementById('last-sync');
        if (last) last.textContent = result.snapshot.lastSync;
      }
      setButtons(false);
    });
    return subscribed;
  }
  forms.forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var box = statusBox(form);
      box.className = '';
      box.textContent = 'Starting the sync…';
      setButtons(true);
      var token = form.querySelector('input[name=_csrf]').value;
      follow()
        .then(function () {
          return fetch('/sync', { method: 'POST', headers: { 'X-CSRF-Token': token, 'X-Requested-With': 'fetch' }, credentials: 'same-origin' });
        })
        .then(function (res) {
          // The end may already have been shown (a quick sync): keep it.
          if (res.status === 202) return res.json().then(function (body) { if (!box.className) box.textContent = body.text; });
          setButtons(false);
          box.className = 'error';
          box.textContent = res.status === 403
            ? 'Not started: this page is out of date (the status page was restarted). Reload the page and try again.'
            : res.status === 401 ? 'Not started: the access token is missing or changed. Open the address booklore-sync ui printed.'
            : 'Not started: the status page answered ' + res.status + '.';
        })
        .catch(function () {
          setButtons(false);
          box.className = 'error';
          box.textContent = 'Not started: the status page server is not answering. Nothing was sent; the queue is safe on disk.';
          if (connection) connection.hidden = false;
        });
    });
  });
  if (document.getElementById('progress')) follow();
})();
`;
