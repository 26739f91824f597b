// Reading aids on every page: search over the index built with the site (assets/search-index.js,
// a script so that it loads from file://), keyboard shortcuts, and the table of contents folded on
// narrow screens.
//
// Keys: "/" focuses the search box, Escape leaves it; ArrowLeft/ArrowRight (and "p"/"n") go to the
// previous/next page, except while typing or on a control (a figure's stepper takes its own arrows).
(function () {
  'use strict';
  var root = document.documentElement;

  // Query terms as SearchIndex.swift makes them: Hangul syllables and bigrams, Latin/digit words.
  function terms(text) {
    var out = [], word = '', hangul = [];
    function flushWord() { if (word) { out.push({ t: word, prefix: true }); } word = ''; }
    function flushHangul() {
      if (hangul.length === 1) { out.push({ t: hangul[0], prefix: false }); }
      for (var i = 0; i + 1 < hangul.length; i += 1) { out.push({ t: hangul[i] + hangul[i + 1], prefix: false }); }
      hangul = [];
    }
    for (var k = 0; k < text.length; k += 1) {
      var c = text[k], code = text.charCodeAt(k);
      if (code >= 0xAC00 && code <= 0xD7A3) { flushWord(); hangul.push(c); }
      else if (/[A-Za-z0-9_]/.test(c)) { flushHangul(); word += c.toLowerCase(); }
      else { flushWord(); flushHangul(); }
    }
    flushWord(); flushHangul();
    return out;
  }

  function postingsFor(map, term) {
    if (!term.prefix) { return map[term.t] || []; }
    var all = {};
    for (var key in map) {
      if (Object.prototype.hasOwnProperty.call(map, key) && key.lastIndexOf(term.t, 0) === 0) {
        map[key].forEach(function (d) { all[d] = true; });
      }
    }
    return Object.keys(all).map(Number);
  }

  // Documents that contain every term; more terms in the title rank first, then the book's order.
  function search(index, query) {
    var ts = terms(query);
    if (!ts.length) { return []; }
    var score = null;
    ts.forEach(function (t) {
      var inTitle = {}, found = {};
      postingsFor(index.title, t).forEach(function (d) { inTitle[d] = true; found[d] = true; });
      postingsFor(index.body, t).forEach(function (d) { found[d] = true; });
      var next = {};
      Object.keys(found).forEach(function (d) {
        if (score === null || d in score) { next[d] = (score === null ? 0 : score[d]) + (inTitle[d] ? 3 : 1); }
      });
      score = next;
    });
    return Object.keys(score).map(Number).sort(function (a, b) { return score[b] - score[a] || a - b; });
  }

  function setUpSearch() {
    var box = document.querySelector('.search input[type="search"]');
    var list = document.querySelector('.search-results');
    var status = document.querySelector('.search-status');
    if (!box || !list) { return; }
    var index = window.SOCKLAB_SEARCH;
    function render() {
      var q = box.value.trim();
      list.textContent = '';
      if (!q) { status.textContent = ''; list.hidden = true; return; }
      if (!index) { status.textContent = '검색 색인을 불러오지 못했습니다.'; return; }
      var found = search(index, q);
      status.textContent = found.length ? '결과 ' + found.length + '개' : '결과 없음';
      list.hidden = found.length === 0;
      found.slice(0, 20).forEach(function (d) {
        var doc = index.docs[d];
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = doc[0];
        a.textContent = doc[1];
        li.appendChild(a);
        if (doc[1] !== doc[2]) {
          var where = document.createElement('span');
          where.className = 'search-where';
          where.textContent = doc[2];
          li.appendChild(where);
        }
        list.appendChild(li);
      });
    }
    box.addEventListener('input', render);
    box.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { box.value = ''; render(); box.blur(); }
      if (e.key === 'Enter') { var first = list.querySelector('a'); if (first) { window.location.href = first.href; } }
    });
    // A test and sharing hook: ?q=WORDS fills the box and searches.
    var match = /[?&]q=([^&]*)/.exec(window.location.search);
    if (match) { box.value = decodeURIComponent(match[1].replace(/\+/g, ' ')); render(); }
  }

  function typing(el) {
    if (!el || el === document.body) { return false; }
    var tag = el.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || tag === 'BUTTON' || el.isContentEditable
      || !!el.closest('figure, .stepper');
  }

  function setUpKeys() {
    document.addEventListener('keydown', function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) { return; }
      var box = document.querySelector('.search input[type="search"]');
      if (e.key === '/' && !typing(document.activeElement) && box) {
        e.preventDefault();
        box.focus();
        return;
      }
      if (typing(document.activeElement)) { return; }
      var rel = null;
      if (e.key === 'ArrowLeft' || e.key === 'p') { rel = 'prev'; }
      if (e.key === 'ArrowRight' || e.key === 'n') { rel = 'next'; }
      if (!rel) { return; }
      var link = document.querySelector('a[rel="' + rel + '"]');
      if (link) { e.preventDefault(); window.location.href = link.href; }
    });
  }

  // The table of contents starts open (so it reads without script) and folds on narrow screens.
  function setUpToc() {
    var details = document.querySelector('details.toc-fold');
    if (details && window.matchMedia && window.matchMedia('(max-width: 60rem)').matches) { details.removeAttribute('open'); }
  }

  function start() {
    setUpToc();
    setUpSearch();
    setUpKeys();
    root.setAttribute('data-reader', 'ready');
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
}());
