// The operations desk: what is stuck now in the MoU's country. The
// backlog by inward office of exchange and stage as bars, worst office
// first; a click (or Enter on its figure) on a bar lists the oldest items
// open there, a page at a time; a click on an item shows its time line.
// "Now" is the latest event loaded: the present on a live feed, the end
// of the data on demo data.

import { query } from '../api.js';
import { escape, h, num } from '../dom.js';
import * as fmt from '../format.js';

export const operation = 'Backlog';
const pageSize = 8;
const stages = [
  { id: 'AWAITING_PRESENTATION', label: 'Awaiting presentation', colour: '#b5300a' },
  { id: 'IN_CUSTOMS', label: 'In customs', colour: '#0a5bb5' },
  { id: 'AWAITING_DELIVERY', label: 'Awaiting delivery', colour: '#6b6b6b' },
];
const stageLabel = (id) => stages.find((s) => s.id === id).label;

const $ = (id) => document.getElementById(id);
const section = $('desk');
let chart = null;
// shown: what the desk shows now; the list and the time line follow it.
let shown = { country: null, timeZone: 'UTC', asOf: null, filter: null, pick: null, pages: [], item: null };

const day = (iso) => iso.slice(0, 10);
const when = (iso) => iso.slice(0, 16).replace('T', ' ');
const hours = (v) => fmt.value(v === null ? null : v / 24, 'DAYS');

// localDay is the date of an instant in a time zone, as YYYY-MM-DD.
const localDay = (iso, timeZone) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));

// scopeOf is a filter of the desk's questions: the items to the MoU's
// country that entered their stage (or arrived) in the days up to asOf,
// days of the MoU's time zone.
function scopeOf(country, asOf, days, timeZone) {
  const to = new Date(localDay(asOf, timeZone) + 'T00:00:00Z');
  to.setUTCDate(to.getUTCDate() + 1);
  const from = new Date(to);
  from.setUTCDate(from.getUTCDate() - days);
  return { from: day(from.toISOString()), to: day(to.toISOString()), destinationCountries: [country] };
}

// byOffice turns backlog rows into offices, worst first: the most items
// held at the border (awaiting presentation or in customs, what customs
// and the post answer for together under the MoU) per 1,000 items the
// office received in the last 90 days, so that a busy office does not
// come first for its size; then the most open. Awaiting delivery is the
// domestic network's, and holds every office's long tail of items lost
// or never collected.
function byOffice(rows, arrivals) {
  const offices = new Map();
  for (const r of rows) {
    if (r.key.office === null) continue; // open without an arrival scan: no office to list them by
    const o = offices.get(r.key.office) || { office: r.key.office, border: 0, total: 0, stages: {} };
    o.stages[r.stage] = r;
    o.total += r.items;
    if (r.stage !== 'AWAITING_DELIVERY') o.border += r.items;
    offices.set(r.key.office, o);
  }
  for (const o of offices.values()) {
    const a = arrivals.find((r) => r.key.office === o.office);
    o.arrived = a ? a.itemsArrived : 0;
    o.perThousand = o.arrived > 0 ? (1000 * o.border) / o.arrived : null;
  }
  const weight = (o) => (o.perThousand === null ? (o.border > 0 ? Infinity : 0) : o.perThousand);
  return [...offices.values()].sort((a, b) => weight(b) - weight(a) || b.total - a.total || a.office.localeCompare(b.office));
}

function draw(offices) {
  const el = $('backlog-plot');
  el.style.height = `${70 + 34 * offices.length}px`;
  chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: 'canvas' });
  chart.resize();
  chart.setOption({
    animation: false,
    aria: { enabled: true, label: { description: `Backlog by office: ${offices.map((o) => `${o.office} ${o.total}`).join(', ')}` } },
    grid: { left: 76, right: 24, top: 34, bottom: 28 },
    legend: { top: 0, data: stages.map((s) => s.label) },
    tooltip: { trigger: 'item', confine: true, formatter: (p) => tooltip(offices[p.dataIndex], stages[p.seriesIndex].id) },
    xAxis: { type: 'value', name: 'items', nameLocation: 'end', nameGap: 6, minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: offices.map((o) => o.office) },
    series: stages.map((s) => ({
      type: 'bar', stack: 'open', name: s.label, id: s.id, cursor: 'pointer',
      itemStyle: { color: s.colour },
      data: offices.map((o) => (o.stages[s.id] ? o.stages[s.id].items : 0)),
    })),
  }, true);
  chart.off('click');
  chart.on('click', (p) => guard(pick(offices[p.dataIndex].office, stages[p.seriesIndex].id)));
  shownOffices = offices;
  cursor = null;
}

