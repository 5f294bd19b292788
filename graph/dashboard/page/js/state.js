// The page's filters live in its URL (?mou=…&quarter=…&grain=…), so a view
// can be bookmarked and shared; the credential never does.

export const grains = ['QUARTER', 'MONTH'];

export function read() {
  const p = new URLSearchParams(location.search);
  return {
    mou: p.get('mou') || '',
    quarter: p.get('quarter') || '',
    grain: grains.includes(p.get('grain')) ? p.get('grain') : 'QUARTER',
  };
}

function search(state) {
  const p = new URLSearchParams();
  if (state.mou) p.set('mou', state.mou);
  if (state.quarter) p.set('quarter', state.quarter);
  if (state.grain !== 'QUARTER') p.set('grain', state.grain);
  return '?' + p;
}

// write records state in the URL: a new history entry when the user
// changed a filter (so Back undoes it), the same one otherwise.
export function write(state, { replace = false } = {}) {
  if (search(state) === location.search) return;
  (replace ? history.replaceState : history.pushState).call(history, null, '', search(state));
}
