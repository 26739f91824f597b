// Step-through figures: shows one precomputed frame at a time. Without this script every frame is
// shown in order, so the page still reads (and prints) completely.
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');

  function setUp(figure) {
    var frames = figure.querySelectorAll('.frame');
    var stepper = figure.querySelector('.stepper');
    if (frames.length < 2 || !stepper) { return; }
    var range = stepper.querySelector('.step-range');
    var pos = stepper.querySelector('.step-pos');
    var prev = stepper.querySelector('.step-prev');
    var next = stepper.querySelector('.step-next');
    var current = 0;

    function show(i) {
      current = Math.max(0, Math.min(frames.length - 1, i));
      for (var k = 0; k < frames.length; k += 1) {
        if (k === current) { frames[k].removeAttribute('hidden'); } else { frames[k].setAttribute('hidden', 'hidden'); }
      }
      range.value = String(current + 1);
      pos.textContent = (current + 1) + ' / ' + frames.length;
      prev.disabled = current === 0;
      next.disabled = current === frames.length - 1;
      figure.setAttribute('data-current', String(current + 1));
    }

    prev.addEventListener('click', function () { show(current - 1); });
    next.addEventListener('click', function () { show(current + 1); });
    range.addEventListener('input', function () { show(Number(range.value) - 1); });
    figure.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowLeft') { show(current - 1); }
      if (e.key === 'ArrowRight') { show(current + 1); }
    });
    stepper.removeAttribute('hidden');
    figure.classList.add('stepping');
    show(0);
  }

  function start() {
    var figures = document.querySelectorAll('figure.sim-figure');
    for (var i = 0; i < figures.length; i += 1) { setUp(figures[i]); }
    // A test hook: ?step=N advances every figure N frames, so a headless browser can check stepping.
    var match = /[?&]step=(\d+)/.exec(window.location.search);
    if (match) {
      var n = Number(match[1]);
      var buttons = document.querySelectorAll('.step-next');
      for (var b = 0; b < buttons.length; b += 1) { for (var s = 0; s < n; s += 1) { buttons[b].click(); } }
    }
    root.setAttribute('data-stepper', 'ready');
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
}());
