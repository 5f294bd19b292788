// The trends: each KPI the MoU sets a target on (or, without targets, the
// headline ones) over the last eight quarters or months up to the chosen
// quarter, with its target line and the MoU's entry into force and
// activities marked on the time axis; each chart has its figures in a
// table too.

import { query } from '../api.js';
import { draw } from '../chart.js';
import { h, num } from '../dom.js';
import * as fmt from '../format.js';
import { asks, kpis, label, series } from '../kpis.js';
import { addQuarters, bucketLabel, bucketOf, monthStart, quarterStart } from '../periods.js';

export const operation = 'Trends';
const buckets = 8;
const headline = ['CLEARANCE_P90_HOURS', 'DELIVERY_ON_TIME_RATE', 'EAD_COVERAGE', 'SEIZURES_PER_10K'];

// range is [from, to) covering the eight buckets that end with the
// chosen quarter's last one.
function range(quarter, grain) {
  const to = quarterStart(addQuarters(quarter, 1));
  const from = grain === 'MONTH' ? monthStart(quarter, 3 - buckets) : quarterStart(addQuarters(quarter, 1 - buckets));
  return { from, to };
}

const met = (target, v) => (v === null ? null : target.comparison === 'AT_MOST' ? v <= target.value : v >= target.value);

function table(kpi, unit, points) {
  return h('details', { class: 'figures' },
    h('summary', {}, 'Figures'),
    h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Period'), h('th', { scope: 'col' }, label(kpi)), h('th', { scope: 'col' }, 'Population'))),
      h('tbody', {}, points.map((p) => h('tr', { dataset: { period: p.period, value: num(p.value), population: num(p.population) } },
        h('th', { scope: 'row' }, p.label), h('td', { class: 'num' }, fmt.value(p.value, unit)), h('td', { class: 'num' }, fmt.count(p.population))))),
    ));
}

// activitiesByBucket lists the MoU's activities by the label of their
// bucket.
function activitiesByBucket(activities, grain) {
  const out = new Map();
  for (const a of activities) {
    const bucket = bucketLabel(bucketOf(a.date, grain), grain);
    out.set(bucket, [...(out.get(bucket) || []), `▲ ${a.date} ${a.kind.toLowerCase()}: ${a.title}`]);
  }
  return out;
}

let charts = [];
addEventListener('resize', () => charts.forEach((c) => c.resize()));

// update shows the trends of view.mou up to view.quarter by view.grain.
export async function update(view) {
  const { from, to } = range(view.quarterParsed, view.grain);
  // The MoU's targets are known before the trends are asked (the MoU list
  // holds them), so that only the families they need are asked.
  const targeted = view.mou.targets.map((t) => t.kpi);
  const data = await query(operation, {
    mouId: view.mou.id,
    filter: { from, to, destinationCountries: [view.mou.country] },
    granularity: view.grain,
    timeZone: view.mou.timeZone,
    ...asks(targeted.length > 0 ? targeted : headline),
  });
  const targets = new Map(data.mou.targets.map((t) => [t.kpi, t]));
  const shown = (targets.size > 0 ? [...targets.keys()] : headline).filter((kpi) => !kpis[kpi] || kpis[kpi].family !== null);
  const activities = activitiesByBucket(data.mou.activities, view.grain);
  const inForce = view.mou.effectiveFrom >= from && view.mou.effectiveFrom < to ? bucketLabel(bucketOf(view.mou.effectiveFrom, view.grain), view.grain) : null;
  const grainName = view.grain === 'MONTH' ? 'months' : 'quarters';
  document.getElementById('trends-subtitle').textContent =
    `The last ${buckets} ${grainName} to ${view.quarter}, items to ${view.mou.country}. Dashed: the target; dotted: the MoU comes into force; ▲ capacity-building activities.`;

  charts.forEach((c) => c.dispose());
  charts = [];
  const cards = shown.map((kpi) => {
    const values = series(kpi, data);
    const target = targets.get(kpi) || null;
    const unit = kpis[kpi] ? kpis[kpi].unit : 'COUNT';
    const points = [...values.keys()].sort().map((period) => {
      const { value, population } = values.get(period);
      const bucket = bucketLabel(period, view.grain);
      return { period, label: bucket, value, population, met: target ? met(target, value) : null, activities: activities.get(bucket) || [] };
    });
    const plot = h('div', { class: 'plot', role: 'img', 'aria-label': `${label(kpi)} by ${grainName}` });
    const card = h('figure', { class: 'chart', dataset: { kpi } },
      h('figcaption', {}, label(kpi)), plot, table(kpi, unit, points));
    return { card, plot, draw: () => draw(plot, { title: label(kpi), unit, noun: kpis[kpi] ? kpis[kpi].noun : 'items', points, target, inForce }) };
  });
  document.getElementById('charts').replaceChildren(...cards.map((c) => c.card));
  charts = cards.map((c) => c.draw());
}
