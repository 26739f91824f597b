// Step-through figures: shows one precomputed frame at a time. Without this script every frame is
// shown in order, so the page still reads (and prints) completely.
//
// Keys (on any control of the figure): ArrowLeft/ArrowRight one frame, Home/End the first/last.
// The handler takes the key and prevents the slider's own handling, so one press is one frame.
// The ends are marked with aria-disabled rather than `disabled`: a disabled button loses focus
// (to <body>), an aria-disabled one keeps it. Each change announces the frame's own label and
// description (its SVG <desc>) through a polite live region.
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
    var live = figure.querySelector('.step-live');
    var current = 0;

    function describe(i) {
      var frame = frames[i];
      var label = frame.querySelector('.frame-label');
      var desc = frame.querySelector('svg desc');
      var text = (i + 1) + ' / ' + frames.length + '단계.';
      // The description names the step in words; the label (in the figure's notation) only
      // stands in when a frame has no description.
      if (desc && desc.textContent) { text += ' ' + desc.textContent; }
      else if (label) { text += ' ' + label.textContent.replace(/^\s*\d+\/\d+\s*/, '') + '.'; }
      return text;
    }

    function show(i, announce) {
      current = Math.max(0, Math.min(frames.length - 1, i));
      for (var k = 0; k < frames.length; k += 1) {
        if (k === current) { frames[k].removeAttribute('hidden'); } else { frames[k].setAttribute('hidden', 'hidden'); }
      }
      range.value = String(current + 1);
      range.setAttribute('aria-valuetext', (current + 1) + ' / ' + frames.length + '단계');
      pos.textContent = (current + 1) + ' / ' + frames.length;
      prev.setAttribute('aria-disabled', current === 0 ? 'true' : 'false');
      next.setAttribute('aria-disabled', current === frames.length - 1 ? 'true' : 'false');
      figure.setAttribute('data-current', String(current + 1));
      if (announce && live) { live.textContent = describe(current); }
    }

    prev.addEventListener('click', function () { show(current - 1, true); });
    next.addEventListener('click', function () { show(current + 1, true); });
    range.addEventListener('input', function () { show(Number(range.value) - 1, true); });
    stepper.addEventListener('keydown', function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) { return; }
      var to = null;
      if (e.key === 'ArrowLeft') { to = current - 1; }
      if (e.key === 'ArrowRight') { to = current + 1; }
      if (e.key === 'Home') { to = 0; }
      if (e.key === 'End') { to = frames.length - 1; }
      if (to === null) { return; }
      e.preventDefault();
      show(to, true);
    });
    stepper.removeAttribute('hidden');
    figure.classList.add('stepping');
    show(0, false);
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
