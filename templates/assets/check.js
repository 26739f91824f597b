// The offline answer-file checker of check.html: reads the file the student chooses (nothing is
// sent anywhere) and lists each format problem with its line, from window.SOCKLAB_SCHEMA (ids,
// kinds, choices, parameter names; the site's build writes it, with no key and no query in it).
//
// It reads the answer file's YAML as the template writes it (mappings by indentation, flow lists
// [a, b] and mappings {k: v}, quoted and plain scalars, block lists) and says nothing about
// correctness. A value it is not sure the grader cannot read is never flagged: a false alarm
// would teach students to distrust the checker.
(function () {
  'use strict';

  var STUDENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
  // Characters that YAML gives a meaning at the start of a plain value.
  var INDICATORS = {
    '*': '*로 시작하는 값은 YAML에서 별칭(alias)으로 읽힙니다',
    '&': '&로 시작하는 값은 YAML에서 앵커(anchor)로 읽힙니다',
    '!': '!로 시작하는 값은 YAML에서 태그로 읽힙니다',
    '%': '%로 시작하는 값은 YAML에서 지시어로 읽힙니다',
    '@': '@로 시작하는 값은 YAML에서 쓸 수 없습니다',
    '`': '`로 시작하는 값은 YAML에서 쓸 수 없습니다',
    '|': '|로 시작하는 값은 여러 줄 블록으로 읽힙니다',
    '>': '>로 시작하는 값은 여러 줄 블록으로 읽힙니다'
  };

  function Problem(line, id, message, severity) {
    return { line: line, id: id, message: message, severity: severity || 'error' };
  }

  // Levenshtein distance, for "did you mean" on a misspelled id.
  function distance(a, b) {
    var prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
      }
      prev = cur;
    }
    return prev[b.length];
  }

  function nearest(word, candidates) {
    var best = null, bestD = Infinity;
    candidates.forEach(function (c) {
      var d = distance(word.toLowerCase(), c.toLowerCase());
      if (d < bestD) { best = c; bestD = d; }
    });
    return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
  }

  function suggest(word, candidates) {
    var n = nearest(word, candidates);
    return n ? ' 혹시 ‘' + n + '’인가요?' : '';
  }

  // ---- Reading the YAML of an answer file -------------------------------------------------

  // The end of a line's content: a '#' that starts a comment (outside quotes, after a space).
  function stripComment(text) {
    var quote = null;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quote) {
        if (c === quote) {
          if (quote === "'" && text[i + 1] === "'") { i++; continue; }
          quote = null;
        } else if (c === '\\' && quote === '"') {
          i++;
        }
      } else if ((c === '"' || c === "'") && (i === 0 || /[\s\[{,:]/.test(text[i - 1]))) {
        quote = c;
      } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
        return text.slice(0, i);
      }
    }
    return text;
  }

  // A quoted scalar at the start of s: { value, rest } or { error }.
  function quoted(s) {
    var q = s[0], out = '', i = 1;
    while (i < s.length) {
      var c = s[i];
      if (q === '"' && c === '\\') {
        var n = s[i + 1];
        out += n === 'n' ? '\n' : n === 't' ? '\t' : (n === undefined ? '' : n);
        i += 2;
        continue;
      }
      if (c === q) {
        if (q === "'" && s[i + 1] === "'") { out += "'"; i += 2; continue; }
        return { value: out, rest: s.slice(i + 1) };
      }
      out += c;
      i++;
    }
    return { error: '따옴표(' + q + ')가 닫히지 않았습니다' };
  }

  // Splits the inside of a flow collection at top-level commas.
  function splitFlow(s) {
    var parts = [], depth = 0, quote = null, start = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s[i];
      if (quote) {
        if (c === quote) quote = null;
        else if (c === '\\' && quote === '"') i++;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') depth--;
      else if (c === ',' && depth === 0) { parts.push(s.slice(start, i)); start = i + 1; }
    }
    if (quote) return null;
    parts.push(s.slice(start));
    return parts;
  }

  // A scalar inside a flow collection or on its own: { value } or { error }.
  function scalar(s) {
    s = s.trim();
    if (s === '') return { value: '' };
    if (s[0] === '"' || s[0] === "'") {
      var q = quoted(s);
      if (q.error) return q;
      if (q.rest.trim() !== '') return { error: '닫는 따옴표 뒤에 다른 글자가 있습니다: ' + q.rest.trim() };
      return { value: q.value, quoted: true };
    }
    if (INDICATORS[s[0]]) {
      return { error: INDICATORS[s[0]] + '. 따옴표로 감싸세요 (예: "' + s.replace(/"/g, '\\"') + '")', id: 'answer.needs-quotes' };
    }
    if (/:\s/.test(s) || /:$/.test(s)) return { error: '값 안에 ‘: ’가 있으면 YAML이 키로 읽습니다. 따옴표로 감싸세요' };
    return { value: s };
  }

  // A value written after "key:", as { type: 'empty'|'scalar'|'list'|'map', value } or { error }.
  function value(text) {
    var s = text.trim();
    if (s === '' || s === '~' || /^null$/i.test(s)) return { type: 'empty' };
    var inner, parts, i;
    if (s[0] === '[') {
      if (s[s.length - 1] !== ']') return { error: '목록의 대괄호 [ ]가 짝이 맞지 않습니다' };
      inner = s.slice(1, -1);
      parts = splitFlow(inner);
      if (parts === null) return { error: '목록 안의 따옴표가 닫히지 않았습니다' };
      var items = [];
      if (inner.trim() !== '') {
        for (i = 0; i < parts.length; i++) {
          var item = scalar(parts[i]);
          if (item.error) return item;
          items.push(item.value);
        }
      }
      return { type: 'list', value: items };
    }
    if (s[0] === '{') {
      if (s[s.length - 1] !== '}') return { error: '중괄호 { }가 짝이 맞지 않습니다' };
      inner = s.slice(1, -1);
      parts = splitFlow(inner);
      if (parts === null) return { error: '중괄호 안의 따옴표가 닫히지 않았습니다' };
      var map = {}, keys = [];
      if (inner.trim() !== '') {
        for (i = 0; i < parts.length; i++) {
          var colon = parts[i].indexOf(':');
          if (colon < 0) return { error: '{ } 안의 ‘' + parts[i].trim() + '’에 콜론(:)이 없습니다 (예: {send 1: 300})' };
          var k = scalar(parts[i].slice(0, colon)), v = scalar(parts[i].slice(colon + 1));
          if (k.error) return k;
          if (v.error) return v;
          if (Object.prototype.hasOwnProperty.call(map, k.value)) return { error: '{ } 안에 ‘' + k.value + '’가 두 번 있습니다' };
          map[k.value] = v.value;
          keys.push(k.value);
        }
      }
      return { type: 'map', value: map, keys: keys };
    }
    if (s[0] === ']' || s[0] === '}') return { error: '여는 괄호 없이 ‘' + s[0] + '’가 있습니다' };
    var one = scalar(s);
    if (one.error) return one;
    return { type: 'scalar', value: one.value };
  }

  // The file as nodes: { key, line, value, children } by indentation. Problems found on the way
  // (tabs, lines without a colon, bad indentation, duplicate keys, unreadable values) go to
  // `problems`; a line that cannot be read is left out and the rest is still read.
  function parse(text, problems) {
    if (text.charCodeAt(0) === 0xFEFF) text = text.slice(1);
    var lines = text.split(/\r\n|\n|\r/);
    var root = { key: null, line: 0, indent: -1, children: [], keys: {} };
    var stack = [root];
    for (var n = 0; n < lines.length; n++) {
      var lineNo = n + 1;
      var raw = lines[n];
      var lead = /^[ \t]*/.exec(raw)[0];
      var content = stripComment(raw).replace(/\s+$/, '');
      if (content.trim() === '') continue;
      if (content.trim() === '---') continue;
      if (lead.indexOf('\t') >= 0) {
        problems.push(Problem(lineNo, 'answer.malformed', '들여쓰기에 탭이 있습니다. 공백으로 들여쓰세요'));
        continue;
      }
      var indent = lead.length;
      var body = content.slice(indent);
      var dash = body[0] === '-' && (body.length === 1 || body[1] === ' ');
      // YAML lets a key's block list start at the key's own indentation.
      var top = stack[stack.length - 1];
      if (dash && top !== root && top.indent === indent && (top.value.type === 'empty' || top.value.type === 'blocklist')) {
        stack.push({ key: top.key, line: top.line, indent: indent - 1, children: [], keys: {}, value: top.value, alias: top });
      }
      if (!dash) while (stack[stack.length - 1].alias) stack.pop();
      while (stack.length > 1 && indent <= stack[stack.length - 1].indent) stack.pop();
      var parent = stack[stack.length - 1];
      if (dash) {
        // A block list item: belongs to the last key that has no value yet.
        if (parent.value && parent.value.type !== 'empty' && parent.value.type !== 'blocklist') {
          problems.push(Problem(lineNo, 'answer.malformed', '‘- ’ 목록 항목이 올 자리가 아닙니다'));
          continue;
        }
        var item = scalar(body.slice(1));
        if (item.error) { problems.push(Problem(lineNo, item.id || 'answer.malformed', item.error)); continue; }
        var owner = parent.alias || parent;
        if (!owner.value || owner.value.type === 'empty') owner.value = { type: 'blocklist', value: [] };
        parent.value = owner.value;
        owner.value.value.push(item.value);
        parent.listIndent = indent;
        continue;
      }
      if (parent.children.length > 0 && parent.childIndent !== indent) {
        problems.push(Problem(lineNo, 'answer.malformed', '들여쓰기가 위의 줄들과 맞지 않습니다 (' + indent + '칸, 같은 단계는 ' + parent.childIndent + '칸)'));
        continue;
      }
      if (parent !== root && parent.value && parent.value.type !== 'empty' && parent.value.type !== 'blocklist') {
        problems.push(Problem(lineNo, 'answer.malformed', '값이 있는 키 아래에 다시 들여 쓴 줄이 있습니다'));
        continue;
      }
      var keyText, rest;
      if (body[0] === '"' || body[0] === "'") {
        var qk = quoted(body);
        if (qk.error) { problems.push(Problem(lineNo, 'answer.malformed', qk.error)); continue; }
        if (!/^\s*:/.test(qk.rest)) { problems.push(Problem(lineNo, 'answer.malformed', '키 뒤에 콜론(:)이 없습니다')); continue; }
        keyText = qk.value;
        rest = qk.rest.replace(/^\s*:/, '');
      } else {
        var m = /^([^:]*?)\s*:(\s|$)/.exec(body);
        if (!m) {
          problems.push(Problem(lineNo, 'answer.malformed', '‘키: 값’ 꼴이 아닙니다: ' + body.trim()));
          continue;
        }
        keyText = m[1];
        rest = body.slice(m[0].length - (m[2] ? m[2].length : 0));
      }
      var node = { key: keyText, line: lineNo, indent: indent, children: [], keys: {} };
      var v = value(rest);
      if (v.error) {
        problems.push(Problem(lineNo, v.id || 'answer.malformed', v.error));
        node.value = { type: 'bad' };
      } else {
        node.value = v;
      }
      if (Object.prototype.hasOwnProperty.call(parent.keys, keyText)) {
        problems.push(Problem(lineNo, 'answer.duplicate-key', '‘' + keyText + '’가 ' + parent.keys[keyText] + '번째 줄에도 있습니다'));
        parent.childIndent = indent;
        continue;
      }
      parent.keys[keyText] = lineNo;
      parent.childIndent = indent;
      parent.children.push(node);
      stack.push(node);
    }
    return root;
  }

  // ---- Kinds --------------------------------------------------------------------------------

  function normalState(s) { return s.toUpperCase().replace(/[^A-Z0-9]/g, ''); }

  // Why a written answer cannot be read as the question's kind, or null when it can (or when
  // the checker is not sure it cannot).
  function kindProblem(q, v, schema) {
    var sp = schema.spellings;
    var type = v.type === 'blocklist' ? 'list' : v.type;
    var name = q.kindName;
    switch (q.kind) {
      case 'integer':
        if (type !== 'scalar') return name + '(정수 하나, 예: 500, 또는 never)를 묻는 문항인데 목록이나 { }를 썼습니다';
        var s = v.value.trim().toLowerCase();
        if (/\d/.test(s) || sp.never.indexOf(s) >= 0) return null;
        return '‘' + v.value + '’는 정수가 아닙니다. 정수 하나(예: 500) 또는 never로 쓰세요';
      case 'yesno':
        if (type !== 'scalar') return '예/아니요 문항입니다: yes 또는 no로 쓰세요';
        var w = v.value.trim().toLowerCase();
        if (sp.yes.indexOf(w) >= 0 || sp.no.indexOf(w) >= 0) return null;
        return '‘' + v.value + '’는 예/아니요로 읽을 수 없습니다. yes 또는 no (예/아니요)로 쓰세요';
      case 'choice':
        var c = type === 'scalar' ? v.value.trim().toLowerCase() : null;
        if (c !== null && q.choices.some(function (x) { return x.toLowerCase() === c; })) return null;
        return '다음 중 하나로 쓰세요: ' + q.choices.join(', ');
      case 'state':
        if (type !== 'scalar') return 'TCP 상태 이름 하나(예: ESTABLISHED)로 쓰세요';
        var key = normalState(v.value);
        for (var st in sp.states) {
          if (Object.prototype.hasOwnProperty.call(sp.states, st) && sp.states[st].indexOf(key) >= 0) return null;
        }
        return '‘' + v.value + '’는 TCP 상태 이름이 아닙니다 (예: ESTABLISHED, TIME_WAIT)';
      case 'list':
        if (type === 'list' || type === 'scalar') return null;
        return '순서 있는 목록으로 쓰세요 (예: [SYN, SYN+ACK, ACK])';
      case 'counts':
        if (type !== 'map') return 'send별 바이트 수로 쓰세요 (예: {send 1: 300, send 2: 200})';
        for (var i = 0; i < v.keys.length; i++) {
          if (!/\d/.test(v.value[v.keys[i]])) return '‘' + v.keys[i] + '’의 값이 정수가 아닙니다 (예: {send 1: 300})';
        }
        return null;
      default:
        return null;
    }
  }

  // ---- The check ----------------------------------------------------------------------------

  function byKey(node) {
    var out = {};
    node.children.forEach(function (c) { out[c.key] = c; });
    return out;
  }

  /// Every format problem of an answer file's text, sorted by line.
  function check(text, schema) {
    var problems = [];
    var root = parse(text, problems);
    var top = byKey(root);
    var exerciseIDs = schema.exercises.map(function (e) { return e.id; });
    root.children.forEach(function (c) {
      if (c.key !== 'student' && c.key !== 'exercises') {
        problems.push(Problem(c.line, 'answer.unknown-key', '알 수 없는 키 ‘' + c.key + '’입니다. 맨 바깥에는 student:와 exercises:만 씁니다.' + suggest(c.key, ['student', 'exercises'])));
      }
    });
    if (!top.student) {
      problems.push(Problem(1, 'answer.no-student', 'student: 줄이 없습니다'));
    } else if (top.student.value.type !== 'bad') {
      var sid = top.student.value.type === 'scalar' ? top.student.value.value.trim() : '';
      if (!STUDENT_ID.test(sid)) {
        problems.push(Problem(top.student.line, 'answer.student-id', '학번 ‘' + sid + '’이(가) 올바르지 않습니다: 영문자, 숫자, ‘.’, ‘_’, ‘-’만 씁니다'));
      }
    }
    if (!top.exercises) {
      problems.push(Problem(1, 'answer.no-exercises', 'exercises: 줄이 없습니다'));
      return sorted(problems);
    }
    var seen = {};
    top.exercises.children.forEach(function (ex) {
      var e = null;
      for (var i = 0; i < schema.exercises.length; i++) if (schema.exercises[i].id === ex.key) e = schema.exercises[i];
      if (!e) {
        problems.push(Problem(ex.line, 'answer.unknown-exercise', '알 수 없는 연습 ID ‘' + ex.key + '’입니다.' + suggest(ex.key, exerciseIDs)));
        return;
      }
      seen[e.id] = ex;
      var fields = byKey(ex);
      ex.children.forEach(function (f) {
        if (f.key !== 'variant' && f.key !== 'tag' && f.key !== 'answers') {
          problems.push(Problem(f.line, 'answer.unknown-key', e.id + '에 알 수 없는 키 ‘' + f.key + '’가 있습니다. variant:, tag:, answers:만 씁니다.' + suggest(f.key, ['variant', 'tag', 'answers'])));
        }
      });
      if (fields.variant && fields.variant.value.type !== 'bad') {
        if (fields.variant.value.type !== 'map') {
          problems.push(Problem(fields.variant.line, 'answer.shape', 'variant:는 {n: 700}처럼 씁니다. 받은 파일의 줄을 그대로 두세요'));
        } else {
          var names = fields.variant.value.keys;
          var missingNames = e.parameters.filter(function (p) { return names.indexOf(p) < 0; });
          var extra = names.filter(function (p) { return e.parameters.indexOf(p) < 0; });
          if (missingNames.length || extra.length) {
            problems.push(Problem(fields.variant.line, 'answer.variant-names', 'variant:의 이름이 이 연습의 값(' + e.parameters.join(', ') + ')과 다릅니다. 받은 파일의 줄을 그대로 두세요'));
          }
        }
      } else if (!fields.variant && e.varies) {
        problems.push(Problem(ex.line, 'answer.no-variant', e.id + '에 variant: 줄이 없습니다. 받은 답안 파일의 variant:와 tag: 줄을 그대로 두세요', 'warning'));
      }
      if (fields.tag && fields.tag.value.type !== 'bad') {
        var tag = fields.tag.value.type === 'scalar' ? fields.tag.value.value.trim() : '';
        if (!/^[0-9a-fA-F]{64}$/.test(tag)) {
          problems.push(Problem(fields.tag.line, 'answer.tag', 'tag:는 받은 파일의 64자리 16진수 그대로여야 합니다'));
        }
      } else if (!fields.tag && fields.variant) {
        problems.push(Problem(fields.variant.line, 'answer.no-tag', e.id + '에 tag: 줄이 없습니다. 받은 답안 파일의 줄을 그대로 두세요', 'warning'));
      }
      var answered = {};
      var qids = e.questions.map(function (q) { return q.id; });
      if (fields.answers) {
        if (fields.answers.value.type !== 'empty' && fields.answers.value.type !== 'bad') {
          problems.push(Problem(fields.answers.line, 'answer.shape', 'answers: 아래에 문항 ID마다 한 줄씩 씁니다'));
        }
        fields.answers.children.forEach(function (a) {
          var q = null;
          for (var j = 0; j < e.questions.length; j++) if (e.questions[j].id === a.key) q = e.questions[j];
          if (!q) {
            problems.push(Problem(a.line, 'answer.unknown-question', e.id + '에는 ‘' + a.key + '’ 문항이 없습니다.' + suggest(a.key, qids)));
            return;
          }
          if (a.value.type === 'bad') { answered[q.id] = true; return; }
          if (a.value.type === 'empty' || (a.value.type === 'scalar' && a.value.value.trim() === '')) return;
          answered[q.id] = true;
          var why = kindProblem(q, a.value, schema);
          if (why) problems.push(Problem(a.line, 'answer.kind', q.id + ': ' + why));
        });
      }
      var missing = qids.filter(function (id) { return !answered[id]; });
      if (missing.length) {
        problems.push(Problem((fields.answers || ex).line, 'answer.missing', e.id + ': 답이 없는 문항: ' + missing.join(', '), 'warning'));
      }
    });
    schema.exercises.forEach(function (e) {
      if (!seen[e.id]) problems.push(Problem(top.exercises.line, 'answer.missing-exercise', '연습 ‘' + e.id + '’이(가) 파일에 없습니다', 'warning'));
    });
    return sorted(problems);
  }

  function sorted(problems) {
    return problems.map(function (p, i) { return [p, i]; })
      .sort(function (a, b) { return a[0].line - b[0].line || a[1] - b[1]; })
      .map(function (x) { return x[0]; });
  }

  // ---- The page -----------------------------------------------------------------------------

  function show(problems, fileName) {
    var box = document.getElementById('checker');
    var list = document.getElementById('check-problems');
    var summary = document.getElementById('check-summary');
    while (list.firstChild) list.removeChild(list.firstChild);
    var errors = problems.filter(function (p) { return p.severity === 'error'; }).length;
    var warnings = problems.length - errors;
    problems.forEach(function (p) {
      var li = document.createElement('li');
      li.className = 'problem ' + p.severity;
      li.setAttribute('data-line', String(p.line));
      li.setAttribute('data-id', p.id);
      var where = document.createElement('span');
      where.className = 'where';
      where.textContent = p.line + '번째 줄';
      var label = document.createElement('span');
      label.className = 'severity';
      label.textContent = p.severity === 'error' ? '오류' : '주의';
      li.appendChild(where);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(label);
      li.appendChild(document.createTextNode(' ' + p.message));
      list.appendChild(li);
    });
    summary.textContent = problems.length === 0
      ? fileName + ': 형식 문제가 없습니다. (답이 맞는지는 확인하지 않습니다.)'
      : fileName + ': 오류 ' + errors + '개, 주의 ' + warnings + '개. 오류가 있는 문항은 채점되지 않을 수 있습니다.';
    box.setAttribute('data-problems', String(problems.length));
    box.setAttribute('data-state', 'checked');
  }

  function start() {
    var input = document.getElementById('answer-file');
    var box = document.getElementById('checker');
    if (!input || !box) return;
    var schema = window.SOCKLAB_SCHEMA;
    if (!schema) {
      document.getElementById('check-summary').textContent = '검사에 필요한 answer-schema.js를 읽지 못했습니다. 사이트 폴더째로 여세요.';
      box.setAttribute('data-state', 'no-schema');
      return;
    }
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      if (!file) return;
      if (file.size > 1000000) {
        show([Problem(1, 'answer.too-large', '파일이 너무 큽니다 (' + file.size + '바이트, 답안 파일은 1 MB까지)')], file.name);
        return;
      }
      var reader = new FileReader();
      reader.onload = function () { show(check(String(reader.result), schema), file.name); };
      reader.onerror = function () { show([Problem(1, 'answer.unreadable', '파일을 읽지 못했습니다')], file.name); };
      reader.readAsText(file, 'utf-8');
    });
    box.setAttribute('data-state', 'ready');
  }

  window.SockLabCheck = { check: check, parse: parse };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
}());
