// Small helpers to build elements without writing HTML strings, so that no
// text from the server is ever parsed as markup.

// h makes an element: h('td', {class: 'num', dataset: {value: 1}}, 'text', child…)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// escape writes text for the few places a library takes HTML (chart tooltips).
export function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// num is a number for a data- attribute: its shortest exact form, '' for none.
export const num = (v) => (v === null || v === undefined ? '' : String(v));