// The bars from the keyboard: the chart takes the focus; the arrow keys
// choose a bar (up and down an office, left and right a stage), which is
// highlighted with its tooltip and read out; Enter lists its items.
let shownOffices = [];
let cursor = null; // {o, s}: indexes of the office and stage chosen

function choose(o, s) {
  if (!chart || shownOffices.length === 0) return;
  if (cursor) chart.dispatchAction({ type: 'downplay', seriesIndex: cursor.s, dataIndex: cursor.o });
  cursor = { o: (o + shownOffices.length) % shownOffices.length, s: (s + stages.length) % stages.length };
  chart.dispatchAction({ type: 'highlight', seriesIndex: cursor.s, dataIndex: cursor.o });
  chart.dispatchAction({ type: 'showTip', seriesIndex: cursor.s, dataIndex: cursor.o });
  const office = shownOffices[cursor.o];
  const r = office.stages[stages[cursor.s].id];
  $('backlog-cursor').textContent = `${office.office}, ${stages[cursor.s].label.toLowerCase()}: ${fmt.count(r ? r.items : 0)} items. Enter lists them.`;
}

$('backlog-plot').addEventListener('keydown', (event) => {
  const moves = { ArrowDown: [1, 0], ArrowUp: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] };
  if (moves[event.key]) {
    event.preventDefault();
    const [o, s] = moves[event.key];
    if (!cursor) choose(0, 0);
    else choose(cursor.o + o, cursor.s + s);
  } else if (event.key === 'Enter' && cursor) {
    event.preventDefault();
    guard(pick(shownOffices[cursor.o].office, stages[cursor.s].id));
  }
});
$('backlog-plot').addEventListener('focus', () => {
  if (!cursor) choose(0, 0);
});

function tooltip(o, stage) {
  const r = o.stages[stage];
  if (!r) return `${escape(o.office)} · ${stageLabel(stage)}: none`;
  return `<strong>${escape(o.office)}</strong> · ${stageLabel(stage)}<br>${fmt.count(r.items)} items, median age ${hours(r.p50AgeHours)}, oldest ${hours(r.maxAgeHours)}`;
}

// The same figures as a table whose counts are buttons: the way to a list
// from the keyboard, and for screen readers.
function table(offices) {
  return [
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Office'), stages.map((s) => h('th', { scope: 'col' }, s.label)),
      h('th', { scope: 'col' }, 'At the border per 1,000 arrived (90 days)'), h('th', { scope: 'col' }, 'Over 7 days'), h('th', { scope: 'col' }, 'Oldest'))),
    h('tbody', {}, offices.map((o) => h('tr', { dataset: { office: o.office } },
      h('th', { scope: 'row' }, o.office),
      stages.map((s) => {
        const r = o.stages[s.id];
        if (!r) return h('td', { class: 'num', dataset: { stage: s.id, items: '0' } }, '0');
        return h('td', { class: 'num', dataset: { stage: s.id, items: num(r.items), p50: num(r.p50AgeHours), max: num(r.maxAgeHours) } },
          h('button', { type: 'button', class: 'link', 'aria-label': `${fmt.count(r.items)} items ${s.label.toLowerCase()} at ${o.office}: list them` }, fmt.count(r.items)));
      }),
      h('td', { class: 'num', dataset: { perThousand: num(o.perThousand) }, title: `${o.border} items at the border, ${o.arrived} arrived` }, o.perThousand === null ? '–' : fmt.count(Math.round(o.perThousand))),
      h('td', { class: 'num' }, fmt.count(Object.values(o.stages).reduce((n, r) => n + r.olderThan.find((a) => a.hours === 168).items, 0))),
      h('td', { class: 'num' }, hours(Math.max(...Object.values(o.stages).map((r) => r.maxAgeHours)))),
    ))),
  ];
}

$('backlog-table').addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  guard(pick(button.closest('tr').dataset.office, button.closest('td').dataset.stage));
});

// guard shows why a question the user asked (a list, a page, an item) was
// not answered. A page after the first fails with CONFLICT when records
// stored since changed the list: it is read again from its first page.
function guard(promise) {
  $('desk-error').textContent = '';
  return promise.catch((err) => {
    if (err.code === 'CONFLICT' && shown.pick) {
      $('desk-error').textContent = 'The list changed since its first page was read; here it is again from the start.';
      return page(null).catch((again) => { $('desk-error').textContent = `The list could not be read: ${again.message}`; });
    }
    $('desk-error').textContent = `That could not be shown: ${err.message}`;
    return undefined;
  });
}

// pick lists the oldest items of a stage at an office.
async function pick(office, stage) {
  shown.pick = { office, stage };
  shown.pages = [];
  shown.item = null;
  $('timeline-box').hidden = true;
  await page(null);
  $('open-items-title').focus();
}

