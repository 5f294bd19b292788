// Where the time goes: the Time Release Study's stage chain (arrival →
// presentation → release → departure, and release → delivery) for the
// items to the MoU's country in the chosen quarter, as median and 90th
// percentile bars per inward office of exchange, the slowest office
// first: the one whose medians along the chain (arrival to departure) add
// up to most.

import { query } from '../api.js';
import { escape, h, num } from '../dom.js';
import * as fmt from '../format.js';
import { addQuarters, quarterStart } from '../periods.js';

export const operation = 'Stages';
const stages = [
  { id: 'ARRIVAL_TO_PRESENTATION', label: 'Arrival → presentation', who: 'the post, at the office of exchange', chain: true },
  { id: 'PRESENTATION_TO_RELEASE', label: 'Presentation → release', who: 'customs', chain: true },
  { id: 'RELEASE_TO_DEPARTURE', label: 'Release → departure', who: 'the post, at the office of exchange', chain: true },
  { id: 'RELEASE_TO_DELIVERY', label: 'Release → delivery', who: 'the post: departure and the delivery network', chain: false },
];
const colours = { p50: '#0a5bb5', p90: '#9dbfe6' };
const hoursText = (v) => fmt.value(v, 'HOURS');

const $ = (id) => document.getElementById(id);
let charts = [];

// byOffice turns the rows into offices, the slowest first.
function byOffice(rows) {
  const offices = new Map();
  for (const r of rows) {
    if (r.key.office === null) continue; // no arrival scan: no office
    const o = offices.get(r.key.office) || { office: r.key.office, chain: 0, stages: {} };
    o.stages[r.stage] = r;
    if (stages.find((s) => s.id === r.stage).chain) o.chain += r.p50Hours || 0;
    offices.set(r.key.office, o);
  }
  return [...offices.values()].sort((a, b) => b.chain - a.chain || a.office.localeCompare(b.office));
}

function draw(el, stage, offices) {
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  const row = (o) => o.stages[stage.id] || { items: 0, p50Hours: null, p90Hours: null };
  chart.setOption({
    animation: false,
    aria: { enabled: true, label: { description: `${stage.label}, median and 90th percentile hours: ${offices.map((o) => `${o.office} ${hoursText(row(o).p50Hours)}, ${hoursText(row(o).p90Hours)}`).join('; ')}` } },
    grid: { left: 70, right: 40, top: 26, bottom: 24 },
    legend: { top: 0, right: 0, data: ['median', '90th percentile'] },
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true,
      formatter: (ps) => {
        const r = row(offices[ps[0].dataIndex]);
        return `<strong>${escape(offices[ps[0].dataIndex].office)}</strong><br>median ${escape(hoursText(r.p50Hours))}, 90th percentile ${escape(hoursText(r.p90Hours))}<br>${escape(fmt.count(r.items))} items`;
      },
    },
    xAxis: { type: 'value', axisLabel: { formatter: (v) => fmt.axis(v, 'HOURS') } },
    yAxis: { type: 'category', inverse: true, data: offices.map((o) => o.office) },
    series: [
      { type: 'bar', name: 'median', id: 'p50', itemStyle: { color: colours.p50 }, data: offices.map((o) => row(o).p50Hours), label: { show: true, position: 'right', formatter: (p) => fmt.value(p.value, 'HOURS') } },
      { type: 'bar', name: '90th percentile', id: 'p90', itemStyle: { color: colours.p90 }, data: offices.map((o) => row(o).p90Hours) },
    ],
  }, true);
  return chart;
}

function table(offices) {
  return [
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Office'), stages.map((s) => h('th', { scope: 'col' }, s.label, h('br'), 'median · p90 · items')))),
    h('tbody', {}, offices.map((o) => h('tr', { dataset: { office: o.office } }, h('th', { scope: 'row' }, o.office), stages.map((s) => {
      const r = o.stages[s.id] || { items: 0, p50Hours: null, p90Hours: null };
      return h('td', { class: 'num' },
        h('span', { dataset: { cell: `${o.office}|${s.id}|p50Hours`, value: num(r.p50Hours) } }, hoursText(r.p50Hours)), ' · ',
        h('span', { dataset: { cell: `${o.office}|${s.id}|p90Hours`, value: num(r.p90Hours) } }, hoursText(r.p90Hours)), ' · ',
        h('span', { dataset: { cell: `${o.office}|${s.id}|items`, value: num(r.items) } }, fmt.count(r.items)));
    })))),
  ];
}

// update shows the stage times of view.mou's country in view.quarter.
export async function update(view) {
  const filter = { from: quarterStart(view.quarterParsed), to: quarterStart(addQuarters(view.quarterParsed, 1)), destinationCountries: [view.mou.country] };
  const { stageTimes } = await query(operation, { filter, timeZone: view.mou.timeZone });
  const offices = byOffice(stageTimes);
  $('stages-subtitle').textContent = `Items to ${view.mou.country} in ${view.quarter}, each stage counted in the quarter it ended, by inward office of exchange: the slowest office from arrival to departure first. Dark: median; light: 90th percentile.`;
  charts.forEach((c) => c.dispose());
  const cards = stages.map((s) => {
    const plot = h('div', { class: 'plot stage-plot', role: 'img', 'aria-label': `${s.label} by office` });
    return { stage: s, plot, card: h('figure', { class: 'card', dataset: { stage: s.id } }, h('figcaption', {}, s.label, h('span', { class: 'who' }, ` · ${s.who}`)), plot) };
  });
  $('stage-charts').replaceChildren(...cards.map((c) => c.card));
  for (const c of cards) c.plot.style.height = `${60 + 34 * offices.length}px`;
  charts = cards.map((c) => draw(c.plot, c.stage, offices));
  $('stages-table').replaceChildren(...table(offices));
}

addEventListener('resize', () => charts.forEach((c) => c.resize()));
