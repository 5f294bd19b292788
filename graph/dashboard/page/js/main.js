// The dashboard: signs the user in when the server asks for it, offers the
// MoUs and quarters the caller may see, keeps the choice in the URL, and
// has every panel show its figures — again whenever the server announces
// new data (dataChanged).

import { credential, query } from './api.js';
import { subscribe } from './live.js';
import { addQuarters, compareQuarters, parseQuarter, quarterName, quarterOf } from './periods.js';
import * as state from './state.js';
import * as scorecard from './panels/scorecard.js';
import * as trends from './panels/trends.js';
import * as stages from './panels/stages.js';
import * as risk from './panels/risk.js';
import * as desk from './panels/desk.js';

// The panels, in page order. A panel is a module with update(view), which
// asks the API for its figures (its operation, a .graphql file) and shows
// them; view holds the chosen MoU, quarter and granularity.
const panels = [scorecard, trends, stages, risk, desk];

const $ = (id) => document.getElementById(id);
const filters = $('filters');
let mous = [];
let stopLive = null;
let version = null; // the data version last announced

function say(text) {
  $('message').textContent = text || '';
  $('message').hidden = !text;
}

function status(text) {
  $('live').textContent = text;
}

// The credential: asked for when the server refuses to answer without one.

function signIn(reason) {
  stop();
  $('sign-in').hidden = false;
  $('main').hidden = filters.hidden = true;
  $('sign-out').hidden = !credential.get();
  $('sign-in-error').textContent = reason || '';
  $('token').focus();
}

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  credential.set($('token').value);
  $('token').value = '';
  start();
});

$('sign-out').addEventListener('click', () => {
  credential.clear();
  $('viewer').textContent = '';
  signIn('');
});

function stop() {
  if (stopLive) stopLive();
  stopLive = null;
  version = null;
}

// refused explains why the server would not answer.
function refused(err) {
  if (err.code === 'UNAUTHENTICATED') {
    const had = credential.get();
    credential.clear();
    signIn(had ? `The server refused this credential: ${err.message}` : '');
    return;
  }
  $('sign-in').hidden = true;
  $('sign-out').hidden = !credential.get();
  say(err.code === 'FORBIDDEN' ? `This credential may not read the figures: ${err.message}.` : `The server could not answer: ${err.message}`);
}

// The choice: an MoU, a quarter, quarters or months.

const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });

function quartersBetween(first, last) {
  const out = [];
  for (let q = last; compareQuarters(q, first) >= 0; q = addQuarters(q, -1)) out.push(quarterName(q));
  return out;
}

// view is the current choice, taken from the controls.
function view() {
  const grain = filters.elements.grain.value;
  return {
    mou: mous.find((m) => m.id === $('mou').value),
    quarter: $('quarter').value,
    quarterParsed: parseQuarter($('quarter').value),
    grain,
  };
}

// apply sets the controls from a state (the URL's), falling back to what
// is offered; it returns the state the controls hold.
function apply(s, fallbackQuarter) {
  const pick = (select, value, fallback) => {
    select.value = [...select.options].some((o) => o.value === value) ? value : fallback;
  };
  pick($('mou'), s.mou, mous[0].id);
  pick($('quarter'), s.quarter, fallbackQuarter);
  filters.elements.grain.value = s.grain;
  return { mou: $('mou').value, quarter: $('quarter').value, grain: s.grain };
}

// Rendering: every panel, one pass at a time; a request for another
// while one runs is kept and done after it.

let rendering = null;
let again = false;
let renders = 0;

async function render() {
  if (rendering) {
    again = true;
    return rendering;
  }
  rendering = (async () => {
    do {
      again = false;
      document.body.dataset.busy = 'true';
      const v = view();
      const failed = (await Promise.allSettled(panels.map((p) => p.update(v)))).filter((r) => r.status === 'rejected');
      if (failed.some((r) => r.reason.code === 'UNAUTHENTICATED')) return refused(failed[0].reason);
      say(failed.map((r) => `Some figures could not be shown: ${r.reason.message}`).join(' '));
      for (const r of failed) console.warn('postclear: panel failed', r.reason);
      renders++;
      document.body.dataset.renders = renders;
      document.body.dataset.version = version || '';
      delete document.body.dataset.busy;
      if (renders === 1) performance.mark('dashboard-ready');
    } while (again);
  })();
  try {
    await rendering;
  } finally {
    rendering = null;
  }
}

filters.addEventListener('change', () => {
  state.write({ mou: $('mou').value, quarter: $('quarter').value, grain: filters.elements.grain.value });
  render();
});
filters.addEventListener('submit', (event) => event.preventDefault());

addEventListener('popstate', () => {
  apply(state.read(), $('quarter').value);
  render();
});

// Live updates: the first message says which data the page is about to
// show; every later one that names another version shows the new figures.

function live() {
  let first = true;
  const fallback = setTimeout(() => {
    if (first) render(); // no WebSocket: show the figures anyway
  }, 3000);
  stopLive = subscribe('DataChanged', {
    onNext: ({ dataChanged }) => {
      const changed = dataChanged.version !== version;
      version = dataChanged.version;
      status(`Live · data version ${version} · ${new Date(dataChanged.at).toLocaleTimeString('en-GB')}`);
      if (first) {
        first = false;
        clearTimeout(fallback);
        render();
      } else if (changed) {
        render();
      }
    },
    onStatus: (what, detail) => {
      if (what === 'reconnecting') status(`Live updates interrupted; reconnecting in ${detail / 1000} s`);
      if (what === 'error') status(`Live updates unavailable: ${detail}`);
    },
    onRefused: (reason) => refused({ code: 'UNAUTHENTICATED', message: reason }),
  });
}

async function start() {
  say('');
  stop();
  $('sign-in').hidden = true;
  let who, list;
  try {
    [who, list] = await Promise.all([query('Viewer'), query('MoUs')]);
  } catch (err) {
    refused(err);
    return;
  }
  const v = who.viewer;
  $('viewer').textContent = credential.get()
    ? `${v.subject} · ${v.role}${v.countries.length ? ' (' + v.countries.join(', ') + ')' : ''}`
    : `${v.subject} · ${v.role} (authentication off)`;
  $('sign-out').hidden = !credential.get();
  mous = list.mous;
  if (mous.length === 0) {
    say('There is no MoU you may see.');
    return;
  }
  const { firstEventAt, lastEventAt } = who.dataStatus;
  if (!lastEventAt) {
    say('No data is loaded yet.');
    return;
  }
  const last = quarterOf(lastEventAt);
  $('mou').replaceChildren(...mous.map((m) => option(m.id, `${m.country} · ${m.id}${m.archived ? ' (archived)' : ''}`)));
  $('quarter').replaceChildren(...quartersBetween(quarterOf(firstEventAt), last).map((q) => option(q, q)));
  // By default the last complete quarter of the data.
  const fallback = quarterName(compareQuarters(addQuarters(last, -1), quarterOf(firstEventAt)) >= 0 ? addQuarters(last, -1) : last);
  state.write(apply(state.read(), fallback), { replace: true });
  filters.hidden = false;
  $('main').hidden = false;
  live();
}

start();