// page shows the page of the picked list after the cursor (null: the
// first).
async function page(after) {
  const { office, stage } = shown.pick;
  const { openItems: list } = await query('OpenItems', {
    asOf: shown.asOf, stage, filter: { ...shown.filter, offices: [office] }, first: pageSize, after, timeZone: shown.timeZone,
  });
  if (after === null) shown.pages = [null];
  const box = $('open-items');
  box.hidden = false;
  box.dataset.office = office;
  box.dataset.stage = stage;
  box.dataset.after = after || '';
  box.dataset.total = num(list.totalCount);
  $('open-items-title').textContent = `${stageLabel(stage)} at ${office}: ${fmt.count(list.totalCount)} items, oldest first`;
  $('open-items-list').replaceChildren(...list.edges.map(({ node: n }) => h('tr', { dataset: { item: n.itemId, age: num(n.ageHours), entered: n.enteredAt } },
    h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', 'aria-label': `Time line of ${n.itemId}` }, n.itemId)),
    h('td', {}, n.originCountry || '–'), h('td', {}, n.mailClass || '–'), h('td', {}, n.category ? n.category.toLowerCase().replaceAll('_', ' ') : '–'),
    h('td', {}, when(n.enteredAt)), h('td', { class: 'num' }, hours(n.ageHours)))));
  const at = shown.pages.indexOf(after);
  $('open-items-page').textContent = `Page ${at + 1} of ${Math.max(1, Math.ceil(list.totalCount / pageSize))}`;
  $('open-items-previous').disabled = at <= 0;
  $('open-items-next').disabled = !list.pageInfo.hasNextPage;
  $('open-items-next').onclick = () => {
    shown.pages = [...shown.pages.slice(0, at + 1), list.pageInfo.endCursor];
    guard(page(list.pageInfo.endCursor));
  };
  $('open-items-previous').onclick = () => guard(page(shown.pages[at - 1]));
}

$('open-items-list').addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (button) guard(showItem(button.closest('tr').dataset.item).then(() => $('timeline-title').focus()));
});

// The time line: every record stored for the item and its milestones, in
// time order (a milestone before the record that makes it).

const milestones = [
  ['postedAt', 'Posted'], ['departedOriginAt', 'Left the origin country'], ['eadAt', 'Advance data received'],
  ['arrivedAt', 'Arrived at the office of exchange'], ['requestedAt', 'Customs asked the post to present it'],
  ['presentedAt', 'Presented to customs'], ['inspectedAt', 'Inspected'], ['releasedAt', 'Released by customs'],
  ['departedInwardAt', 'Left the office of exchange'], ['deliveredAt', 'Delivered'], ['closedAt', 'Closed'],
];

const eventNames = {
  EMA: 'posting', EMB: 'arrival at outward office of exchange', EXA: 'presented to export customs', EXB: 'held by export customs',
  EXC: 'returned from export customs', EXD: 'held at outward office of exchange', EXX: 'export cancelled', EMC: 'departure from outward office of exchange',
  EMJ: 'arrival at transit office of exchange', EMK: 'departure from transit office of exchange', EMD: 'arrival at inward office of exchange',
  EDA: 'held at inward office of exchange', EDB: 'presented to import customs', EME: 'held by import customs', EDC: 'returned from import customs',
  EMF: 'departure from inward office of exchange', EDD: 'into sorting centre', EDE: 'out of sorting centre', EMG: 'arrival at delivery office',
  EDF: 'held at delivery depot', EDG: 'out for delivery', EDH: 'arrival at collection point', EMH: 'unsuccessful delivery', EMI: 'final delivery',
  EDX: 'import terminated',
};

const lower = (v) => (v ? v.toLowerCase().replaceAll('_', ' ') : '');

