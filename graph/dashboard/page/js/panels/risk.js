// Risk and data, over the MoU's country: targeted against random hit
// rates with the lift (KPI 6) over the four quarters to the chosen one, hold fulfilment (KPI 7) in the quarter and
// by office over eight quarters, advance data at arrival by origin over
// eight quarters (KPI 8), and declaration quality by origin and rule in the
// quarter. Every figure is in an element with data-cell (which table,
// row and column) and data-value (the API's number), which the browser
// test reads.

import { query } from '../api.js';
import { escape, h, num } from '../dom.js';
import * as fmt from '../format.js';
import { addQuarters, bucketLabel, quarterName, quarterStart } from '../periods.js';

export const operation = 'Risk';
const quarters = 8;
const channels = ['TARGETED', 'RANDOM', 'DISCRETIONARY'];
const rules = ['DESCRIPTION', 'VALUE', 'CURRENCY', 'WEIGHT', 'HS_CODE'];
const ruleLabels = { DESCRIPTION: 'Description', VALUE: 'Value', CURRENCY: 'Currency', WEIGHT: 'Weight', HS_CODE: 'HS code' };
const lower = (v) => v.toLowerCase().replaceAll('_', ' ');

const $ = (id) => document.getElementById(id);
let chart = null;

const rate = (v) => fmt.value(v, 'RATE');

// heat shades a cell by how bad a share is, 0 (none) to 1 (all), in five
// steps; the figure is written in the cell as well.
const heat = (bad) => (bad === null || bad === undefined ? 'heat' : `heat h${Math.min(4, Math.floor(bad * 5))}`);

// cell is a table cell holding one figure of the API.
function cell(id, value, text, { bad = null, title } = {}) {
  return h('td', { class: `num ${heat(bad)}`, title, dataset: { cell: id, value: num(value) } }, text);
}

function head(first, columns) {
  return h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, first), columns.map((c) => h('th', { scope: 'col' }, c))));
}

// pivot turns rows into a map of row name → column name → row.
function pivot(rows, rowOf, columnOf) {
  const out = new Map();
  for (const r of rows) {
    const name = rowOf(r);
    if (!out.has(name)) out.set(name, new Map());
    out.get(name).set(columnOf(r), r);
  }
  return out;
}

function targeting(rows, year) {
  const shown = channels.map((c) => rows.find((r) => r.channel === c) || { channel: c, inspected: 0, shareOfInspections: null, hitRate: null, liftVsRandom: null });
  const el = $('targeting-plot');
  chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    aria: { enabled: true, label: { description: `Hit rate by channel, ${year}: ${shown.map((r) => `${lower(r.channel)} ${rate(r.hitRate)}`).join(', ')}` } },
    grid: { left: 50, right: 12, top: 28, bottom: 28 },
    tooltip: { trigger: 'item', confine: true, formatter: (p) => escape(`${lower(shown[p.dataIndex].channel)}: ${rate(shown[p.dataIndex].hitRate)} of ${fmt.count(shown[p.dataIndex].inspected)} inspections seized`) },
    xAxis: { type: 'category', data: shown.map((r) => lower(r.channel)) },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => fmt.axis(v, 'RATE') } },
    series: [{
      type: 'bar', barWidth: '45%',
      data: shown.map((r) => ({ value: r.hitRate, itemStyle: { color: r.channel === 'RANDOM' ? '#6b6b6b' : '#0a5bb5' } })),
      label: {
        show: true, position: 'top',
        formatter: (p) => {
          const r = shown[p.dataIndex];
          return r.channel !== 'RANDOM' && r.liftVsRandom !== null ? `${rate(r.hitRate)} · ${fmt.factor(r.liftVsRandom)}` : rate(r.hitRate);
        },
      },
    }],
  }, true);
  $('targeting-table').replaceChildren(
    head('Channel', ['Inspections', 'Share', 'Hit rate', 'Lift vs random']),
    h('tbody', {}, shown.map((r) => h('tr', {},
      h('th', { scope: 'row' }, lower(r.channel)),
      cell(`targeting|${r.channel}|inspected`, r.inspected, fmt.count(r.inspected)),
      cell(`targeting|${r.channel}|shareOfInspections`, r.shareOfInspections, rate(r.shareOfInspections)),
      cell(`targeting|${r.channel}|hitRate`, r.hitRate, rate(r.hitRate)),
      cell(`targeting|${r.channel}|liftVsRandom`, r.liftVsRandom, fmt.factor(r.liftVsRandom))))),
  );
  const targeted = shown[0];
  $('targeting-note').textContent = targeted.liftVsRandom === null
    ? `No lift in ${year}: it needs random inspections that found something.`
    : `${year}: a targeted inspection found something ${fmt.factor(targeted.liftVsRandom).slice(1)} times as often as a random one.`;
}

