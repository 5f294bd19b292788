// postclear GraphQL playground. Plain JavaScript, no dependencies, no build step.
// The page is served with a Content-Security-Policy that allows scripts, styles and requests from its own
// origin only, so nothing here may load anything from elsewhere or use inline scripts or style attributes.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const endpoint = document.querySelector('meta[name="graphql-endpoint"]').content || '/query';
  const store = storage();
  const KEY = {
    draft: 'postclear.playground.draft',
    history: 'postclear.playground.history',
    headers: 'postclear.playground.headers',
    remember: 'postclear.playground.rememberHeaders',
  };
  const HISTORY_MAX = 20;

  const els = {
    query: $('query'), gutter: $('gutter'), variables: $('variables'), headers: $('headers'),
    remember: $('remember-headers'), varsStatus: $('vars-status'), run: $('run'), status: $('status'),
    errors: $('errors'), output: $('output'), docsBody: $('docs-body'), docsSearch: $('docs-search'),
    docsBack: $('docs-back'), docsCrumbs: $('docs-crumbs'), layout: $('layout'), toast: $('toast'),
  };

  // ---------------------------------------------------------------- small helpers

  // storage wraps localStorage, which may be missing or throw (private windows, disabled storage).
  function storage() {
    let ls = null;
    try { ls = window.localStorage; ls.getItem('x'); } catch { ls = null; }
    return {
      get(k, fallback) {
        try { const v = ls && ls.getItem(k); return v == null ? fallback : JSON.parse(v); } catch { return fallback; }
      },
      set(k, v) { try { if (ls) ls.setItem(k, JSON.stringify(v)); } catch { /* full or disabled */ } },
      del(k) { try { if (ls) ls.removeItem(k); } catch { /* disabled */ } },
    };
  }

  // h builds an element: h('div', {class: 'x', onclick: f}, child, 'text', ...).
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c == null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function debounce(f, ms) {
    let t = 0;
    return (...a) => { clearTimeout(t); t = setTimeout(() => f(...a), ms); };
  }

  let toastTimer = 0;
  function toast(msg) {
    els.toast.textContent = msg;
    els.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { els.toast.hidden = true; }, 2500);
  }

  function formatBytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' kB';
    return (n / 1024 / 1024).toFixed(1) + ' MB';
  }

  // lineCol turns an offset in text into a 1-based line and column.
  function lineCol(text, offset) {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, col: offset - before.lastIndexOf('\n') };
  }

  function offsetOf(text, line, col) {
    let off = 0;
    for (let i = 1; i < line; i++) {
      const nl = text.indexOf('\n', off);
      if (nl < 0) return text.length;
      off = nl + 1;
    }
    return Math.min(text.length, off + Math.max(0, col - 1));
  }

  // ---------------------------------------------------------------- editors

  // insertText replaces the selection of ta with text, keeping the browser's undo history where it can.
  function insertText(ta, text) {
    if (document.activeElement !== ta) ta.focus();
    let done = false;
    try { done = document.execCommand('insertText', false, text); } catch { done = false; }
    if (!done) {
      ta.setRangeText(text, ta.selectionStart, ta.selectionEnd, 'end');
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }

  // setValue replaces the whole content of ta, undoably when ta can take the focus.
  function setValue(ta, text) {
    ta.focus();
    if (document.activeElement === ta) {
      ta.select();
      insertText(ta, text);
    } else {
      ta.value = text;
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    }
    ta.setSelectionRange(0, 0);
    ta.scrollTop = 0;
  }

  const OPENERS = { '{': '}', '(': ')', '[': ']' };
  const CLOSERS = new Set(['}', ')', ']']);

  // editorKeys gives a textarea two-space indentation, auto-indent after brackets and outdent on a closer.
  // Escape followed by Tab moves the focus out, so the keyboard is never trapped.
  function editorKeys(ta) {
    let escaped = false;
    ta.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') { escaped = true; return; }
      const wasEscaped = escaped;
      escaped = false;
      if (ev.isComposing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const v = ta.value, s = ta.selectionStart, e = ta.selectionEnd;
      const lineStart = v.lastIndexOf('\n', s - 1) + 1;

      if (ev.key === 'Tab') {
        if (wasEscaped) return;
        ev.preventDefault();
        const multi = v.slice(s, e).includes('\n');
        if (!multi && !ev.shiftKey) { insertText(ta, '  '); return; }
        // Indent or outdent every line touched by the selection.
        let end = v.indexOf('\n', e > s && v[e - 1] === '\n' ? e - 1 : e);
        if (end < 0) end = v.length;
        const block = v.slice(lineStart, end);
        const lines = block.split('\n');
        const changed = lines.map((l) => (ev.shiftKey ? l.replace(/^ {1,2}/, '') : '  ' + l)).join('\n');
        if (changed === block) return;
        ta.setSelectionRange(lineStart, end);
        insertText(ta, changed);
        ta.setSelectionRange(lineStart, lineStart + changed.length);
        return;
      }

      if (ev.key === 'Enter' && !ev.shiftKey) {
        ev.preventDefault();
        const indent = /^[ \t]*/.exec(v.slice(lineStart, s))[0];
        const prev = v.slice(lineStart, s).trimEnd().slice(-1);
        const next = v.slice(e).replace(/^[ \t]+/, '')[0];
        if (OPENERS[prev]) {
          if (next === OPENERS[prev]) {
            // Between a pair: open an indented line and put the closer below it.
            const head = '\n' + indent + '  ';
            insertText(ta, head + '\n' + indent);
            ta.setSelectionRange(s + head.length, s + head.length);
          } else {
            insertText(ta, '\n' + indent + '  ');
          }
        } else {
          insertText(ta, '\n' + indent);
        }
        return;
      }

      if (CLOSERS.has(ev.key) && s === e) {
        const typedOnLine = v.slice(lineStart, s);
        if (/^ +$/.test(typedOnLine) && typedOnLine.length >= 2) {
          ev.preventDefault();
          ta.setSelectionRange(s - 2, s);
          insertText(ta, ev.key);
        }
      }
    });
  }

  let gutterLines = 0;
  function updateGutter() {
    const n = els.query.value.split('\n').length;
    if (gutterLines === n) return;
    gutterLines = n;
    let text = '';
    for (let i = 1; i <= n; i++) text += i + '\n';
    els.gutter.textContent = text;
  }

  // ---------------------------------------------------------------- GraphQL tokens

  // tokenize splits a GraphQL document into tokens {t: kind, v: text, s: start, e: end}.
  // Kinds: punct, name, var, string, number, comment, spread. Throws on characters GraphQL does not have.
  function tokenize(src) {
    const out = [];
    let i = 0;
    while (i < src.length) {
      const c = src[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '\ufeff') { i++; continue; }
      const s = i;
      if (c === '#') {
        while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
        out.push({ t: 'comment', v: src.slice(s, i), s, e: i });
      } else if (src.startsWith('"""', i)) {
        i += 3;
        while (i < src.length && !src.startsWith('"""', i)) i += src.startsWith('\\"""', i) ? 4 : 1;
        i = Math.min(src.length, i + 3);
        out.push({ t: 'string', v: src.slice(s, i), s, e: i });
      } else if (c === '"') {
        i++;
        while (i < src.length && src[i] !== '"' && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
        i++;
        out.push({ t: 'string', v: src.slice(s, i), s, e: i });
      } else if (src.startsWith('...', i)) {
        i += 3;
        out.push({ t: 'spread', v: '...', s, e: i });
      } else if ('{}()[]:=!@|&'.includes(c)) {
        i++;
        out.push({ t: 'punct', v: c, s, e: i });
      } else if (c === '$') {
        i++;
        while (i < src.length && /\w/.test(src[i])) i++;
        out.push({ t: 'var', v: src.slice(s, i), s, e: i });
      } else if (/[A-Za-z_]/.test(c)) {
        while (i < src.length && /\w/.test(src[i])) i++;
        out.push({ t: 'name', v: src.slice(s, i), s, e: i });
      } else if (/[-0-9]/.test(c)) {
        i++;
        while (i < src.length && /[0-9.eE+-]/.test(src[i])) i++;
        out.push({ t: 'number', v: src.slice(s, i), s, e: i });
      } else {
        throw new Error(`unexpected character ${JSON.stringify(c)} at line ${lineCol(src, i).line}`);
      }
    }
    return out;
  }

  // operations lists the operations of a document: {name, type, s, e} with their source span.
  function operations(src) {
    let toks;
    try { toks = tokenize(src); } catch { return []; }
    const ops = [];
    let depth = 0, cur = null;
    for (let k = 0; k < toks.length; k++) {
      const tk = toks[k];
      if (tk.t === 'comment') continue;
      if (depth === 0 && !cur) {
        if (tk.t === 'name' && ['query', 'mutation', 'subscription', 'fragment'].includes(tk.v)) {
          const n = toks[k + 1];
          cur = { type: tk.v, name: n && n.t === 'name' ? n.v : null, s: tk.s, e: src.length };
        } else if (tk.v === '{') {
          cur = { type: 'query', name: null, s: tk.s, e: src.length };
        }
      }
      if (tk.v === '{' || tk.v === '(' || tk.v === '[') depth++;
      if (tk.v === '}' || tk.v === ')' || tk.v === ']') {
        depth--;
        if (depth === 0 && cur && tk.v === '}') { cur.e = tk.e; ops.push(cur); cur = null; }
      }
    }
    if (cur) ops.push(cur);
    return ops.filter((o) => o.type !== 'fragment');
  }

  // chosenOperation is the operation to run: the one under the cursor when the document has several.
  function chosenOperation() {
    const src = els.query.value;
    const ops = operations(src);
    if (ops.length <= 1) return { operationName: null, label: ops[0] && ops[0].name };
    const at = els.query.selectionStart;
    const op = ops.find((o) => at >= o.s && at <= o.e) || ops[0];
    return { operationName: op.name, label: op.name };
  }

  // prettify re-indents a GraphQL document: one selection per line, arguments and values on one line.
  function prettify(src) {
    const toks = tokenize(src);
    const stack = []; // 'sel' for a selection set, 'inline' for (), [] and object values
    let out = '', prev = null, depthSel = 0;
    const ind = () => '  '.repeat(depthSel);
    const inline = () => stack.length > 0 && stack[stack.length - 1] === 'inline';
    const endsValue = (tk) => tk && (tk.t === 'name' || tk.t === 'var' || tk.t === 'string' || tk.t === 'number' ||
      tk.v === ']' || tk.v === '}' || tk.v === ')' || tk.v === '!');
    const newline = () => { out = out.replace(/[ \t]+$/, '') + '\n' + ind(); };

    for (const tk of toks) {
      const v = tk.v;
      if (tk.t === 'comment') {
        if (prev && !/\n\s*$/.test(out)) out += ' ';
        out += v;
        newline();
        prev = null;
        continue;
      }
      if (inline()) {
        if (v === ')' || v === ']' || v === '}') {
          stack.pop();
          out = out.replace(/, $/, '');
          out += v;
        } else {
          if (prev && endsValue(prev) && (tk.t !== 'punct' || v === '[' || v === '{' || v === '@') && prev.v !== '@') out += ', ';
          else if (v === '=' || (prev && (prev.v === ':' || prev.v === '='))) out += ' ';
          out += v;
          if (v === '(' || v === '[' || v === '{') stack.push('inline');
        }
      } else {
        // Selection sets and the top level.
        const top = stack.length === 0;
        if (v === '{') {
          if (top && prev && prev.v === '}') out += '\n';
          out = out.replace(/[ \t]+$/, '') + (out && !/\n$/.test(out) ? ' ' : '') + '{';
          stack.push('sel');
          depthSel++;
          newline();
        } else if (v === '}') {
          stack.pop();
          depthSel--;
          out = out.replace(/\s+$/, '');
          out += '\n' + ind() + '}';
          if (stack.length === 0) out += '\n';
        } else if (v === '(' || v === '[') {
          out += v;
          stack.push('inline');
        } else {
          if (top && prev && prev.v === '}') out += '\n';
          const afterOn = prev && (prev.t === 'spread' || prev.v === 'on' || prev.v === '@' || prev.v === ':');
          if (!top && prev && prev.v !== '{' && !afterOn && v !== ':' && v !== '@' && v !== 'on' && (endsValue(prev))) newline();
          else if (!top && tk.t === 'spread' && prev && prev.v !== '{') newline();
          else if (prev && v !== ':' && v !== '!' && !/\s$/.test(out) && prev.v !== '@' && (prev.t !== 'spread' || v === 'on')) out += ' ';
          else if (prev && prev.v === ':') out += ' ';
          out += v;
        }
      }
      prev = tk;
    }
    if (stack.length) throw new Error('unbalanced brackets');
    return out.replace(/[ \t]+\n/g, '\n').trim() + '\n';
  }

  // ---------------------------------------------------------------- request parts

  class InputError extends Error {
    constructor(msg, target, offset) { super(msg); this.target = target; this.offset = offset; }
  }

  // jsonError finds where text stops being JSON: {offset, message}. Browsers' JSON.parse messages differ
  // and some omit the position, so the playground locates errors itself.
  function jsonError(text) {
    let i = 0;
    const fail = (what) => {
      const found = i >= text.length ? 'the end of the text' : JSON.stringify(text[i]);
      throw { offset: i, message: `expected ${what}, found ${found}` };
    };
    const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
    const lit = (w) => { if (text.startsWith(w, i)) i += w.length; else fail('a value'); };
    const str = () => {
      i++;
      for (;;) {
        if (i >= text.length || text[i] === '\n') fail('a closing quote');
        const c = text[i];
        if (c === '"') { i++; return; }
        if (c === '\\') {
          i++;
          if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 5;
          else if ('"\\/bfnrt'.includes(text[i]) && i < text.length) i++;
          else fail('an escape such as \\n or \\"');
        } else if (c < ' ') fail('no control character in a string');
        else i++;
      }
    };
    const num = () => {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) fail('a number');
      i += m[0].length;
    };
    const value = () => {
      ws();
      const c = text[i];
      if (c === '{') {
        i++; ws();
        if (text[i] === '}') { i++; return; }
        for (;;) {
          ws();
          if (text[i] !== '"') fail('a property name in double quotes');
          str(); ws();
          if (text[i] !== ':') fail("':' after the property name");
          i++;
          value(); ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === '}') { i++; return; }
          fail("',' or '}'");
        }
      } else if (c === '[') {
        i++; ws();
        if (text[i] === ']') { i++; return; }
        for (;;) {
          value(); ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === ']') { i++; return; }
          fail("',' or ']'");
        }
      } else if (c === '"') str();
      else if (c === 't') lit('true');
      else if (c === 'f') lit('false');
      else if (c === 'n') lit('null');
      else if (c === '-' || (c >= '0' && c <= '9')) num();
      else fail('a value');
    };
    try {
      value(); ws();
      if (i < text.length) fail('the end of the text');
    } catch (err) {
      if (err && typeof err.offset === 'number') return err;
      throw err;
    }
    return null;
  }

  // parseVariables returns the variables object, or null when the editor is empty.
  function parseVariables() {
    const text = els.variables.value;
    if (!text.trim()) return null;
    let v;
    try {
      v = JSON.parse(text);
    } catch (err) {
      const where = jsonError(text);
      if (!where) throw new InputError(`Variables are not valid JSON: ${err.message}`, 'variables', 0);
      const { line, col } = lineCol(text, where.offset);
      throw new InputError(`Variables are not valid JSON: line ${line}, column ${col}: ${where.message}.`, 'variables', where.offset);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new InputError('Variables must be a JSON object, such as {"filter": {"from": "2025-01-01", "to": "2025-04-01"}}.', 'variables', 0);
    }
    return v;
  }

  const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

  // parseHeaders reads "Name: value" lines; empty lines and lines starting with # are ignored.
  function parseHeaders() {
    const out = [];
    const lines = els.headers.value.split('\n');
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon).trim() : '';
      const value = colon > 0 ? line.slice(colon + 1).trim() : '';
      if (!HEADER_NAME.test(name)) throw new InputError(`Header line ${i + 1} must read "Name: value".`, 'headers', offsetOf(els.headers.value, i + 1, 1));
      // eslint-disable-next-line no-control-regex
      if (/[^\x09\x20-\x7e\x80-\xff]/.test(value)) throw new InputError(`Header ${name} (line ${i + 1}) has characters HTTP headers cannot carry, such as "…".`, 'headers', offsetOf(els.headers.value, i + 1, 1));
      out.push([name, value]);
    });
    return out;
  }

  function buildRequest() {
    const query = els.query.value;
    if (!query.trim()) throw new InputError('The query is empty.', 'query', 0);
    const variables = parseVariables();
    const headers = parseHeaders();
    const op = chosenOperation();
    const body = { query };
    if (variables) body.variables = variables;
    if (op.operationName) body.operationName = op.operationName;
    return { body, headers, label: op.label };
  }

  function showInputError(err) {
    if (!(err instanceof InputError)) throw err;
    renderStatus('err', 'Not sent');
    renderErrorsBox([{ message: err.message, extensions: { code: 'INVALID_INPUT' } }], 'The request was not sent');
    els.output.replaceChildren();
    if (err.target === 'variables') selectTab('vars');
    if (err.target === 'headers') selectTab('headers');
    const ta = els[err.target];
    if (ta) {
      ta.focus();
      if (err.offset != null) ta.setSelectionRange(err.offset, err.offset);
    }
  }

  // ---------------------------------------------------------------- running

  let running = null; // {controller, timer}

  async function run() {
    if (running) running.controller.abort();
    let req;
    try { req = buildRequest(); } catch (err) { showInputError(err); return; }
    pushHistory(req.body, req.label);

    const controller = new AbortController();
    const started = performance.now();
    const timer = setInterval(() => {
      renderStatus('busy', `Running… ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }, 100);
    running = { controller, timer };
    els.run.textContent = '■ Cancel';
    els.run.title = 'Cancel the running request';
    renderStatus('busy', 'Running…');
    els.output.setAttribute('aria-busy', 'true');

    const headers = new Headers({ 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' });
    try {
      for (const [k, v] of req.headers) headers.set(k, v);
    } catch (err) { finish(); showInputError(new InputError(`Invalid header: ${err.message}`, 'headers')); return; }

    let res, text;
    try {
      res = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(req.body), signal: controller.signal, credentials: 'same-origin' });
      text = await res.text();
    } catch (err) {
      const ms = Math.round(performance.now() - started);
      finish();
      if (err.name === 'AbortError') { renderStatus('warn', `Cancelled after ${ms} ms`); return; }
      renderStatus('err', `Network error after ${ms} ms`);
      renderErrorsBox([{ message: `${err.message}. Is the server running and reachable at ${endpoint}?`, extensions: { code: 'NETWORK_ERROR' } }]);
      els.output.textContent = '';
      return;
    }
    const ms = Math.round(performance.now() - started);
    finish();
    renderResponse(res, text, ms);

    function finish() {
      clearInterval(timer);
      if (running && running.controller === controller) running = null;
      els.run.textContent = '▶ Run';
      els.run.title = 'Run the query (Ctrl+Enter or ⌘+Enter)';
      els.output.removeAttribute('aria-busy');
    }
  }

  function renderStatus(kind, text) {
    els.status.className = 'status ' + kind;
    els.status.textContent = text;
  }

  function renderResponse(res, text, ms) {
    let json = null;
    try { json = JSON.parse(text); } catch { json = null; }
    const httpText = `${res.status}${res.statusText ? ' ' + res.statusText : ''}`;
    const size = formatBytes(new TextEncoder().encode(text).length);
    const errs = json && Array.isArray(json.errors) ? json.errors : [];
    const parts = [httpText, `${ms} ms`, size];
    if (json && json.data && typeof json.data === 'object') {
      for (const [k, v] of Object.entries(json.data)) if (Array.isArray(v)) parts.push(`${k}: ${v.length} row${v.length === 1 ? '' : 's'}`);
    }
    if (errs.length) parts.push(`${errs.length} error${errs.length === 1 ? '' : 's'}`);
    const kind = !res.ok || (errs.length && !(json && json.data)) ? 'err' : errs.length ? 'warn' : 'ok';
    renderStatus(kind, parts.join(' · '));
    if (errs.length) renderErrorsBox(errs);
    else if (!res.ok) renderErrorsBox([{ message: json ? 'The server answered with an error status.' : (text.trim().slice(0, 500) || 'Empty response.'), extensions: { code: 'HTTP_' + res.status } }]);
    else els.errors.hidden = true;
    if (json !== null) renderJSON(json, els.output);
    else els.output.textContent = text;
    els.output.scrollTop = 0;
  }

  function renderErrorsBox(errs, title) {
    const box = els.errors;
    box.replaceChildren();
    box.append(h('h3', { text: title || (errs.length === 1 ? 'Error' : `${errs.length} errors`) }));
    const list = h('ol', { class: 'error-list' });
    for (const e of errs.slice(0, 50)) {
      const ext = e && e.extensions && typeof e.extensions === 'object' ? e.extensions : {};
      const code = ext.code != null ? String(ext.code) : 'ERROR';
      const rest = Object.fromEntries(Object.entries(ext).filter(([k]) => k !== 'code'));
      const locs = Array.isArray(e.locations) ? e.locations : [];
      list.append(h('li', {},
        h('div', { class: 'error-top' }, h('span', { class: 'code-badge', text: code }), h('span', { class: 'error-msg', text: String(e && e.message) })),
        Array.isArray(e.path) && e.path.length ? h('div', { class: 'error-meta' }, 'path ', h('code', { text: e.path.join('.') })) : null,
        locs.length ? h('div', { class: 'error-meta' }, 'at ', locs.map((l, i) => [i ? ', ' : '',
          h('button', { type: 'button', class: 'link', onclick: () => gotoQuery(l.line, l.column), text: `line ${l.line}, column ${l.column}` })])) : null,
        Object.keys(rest).length ? h('pre', { class: 'error-ext', text: JSON.stringify(rest, null, 2) }) : null,
      ));
    }
    box.append(list);
    box.hidden = false;
  }

  function gotoQuery(line, col) {
    const ta = els.query;
    const off = offsetOf(ta.value, line, col);
    ta.focus();
    ta.setSelectionRange(off, off);
    const lh = parseFloat(getComputedStyle(ta).lineHeight) || 20;
    ta.scrollTop = Math.max(0, (line - 4) * lh);
  }

  // renderJSON pretty-prints a value with two-space indentation and colours by token kind.
  function renderJSON(value, target) {
    const text = JSON.stringify(value, null, 2);
    if (text.length > 2_000_000) { target.textContent = text; return; }
    const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    // Every piece of the output is escaped; the markup added is spans with fixed class names only.
    target.innerHTML = esc(text).replace(
      /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false)\b|\bnull\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g,
      (m, str, colon, bool) => {
        if (str) return colon ? `<span class="j-key">${str}</span>${colon}` : `<span class="j-str">${str}</span>`;
        if (bool) return `<span class="j-bool">${m}</span>`;
        if (m === 'null') return '<span class="j-null">null</span>';
        return `<span class="j-num">${m}</span>`;
      });
  }

  // ---------------------------------------------------------------- curl

  function shellQuote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }

  async function copyCurl() {
    let req;
    try { req = buildRequest(); } catch (err) { showInputError(err); return; }
    const url = new URL(endpoint, location.href).href;
    const lines = ['curl -sS ' + shellQuote(url), "-H 'Content-Type: application/json'"];
    const hasCT = req.headers.some(([k]) => k.toLowerCase() === 'content-type');
    if (hasCT) lines.pop();
    for (const [k, v] of req.headers) lines.push('-H ' + shellQuote(`${k}: ${v}`));
    lines.push('--data-raw ' + shellQuote(JSON.stringify(req.body)));
    const cmd = lines.join(' \\\n  ');
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(cmd); toast('curl command copied to the clipboard'); return; } catch { /* fall through */ }
    }
    const dlg = $('curl-dialog');
    $('curl-text').value = cmd;
    dlg.showModal();
    $('curl-text').select();
    $('curl-text').scrollTop = 0;
  }

  // ---------------------------------------------------------------- history and examples

  function pushHistory(body, label) {
    const list = store.get(KEY.history, []).filter((x) => !(x.query === body.query && JSON.stringify(x.variables || null) === JSON.stringify(body.variables || null)));
    list.unshift({ query: body.query, variables: body.variables || null, name: label || firstField(body.query), at: Date.now() });
    store.set(KEY.history, list.slice(0, HISTORY_MAX));
    renderHistory();
  }

  function firstField(q) {
    try {
      const toks = tokenize(q).filter((t) => t.t !== 'comment');
      const i = toks.findIndex((t) => t.v === '{');
      if (i >= 0 && toks[i + 1] && toks[i + 1].t === 'name') return toks[i + 1].v;
    } catch { /* fall through */ }
    return 'query';
  }

  function loadRequest(query, variables) {
    if (variables && Object.keys(variables).length) selectTab('vars');
    setValue(els.variables, variables && Object.keys(variables).length ? JSON.stringify(variables, null, 2) : '');
    setValue(els.query, query.endsWith('\n') ? query : query + '\n');
    validateVariablesSoon();
    saveDraft();
  }

  function renderHistory() {
    const ul = $('history');
    const list = store.get(KEY.history, []);
    ul.replaceChildren();
    if (!list.length) { ul.append(h('li', { class: 'muted', text: 'Queries you run appear here.' })); return; }
    for (const item of list) {
      const when = new Date(item.at);
      const today = new Date().toDateString() === when.toDateString();
      const t = today ? when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : when.toLocaleDateString();
      ul.append(h('li', {}, h('button', {
        type: 'button', class: 'item', title: item.query.slice(0, 400),
        onclick: () => loadRequest(item.query, item.variables),
      }, h('span', { class: 'item-name', text: item.name || 'query' }), h('span', { class: 'item-time', text: t }))));
    }
  }

  async function loadExamples() {
    const ul = $('examples');
    try {
      const res = await fetch('examples.json', { cache: 'no-cache' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const list = await res.json();
      ul.replaceChildren();
      for (const ex of list) {
        ul.append(h('li', {}, h('button', {
          type: 'button', class: 'item', title: ex.description || ex.query.slice(0, 400),
          onclick: () => loadRequest(ex.query, ex.variables),
        }, h('span', { class: 'item-name', text: ex.name }))));
      }
      if (!els.query.value.trim() && list.length) loadRequestQuietly(list[0]);
    } catch (err) {
      ul.replaceChildren(h('li', { class: 'muted', text: 'Could not load examples: ' + err.message }));
    }
  }

  function loadRequestQuietly(ex) {
    els.query.value = ex.query.endsWith('\n') ? ex.query : ex.query + '\n';
    els.variables.value = ex.variables && Object.keys(ex.variables).length ? JSON.stringify(ex.variables, null, 2) : '';
    updateGutter();
    validateVariablesSoon();
  }

  const saveDraft = debounce(() => store.set(KEY.draft, { query: els.query.value, variables: els.variables.value }), 300);

  const validateVariablesSoon = debounce(() => {
    const st = els.varsStatus;
    try {
      const v = parseVariables();
      st.className = 'tab-status ok';
      st.textContent = v ? '✓ valid JSON' : '';
      st.title = '';
    } catch (err) {
      st.className = 'tab-status err';
      st.textContent = err.message.replace(/^Variables are not valid JSON: /, '✗ ');
      st.title = err.message;
    }
  }, 250);

  // ---------------------------------------------------------------- tabs

  function selectTab(which) {
    for (const [name, tab, panel] of [['vars', $('tab-vars'), $('panel-vars')], ['headers', $('tab-headers'), $('panel-headers')]]) {
      const on = name === which;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    }
  }

  // ---------------------------------------------------------------- docs explorer

  const INTROSPECTION = `query PlaygroundIntrospection {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }
}`;

  const docs = { schema: null, types: new Map(), stack: [], usedBy: new Map() };

  async function loadSchema() {
    els.docsBody.replaceChildren(h('p', { class: 'muted', text: 'Loading schema…' }));
    let headers;
    try { headers = new Headers({ 'Content-Type': 'application/json' }); for (const [k, v] of parseHeaders()) headers.set(k, v); } catch (err) {
      els.docsBody.replaceChildren(h('p', { class: 'error-text', text: 'Cannot load the schema: ' + err.message }));
      return;
    }
    try {
      const res = await fetch(endpoint, { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify({ query: INTROSPECTION, operationName: 'PlaygroundIntrospection' }) });
      const json = await res.json();
      if (!json.data || !json.data.__schema) throw new Error((json.errors && json.errors.map((e) => e.message).join('; ')) || 'HTTP ' + res.status);
      setSchema(json.data.__schema);
    } catch (err) {
      els.docsBody.replaceChildren(
        h('p', { class: 'error-text', text: 'Cannot load the schema: ' + err.message }),
        h('p', { class: 'muted', text: 'If the server needs an Authorization header, set it under Headers, then reload.' }),
        h('button', { type: 'button', onclick: loadSchema, text: 'Reload schema' }));
    }
  }

  function setSchema(schema) {
    docs.schema = schema;
    docs.types = new Map(schema.types.map((t) => [t.name, t]));
    docs.usedBy = new Map();
    const use = (ref, where) => {
      const n = namedType(ref).name;
      if (!docs.usedBy.has(n)) docs.usedBy.set(n, []);
      docs.usedBy.get(n).push(where);
    };
    for (const t of schema.types) {
      if (t.name.startsWith('__')) continue;
      for (const f of t.fields || []) {
        use(f.type, { type: t.name, field: f.name });
        for (const a of f.args || []) use(a.type, { type: t.name, field: f.name, arg: a.name });
      }
      for (const f of t.inputFields || []) use(f.type, { type: t.name, field: f.name });
    }
    docs.stack = [];
    showDoc({ view: 'root' }, true);
  }

  function namedType(ref) { while (ref.ofType) ref = ref.ofType; return ref; }

  function typeRef(ref) {
    if (ref.kind === 'NON_NULL') return [typeRef(ref.ofType), '!'];
    if (ref.kind === 'LIST') return ['[', typeRef(ref.ofType), ']'];
    return typeLink(ref.name);
  }

  function typeRefText(ref) {
    if (ref.kind === 'NON_NULL') return typeRefText(ref.ofType) + '!';
    if (ref.kind === 'LIST') return '[' + typeRefText(ref.ofType) + ']';
    return ref.name;
  }

  function typeLink(name) {
    return h('button', { type: 'button', class: 'link type', onclick: () => showDoc({ view: 'type', name }), text: name });
  }

  // description renders a schema description: blank lines start paragraphs, `text` is code.
  function description(text, cls) {
    if (!text) return null;
    const wrap = h('div', { class: 'desc' + (cls ? ' ' + cls : '') });
    for (const para of text.trim().split(/\n\s*\n/)) {
      const p = h('p');
      para.split(/(`[^`]+`)/).forEach((piece) => {
        if (/^`[^`]+`$/.test(piece)) p.append(h('code', { text: piece.slice(1, -1) }));
        else p.append(piece.replace(/\s*\n\s*/g, ' '));
      });
      wrap.append(p);
    }
    return wrap;
  }

  function deprecation(x) {
    return x.isDeprecated ? h('div', { class: 'deprecated', text: 'Deprecated' + (x.deprecationReason ? ': ' + x.deprecationReason : '') }) : null;
  }

  function anchorId(type, name) { return 'doc-' + type + '-' + name; }

  function argList(args, anchorType) {
    if (!args || !args.length) return null;
    return h('dl', { class: 'args' }, args.map((a) => [
      h('dt', { id: anchorType ? anchorId(anchorType, a.name) : null }, h('span', { class: 'arg-name', text: a.name }), ': ', typeRef(a.type),
        a.defaultValue != null ? h('span', { class: 'default' }, ' = ', h('code', { text: a.defaultValue })) : null),
      h('dd', {}, description(a.description) || h('span', { class: 'muted', text: 'No description.' })),
    ]));
  }

  function fieldEntry(parent, f, opts) {
    const name = opts && opts.root
      ? h('button', { type: 'button', class: 'link field', onclick: () => showDoc({ view: 'field', type: parent, field: f.name }), text: f.name })
      : h('span', { class: 'field', text: f.name });
    return h('li', { class: 'entry', id: opts && opts.anchor ? anchorId(parent, f.name) : null },
      h('div', { class: 'sig' }, name, f.args && f.args.length ? h('span', { class: 'muted' }, '(…)') : null, ': ', typeRef(f.type)),
      deprecation(f),
      description(f.description),
      opts && opts.args ? argList(f.args) : null);
  }

  function kindLabel(kind) {
    return { OBJECT: 'type', INPUT_OBJECT: 'input', ENUM: 'enum', SCALAR: 'scalar', INTERFACE: 'interface', UNION: 'union' }[kind] || kind.toLowerCase();
  }

  function showDoc(view, replace) {
    if (!docs.schema) return;
    if (replace) docs.stack = [view];
    else docs.stack.push(view);
    renderDoc();
  }

  function renderDoc() {
    const view = docs.stack[docs.stack.length - 1];
    els.docsBack.hidden = docs.stack.length <= 1;
    const body = els.docsBody;
    body.replaceChildren();
    const crumbs = [h('button', { type: 'button', class: 'link', onclick: () => { els.docsSearch.value = ''; showDoc({ view: 'root' }, true); }, text: 'Schema' })];
    if (view.view === 'root') renderRoot(body);
    else if (view.view === 'type') { crumbs.push(' › ', h('span', { text: view.name })); renderType(body, view.name); } else if (view.view === 'field') {
      crumbs.push(' › ', typeLink(view.type), ' › ', h('span', { text: view.field }));
      renderField(body, view.type, view.field);
    } else if (view.view === 'search') { crumbs.push(' › ', h('span', { text: `search “${view.q}”` })); renderSearch(body, view.q); }
    els.docsCrumbs.replaceChildren(...crumbs);
    body.scrollTop = 0;
    const target = view.focus && document.getElementById(anchorId(view.name, view.focus));
    if (target) {
      target.classList.add('focus-target');
      target.scrollIntoView({ block: 'start' });
    }
  }

  function renderRoot(body) {
    const s = docs.schema;
    for (const [label, ref] of [['Queries', s.queryType], ['Mutations', s.mutationType], ['Subscriptions', s.subscriptionType]]) {
      if (!ref) continue;
      const t = docs.types.get(ref.name);
      body.append(h('h3', {}, label, ' ', h('span', { class: 'muted small-text' }, 'on ', typeLink(t.name))));
      body.append(h('ul', { class: 'entries' }, (t.fields || []).map((f) => fieldEntry(t.name, f, { root: true }))));
    }
    const groups = [['OBJECT', 'Types'], ['INPUT_OBJECT', 'Inputs'], ['ENUM', 'Enums'], ['SCALAR', 'Scalars'], ['INTERFACE', 'Interfaces'], ['UNION', 'Unions']];
    const roots = new Set([s.queryType, s.mutationType, s.subscriptionType].filter(Boolean).map((r) => r.name));
    for (const [kind, label] of groups) {
      const ts = s.types.filter((t) => t.kind === kind && !t.name.startsWith('__') && !roots.has(t.name)).sort((a, b) => a.name.localeCompare(b.name));
      if (!ts.length) continue;
      body.append(h('h3', { text: label }));
      body.append(h('ul', { class: 'type-list' }, ts.map((t) => h('li', {}, typeLink(t.name),
        t.description ? h('span', { class: 'muted type-summary', text: ' — ' + firstSentence(t.description) }) : null))));
    }
  }

  function firstSentence(text) {
    const flat = text.replace(/\s+/g, ' ').trim();
    const m = /^(.*?[.:])(\s|$)/.exec(flat);
    const s = m ? m[1] : flat;
    return s.length > 140 ? s.slice(0, 137) + '…' : s;
  }

  function renderType(body, name) {
    const t = docs.types.get(name);
    if (!t) { body.append(h('p', { class: 'error-text', text: `Unknown type ${name}.` })); return; }
    body.append(h('h2', { class: 'doc-title' }, h('span', { class: 'kind', text: kindLabel(t.kind) }), ' ', t.name));
    body.append(description(t.description, 'lead') || h('p', { class: 'muted', text: 'No description.' }));
    const root = [docs.schema.queryType, docs.schema.mutationType, docs.schema.subscriptionType].some((r) => r && r.name === name);
    if (t.fields && t.fields.length) {
      body.append(h('h3', { text: 'Fields' }));
      body.append(h('ul', { class: 'entries' }, t.fields.map((f) => fieldEntry(t.name, f, { root, args: true, anchor: true }))));
    }
    if (t.inputFields && t.inputFields.length) {
      body.append(h('h3', { text: 'Input fields' }));
      body.append(argList(t.inputFields, t.name));
    }
    if (t.enumValues && t.enumValues.length) {
      body.append(h('h3', { text: 'Values' }));
      body.append(h('dl', { class: 'args' }, t.enumValues.map((v) => [
        h('dt', { id: anchorId(t.name, v.name) }, h('span', { class: 'enum-value', text: v.name })),
        h('dd', {}, deprecation(v), description(v.description) || h('span', { class: 'muted', text: 'No description.' })),
      ])));
    }
    for (const [label, list] of [['Implements', t.interfaces], ['Possible types', t.possibleTypes]]) {
      if (list && list.length) body.append(h('h3', { text: label }), h('p', {}, list.map((r, i) => [i ? ', ' : '', typeLink(r.name)])));
    }
    const used = docs.usedBy.get(name) || [];
    if (used.length) {
      body.append(h('h3', { text: 'Used by' }));
      body.append(h('ul', { class: 'used-by' }, used.map((u) => h('li', {},
        usageLink(u), u.arg ? h('span', { class: 'muted', text: ` (argument ${u.arg})` }) : null))));
    }
  }

  function usageLink(u) {
    const roots = [docs.schema.queryType, docs.schema.mutationType].filter(Boolean).map((r) => r.name);
    const go = roots.includes(u.type) ? () => showDoc({ view: 'field', type: u.type, field: u.field }) : () => showDoc({ view: 'type', name: u.type, focus: u.field });
    return h('button', { type: 'button', class: 'link', onclick: go, text: `${u.type}.${u.field}` });
  }

  function renderField(body, typeName, fieldName) {
    const t = docs.types.get(typeName);
    const f = t && (t.fields || []).find((x) => x.name === fieldName);
    if (!f) { body.append(h('p', { class: 'error-text', text: `Unknown field ${typeName}.${fieldName}.` })); return; }
    body.append(h('h2', { class: 'doc-title' }, h('span', { class: 'kind', text: typeName === (docs.schema.mutationType || {}).name ? 'mutation' : 'query' }), ' ', f.name));
    body.append(h('div', { class: 'sig big' }, f.name, ': ', typeRef(f.type)));
    body.append(deprecation(f) || '', description(f.description, 'lead') || h('p', { class: 'muted', text: 'No description.' }));
    body.append(h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => insertSkeleton(typeName, f), text: 'Write a query for this field' })));
    if (f.args.length) { body.append(h('h3', { text: 'Arguments' })); body.append(argList(f.args)); }
    const rt = docs.types.get(namedType(f.type).name);
    if (rt && rt.kind === 'OBJECT') {
      body.append(h('h3', {}, 'Returns ', typeLink(rt.name)));
      body.append(description(rt.description) || '');
      body.append(h('ul', { class: 'entries' }, (rt.fields || []).map((x) => fieldEntry(rt.name, x, { args: true }))));
    }
  }

  // insertSkeleton writes a query selecting every scalar of a root field's result, with variables for its
  // required arguments, and placeholder variable values.
  function insertSkeleton(typeName, f) {
    const opType = typeName === (docs.schema.mutationType || {}).name ? 'mutation' : 'query';
    const req = f.args.filter((a) => a.type.kind === 'NON_NULL' && a.defaultValue == null);
    const vars = {};
    for (const a of req) vars[a.name] = placeholder(a.type, 0, a.name);
    const opName = f.name[0].toUpperCase() + f.name.slice(1);
    const defs = req.length ? '(' + req.map((a) => `$${a.name}: ${typeRefText(a.type)}`).join(', ') + ')' : '';
    const args = req.length ? '(' + req.map((a) => `${a.name}: $${a.name}`).join(', ') + ')' : '';
    const sel = selection(namedType(f.type).name, 2, '    ');
    const q = `${opType} ${opName}${defs} {\n  ${f.name}${args}${sel ? ' {\n' + sel + '  }' : ''}\n}\n`;
    loadRequest(q, vars);
    toast(`Wrote a query for ${f.name}; adjust the variables and press Ctrl+Enter`);
  }

  function selection(name, depth, indent) {
    const t = docs.types.get(name);
    if (!t || !t.fields) return '';
    let out = '';
    for (const f of t.fields) {
      if (f.args.some((a) => a.type.kind === 'NON_NULL' && a.defaultValue == null)) continue;
      const nt = docs.types.get(namedType(f.type).name);
      if (!nt || nt.kind === 'SCALAR' || nt.kind === 'ENUM') out += indent + f.name + '\n';
      else if (depth > 1) {
        const inner = selection(nt.name, depth - 1, indent + '  ');
        if (inner) out += `${indent}${f.name} {\n${inner}${indent}}\n`;
      }
    }
    return out;
  }

  function placeholder(ref, depth, name) {
    if (ref.kind === 'NON_NULL') return placeholder(ref.ofType, depth, name);
    if (ref.kind === 'LIST') return [];
    const t = docs.types.get(ref.name);
    if (!t) return null;
    if (t.kind === 'ENUM') return t.enumValues[0] ? t.enumValues[0].name : null;
    if (t.kind === 'INPUT_OBJECT') {
      const o = {};
      if (depth > 3) return o;
      for (const x of t.inputFields) if (x.type.kind === 'NON_NULL' && x.defaultValue == null) o[x.name] = placeholder(x.type, depth + 1, x.name);
      return o;
    }
    const today = new Date();
    switch (t.name) {
      case 'Int': case 'Int64': return 0;
      case 'Float': return 0;
      case 'Boolean': return false;
      case 'Date': {
        // A range start defaults to the first day of the month a year ago, anything else to today.
        if (name === 'from') return new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), 1)).toISOString().slice(0, 10);
        return today.toISOString().slice(0, 10);
      }
      case 'Time': return today.toISOString().slice(0, 19) + 'Z';
      default: return '';
    }
  }

  function renderSearch(body, q) {
    const needle = q.toLowerCase();
    const hits = [];
    const consider = (label, desc, go, score) => {
      const inName = label.toLowerCase().includes(needle);
      const inDesc = !inName && desc && desc.toLowerCase().includes(needle);
      if (inName || inDesc) hits.push({ label, desc, go, rank: (inName ? 0 : 10) + score });
    };
    for (const t of docs.schema.types) {
      if (t.name.startsWith('__')) continue;
      const toType = () => showDoc({ view: 'type', name: t.name });
      const toMember = (member) => () => showDoc({ view: 'type', name: t.name, focus: member });
      consider(t.name, t.description, toType, 0);
      const root = [docs.schema.queryType, docs.schema.mutationType].some((r) => r && r.name === t.name);
      for (const f of t.fields || []) {
        const go = root ? () => showDoc({ view: 'field', type: t.name, field: f.name }) : toMember(f.name);
        consider(`${t.name}.${f.name}`, f.description, go, root ? 1 : 2);
        for (const a of f.args || []) consider(`${t.name}.${f.name}(${a.name})`, a.description, go, 3);
      }
      for (const f of t.inputFields || []) consider(`${t.name}.${f.name}`, f.description, toMember(f.name), 2);
      for (const v of t.enumValues || []) consider(`${t.name}.${v.name}`, v.description, toMember(v.name), 2);
    }
    hits.sort((a, b) => a.rank - b.rank || a.label.localeCompare(b.label));
    if (!hits.length) { body.append(h('p', { class: 'muted', text: `Nothing matches “${q}”.` })); return; }
    body.append(h('p', { class: 'muted', text: `${hits.length} match${hits.length === 1 ? '' : 'es'}` }));
    body.append(h('ul', { class: 'entries' }, hits.slice(0, 200).map((x) => h('li', { class: 'entry' },
      h('div', { class: 'sig' }, h('button', { type: 'button', class: 'link', onclick: x.go }, highlight(x.label, needle))),
      x.desc ? h('div', { class: 'desc' }, h('p', {}, highlight(snippet(x.desc, needle), needle))) : null))));
  }

  function snippet(text, needle) {
    const flat = text.replace(/\s+/g, ' ').trim();
    const i = flat.toLowerCase().indexOf(needle);
    if (i < 0 || flat.length <= 220) return flat;
    const s = Math.max(0, i - 80);
    return (s ? '…' : '') + flat.slice(s, s + 220) + (s + 220 < flat.length ? '…' : '');
  }

  function highlight(text, needle) {
    const out = [];
    const low = text.toLowerCase();
    let at = 0;
    for (let i = low.indexOf(needle); needle && i >= 0; i = low.indexOf(needle, at)) {
      out.push(text.slice(at, i), h('mark', { text: text.slice(i, i + needle.length) }));
      at = i + needle.length;
    }
    out.push(text.slice(at));
    return out;
  }

  // ---------------------------------------------------------------- wiring

  function init() {
    $('endpoint').textContent = endpoint;
    editorKeys(els.query);
    editorKeys(els.variables);
    editorKeys(els.headers);

    const draft = store.get(KEY.draft, null);
    if (draft) { els.query.value = draft.query || ''; els.variables.value = draft.variables || ''; }
    const remember = store.get(KEY.remember, false);
    els.remember.checked = !!remember;
    if (remember) els.headers.value = store.get(KEY.headers, '');
    updateGutter();
    validateVariablesSoon();

    els.query.addEventListener('input', () => { updateGutter(); saveDraft(); });
    els.query.addEventListener('scroll', () => { els.gutter.scrollTop = els.query.scrollTop; });
    els.variables.addEventListener('input', () => { validateVariablesSoon(); saveDraft(); });
    els.headers.addEventListener('input', () => { if (els.remember.checked) store.set(KEY.headers, els.headers.value); });
    els.remember.addEventListener('change', () => {
      if (els.remember.checked) { store.set(KEY.remember, true); store.set(KEY.headers, els.headers.value); toast('Headers will be kept in this browser'); } else { store.del(KEY.remember); store.del(KEY.headers); toast('Stored headers removed from this browser'); }
    });

    els.run.addEventListener('click', () => { if (running) running.controller.abort(); else run(); });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); }
    });
    $('prettify').addEventListener('click', () => {
      try {
        const pretty = prettify(els.query.value);
        if (pretty !== els.query.value) setValue(els.query, pretty);
      } catch (err) { toast('Cannot prettify: ' + err.message); }
    });
    $('curl').addEventListener('click', copyCurl);
    $('curl-close').addEventListener('click', () => $('curl-dialog').close());
    $('clear-history').addEventListener('click', () => { store.del(KEY.history); renderHistory(); toast('History cleared'); });

    const toggle = $('toggle-docs');
    const setDocs = (open) => {
      els.layout.classList.toggle('no-docs', !open);
      toggle.setAttribute('aria-expanded', String(open));
      $('docs').hidden = !open;
    };
    setDocs(window.innerWidth >= 900);
    toggle.addEventListener('click', () => setDocs($('docs').hidden));

    for (const tab of document.querySelectorAll('[role="tab"]')) {
      tab.addEventListener('click', () => selectTab(tab.id === 'tab-vars' ? 'vars' : 'headers'));
      tab.addEventListener('keydown', (ev) => {
        if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
          const next = tab.id === 'tab-vars' ? 'headers' : 'vars';
          selectTab(next);
          $('tab-' + next).focus();
        }
      });
    }

    els.docsSearch.addEventListener('input', debounce(() => {
      const q = els.docsSearch.value.trim();
      if (!docs.schema) return;
      if (!q) { showDoc({ view: 'root' }, true); return; }
      const top = docs.stack[docs.stack.length - 1];
      if (top && top.view === 'search') docs.stack.pop();
      showDoc({ view: 'search', q });
    }, 150));
    els.docsBack.addEventListener('click', () => { if (docs.stack.length > 1) { docs.stack.pop(); renderDoc(); } });
    $('docs-reload').addEventListener('click', loadSchema);

    renderHistory();
    loadExamples();
    loadSchema();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