// entries lists the time line of an item: {at, kind, title, detail,
// milestones}. A milestone is marked on the first record of its moment
// (the record that makes it), and is an entry of its own only when no
// record shares its moment.
function entries(item) {
  const out = [];
  for (const e of item.events) out.push({ at: e.eventTime, kind: 'event', title: `${e.eventCode} ${eventNames[e.eventCode] || ''}`, detail: e.office });
  for (const d of item.declarations) {
    const what = [lower(d.category), d.description ? `“${d.description}”` : 'no description', `${d.declaredValue} ${d.currency || '(no currency)'}`, `${d.grossWeightKg} kg`, d.hsCode ? `HS ${d.hsCode}` : ''];
    out.push({ at: d.receivedAt, kind: 'declaration', title: 'Declaration received', detail: what.filter(Boolean).join(' · ') });
  }
  for (const d of item.decisions) {
    const what = [d.riskChannel ? `${lower(d.riskChannel)} channel` : '', d.seizureCategory ? lower(d.seizureCategory) : '', d.dutyAmount !== '0' ? `duty ${d.dutyAmount}` : ''];
    out.push({ at: d.decidedAt, kind: 'decision', title: `Customs decision: ${lower(d.decision)}`, detail: what.filter(Boolean).join(' · ') });
  }
  const order = { event: 0, declaration: 1, decision: 2, milestone: 3 };
  out.sort((a, b) => a.at.localeCompare(b.at) || order[a.kind] - order[b.kind]);
  for (const [field, title] of milestones) {
    const at = item.milestones[field];
    if (!at) continue;
    const mark = { field, title: field === 'inspectedAt' && item.milestones.inspectionChannel ? `${title} (${lower(item.milestones.inspectionChannel)} channel)` : title };
    const record = out.find((e) => e.at === at);
    if (record) record.milestones = [...(record.milestones || []), mark];
    else out.push({ at, kind: 'milestone', title: '', detail: '', milestones: [mark] });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at) || order[a.kind] - order[b.kind]);
}

// openNow is the time line's last entry for an item still open at asOf:
// the stage it waits in (as the backlog defines them) and for how long.
function openNow(m, asOf) {
  const by = (t) => t && t <= asOf;
  if (by(m.closedAt)) return null;
  const [stage, entered] = by(m.releasedAt) ? ['AWAITING_DELIVERY', m.releasedAt]
    : by(m.presentedAt) ? ['IN_CUSTOMS', m.presentedAt]
      : by(m.arrivedAt) ? ['AWAITING_PRESENTATION', m.arrivedAt] : [null, null];
  if (!stage) return null;
  const age = (Date.parse(asOf) - Date.parse(entered)) / 3600000;
  return h('li', { class: 'tl-now', dataset: { kind: 'now', at: asOf, stage, age: num(age) } },
    h('time', { datetime: asOf }, `${when(asOf)} · now`), h('strong', {}, `${stageLabel(stage)} for ${hours(age)}`));
}

async function showItem(id) {
  const { item } = await query('Item', { id });
  shown.item = id;
  const box = $('timeline-box');
  box.hidden = false;
  box.dataset.item = id;
  if (!item) {
    $('timeline-title').textContent = `${id}: no longer visible`;
    $('timeline').replaceChildren();
    return;
  }
  $('timeline-title').textContent = `${item.itemId}: ${item.originCountry || '?'} → ${item.destinationCountry || '?'}, ${lower(item.mailClass)}${item.office ? ' via ' + item.office : ''}`;
  $('timeline').replaceChildren(...entries(item).map((e) => h('li', { class: 'tl-' + e.kind, dataset: { kind: e.kind, at: e.at } },
    h('time', { datetime: e.at }, when(e.at)),
    (e.milestones || []).map((m) => h('span', { class: 'milestone', dataset: { milestone: m.field } }, '◆ ' + m.title)),
    e.title ? h('strong', {}, e.title) : null, e.detail ? h('span', { class: 'detail' }, e.detail) : null)));
  const now = openNow(item.milestones, shown.asOf);
  if (now) $('timeline').append(now);
}

// update shows the backlog of view.mou's country now; a list or time line
// open for the same country is shown again over the new data.
export async function update(view) {
  const { dataStatus } = await query('Viewer');
  const asOf = dataStatus.lastEventAt;
  const country = view.mou.country;
  if (!asOf) return;
  const timeZone = view.mou.timeZone;
  const filter = scopeOf(country, asOf, 366, timeZone);
  const recent = scopeOf(country, asOf, 90, timeZone);
  const { backlog, complianceRates } = await query(operation, { asOf, filter, recent, timeZone });
  const kept = shown.country === country ? shown : null;
  shown = { country, timeZone, asOf, filter, pick: kept ? kept.pick : null, pages: [], item: kept ? kept.item : null };
  section.dataset.asOf = asOf;
  section.dataset.timeZone = timeZone;
  section.dataset.filter = JSON.stringify(filter);
  section.dataset.recent = JSON.stringify(recent);
  $('desk-subtitle').textContent = `Items to ${country} open at ${when(asOf)} UTC (the latest event loaded), by inward office of exchange, the office holding most at the border for the items it receives first. Click a bar, or a figure in the table, for the oldest items.`;
  const offices = byOffice(backlog, complianceRates);
  draw(offices);
  $('backlog-table').replaceChildren(...table(offices));
  $('open-items').hidden = !shown.pick;
  $('timeline-box').hidden = !shown.item;
  if (shown.pick) await page(null);
  if (shown.item) await showItem(shown.item);
}

addEventListener('resize', () => chart && chart.resize());