function holds(all, byOffice, periods, quarter) {
  const t = all[0] || { requested: 0, presentedRate: null, presentedWithinRate: null, p50HoursToPresent: null, deliveredWithoutPresentation: 0 };
  $('holds-summary').replaceChildren(
    `In ${quarter} customs asked the post to hold or present `, h('strong', { dataset: { cell: 'holds|all|requested', value: num(t.requested) } }, fmt.count(t.requested)),
    ' items: ', h('strong', { dataset: { cell: 'holds|all|presentedRate', value: num(t.presentedRate) } }, rate(t.presentedRate)),
    ' were presented, ', h('strong', { dataset: { cell: 'holds|all|presentedWithinRate', value: num(t.presentedWithinRate) } }, rate(t.presentedWithinRate)),
    ' within 24 hours (median ', h('strong', { dataset: { cell: 'holds|all|p50HoursToPresent', value: num(t.p50HoursToPresent) } }, fmt.value(t.p50HoursToPresent, 'HOURS')),
    '), and ', h('strong', { dataset: { cell: 'holds|all|deliveredWithoutPresentation', value: num(t.deliveredWithoutPresentation) } }, fmt.count(t.deliveredWithoutPresentation)),
    ' were delivered without being presented.',
  );
  const offices = pivot(byOffice.filter((r) => r.key.office !== null), (r) => r.key.office, (r) => r.key.period);
  const names = [...offices.keys()].sort((a, b) => total(offices.get(b)) - total(offices.get(a)) || a.localeCompare(b));
  $('holds-table').replaceChildren(
    head('Office', periods.map((p) => bucketLabel(p, 'QUARTER'))),
    h('tbody', {}, names.map((office) => h('tr', {}, h('th', { scope: 'row' }, office), periods.map((p) => {
      const r = offices.get(office).get(p);
      if (!r || r.requested === 0) return cell(`holdsByOffice|${office}|${p}`, null, '–');
      return cell(`holdsByOffice|${office}|${p}`, r.deliveredWithoutPresentation, `${fmt.count(r.deliveredWithoutPresentation)} / ${fmt.count(r.requested)}`,
        { bad: r.deliveredWithoutPresentation / r.requested, title: `${office} ${bucketLabel(p, 'QUARTER')}: ${r.deliveredWithoutPresentation} of ${r.requested} requested items delivered without presentation` });
    })))),
  );
}

const total = (byPeriod) => [...byPeriod.values()].reduce((n, r) => n + r.deliveredWithoutPresentation, 0);

function ead(rows, periods) {
  const origins = pivot(rows.filter((r) => r.key.originCountry !== null), (r) => r.key.originCountry, (r) => r.key.period);
  const items = (o) => [...origins.get(o).values()].reduce((n, r) => n + r.items, 0);
  const names = [...origins.keys()].sort((a, b) => items(b) - items(a) || a.localeCompare(b));
  $('ead-table').replaceChildren(
    head('Origin', periods.map((p) => bucketLabel(p, 'QUARTER'))),
    h('tbody', {}, names.map((origin) => h('tr', {}, h('th', { scope: 'row' }, origin), periods.map((p) => {
      const r = origins.get(origin).get(p);
      if (!r || r.items === 0) return cell(`eadByOrigin|${origin}|${p}`, null, '–');
      return cell(`eadByOrigin|${origin}|${p}`, r.beforeArrivalRate, fmt.value(r.beforeArrivalRate, 'RATE').replace(' %', ''),
        { bad: 1 - r.beforeArrivalRate, title: `${origin} ${bucketLabel(p, 'QUARTER')}: ${rate(r.beforeArrivalRate)} of ${r.items} items arrived with advance data` });
    })))),
  );
}

function quality(rows) {
  const origins = pivot(rows.filter((r) => r.key.originCountry !== null), (r) => r.key.originCountry, (r) => r.rule);
  const declarations = (o) => origins.get(o).get(rules[0]).declarations;
  const names = [...origins.keys()].sort((a, b) => declarations(b) - declarations(a) || a.localeCompare(b));
  $('quality-table').replaceChildren(
    head('Origin', [...rules.map((r) => ruleLabels[r]), 'Declarations']),
    h('tbody', {}, names.map((origin) => h('tr', {}, h('th', { scope: 'row' }, origin),
      rules.map((rule) => {
        const r = origins.get(origin).get(rule);
        return cell(`quality|${origin}|${rule}`, r.failureRate, rate(r.failureRate), { bad: r.failureRate === null ? null : Math.min(1, r.failureRate * 4) });
      }),
      cell(`quality|${origin}|declarations`, declarations(origin), fmt.count(declarations(origin)))))),
  );
}

// update shows the figures of view.mou's country for view.quarter, and
// over the eight quarters to it.
export async function update(view) {
  const country = [view.mou.country];
  const first = addQuarters(view.quarterParsed, 1 - quarters);
  const end = quarterStart(addQuarters(view.quarterParsed, 1));
  const yearFrom = addQuarters(view.quarterParsed, -3);
  const data = await query(operation, {
    year: { from: quarterStart(yearFrom), to: end, destinationCountries: country },
    quarter: { from: quarterStart(view.quarterParsed), to: end, destinationCountries: country },
    quarters: { from: quarterStart(first), to: end, destinationCountries: country },
    timeZone: view.mou.timeZone,
  });
  const periods = Array.from({ length: quarters }, (_, i) => quarterStart(addQuarters(first, i)));
  const year = `${quarterName(yearFrom)} to ${view.quarter}`;
  $('risk-subtitle').textContent = `Items to ${view.mou.country}: targeting from ${year}; holds and declarations in ${view.quarter}; holds by office and advance data over the ${quarters} quarters to it. Shading: the darker, the worse.`;
  targeting(data.riskEffectiveness, year);
  holds(data.holds, data.holdsByOffice, periods, view.quarter);
  ead(data.eadByOrigin, periods);
  quality(data.declarationQuality);
}

addEventListener('resize', () => chart && chart.resize());
