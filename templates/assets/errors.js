// Records script errors on <html data-errors="...">, so a headless browser test can read them back.
(function () {
  'use strict';
  var root = document.documentElement;
  function note(message) {
    root.setAttribute('data-errors', (root.getAttribute('data-errors') || '') + message + ';');
  }
  window.addEventListener('error', function (e) { note(e.message || 'error'); });
  window.addEventListener('unhandledrejection', function (e) { note(String(e.reason)); });
}());
