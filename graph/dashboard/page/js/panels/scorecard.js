// The MoU scorecard: one tile per KPI the MoU sets a target on, with the
// quarter's value, the target, met or missed, and the change from the
// previous quarter and from the same quarter a year before; the findings and the open agreed actions beside them;
// the other KPIs in a table; the PDF and CSV of the same evaluation as
// downloads.

import { download, query } from '../api.js';
import { h, num } from '../dom.js';
import * as fmt from '../format.js';
import { kpis, label } from '../kpis.js';

export const operation = 'Scorecard';
const section = document.getElementById('scorecard');
let current = null; // {mouId, quarter} shown, for the downloads

// better says whether a change is an improvement under the target's
// comparison: lower is better under AT_MOST.
function better(change, comparison) {
  if (!change || !comparison) return '';
  return (change < 0) === (comparison === 'AT_MOST') ? 'better' : 'worse';
}

const comparisonSign = { AT_MOST: '≤', AT_LEAST: '≥' };

function status(met) {
  if (met === true) return h('span', { class: 'status met' }, '✓ Met');
  if (met === false) return h('span', { class: 'status missed' }, '✗ Missed');
  return h('span', { class: 'status none' }, 'No data');
}

function tile(k, previousQuarter, previousYearQuarter) {
  const known = kpis[k.kpi];
  return h('article', {
    class: 'tile ' + (k.met === true ? 'is-met' : k.met === false ? 'is-missed' : 'is-empty'),
    dataset: {
      kpi: k.kpi, actual: num(k.actual), target: num(k.target), met: num(k.met), previous: num(k.previous), change: num(k.change),
      previousYear: num(k.previousYear), changeFromPreviousYear: num(k.changeFromPreviousYear), population: num(k.population),
    },
  },
    h('h3', {}, label(k.kpi)),
    h('p', { class: 'actual' }, fmt.value(k.actual, k.unit)),
    h('p', { class: 'target' }, `target ${comparisonSign[k.comparison]} ${fmt.value(k.target, k.unit)} `, status(k.met)),
    h('p', { class: 'change ' + better(k.change, k.comparison) }, `${fmt.change(k.change, k.unit)} from ${previousQuarter} (${fmt.value(k.previous, k.unit)})`),
    h('p', { class: 'change year ' + better(k.changeFromPreviousYear, k.comparison) }, `${fmt.change(k.changeFromPreviousYear, k.unit)} from ${previousYearQuarter} (${fmt.value(k.previousYear, k.unit)})`),
    h('p', { class: 'population' }, `${fmt.count(k.population)} ${known ? known.noun : 'items'}`),
  );
}

function otherRow(k) {
  return h('tr', { dataset: { kpi: k.kpi, actual: num(k.actual), population: num(k.population) } },
    h('th', { scope: 'row' }, label(k.kpi)),
    h('td', { class: 'num' }, fmt.value(k.actual, k.unit)),
    h('td', { class: 'num' }, fmt.value(k.previous, k.unit)),
    h('td', { class: 'num' }, fmt.change(k.change, k.unit)),
    h('td', { class: 'num' }, fmt.value(k.previousYear, k.unit)),
    h('td', { class: 'num' }, fmt.change(k.changeFromPreviousYear, k.unit)),
    h('td', { class: 'num' }, fmt.count(k.population)),
  );
}

const owners = { CUSTOMS: 'customs', POST: 'post', JOINT: 'joint' };

// actions lists the agreed actions still open at the end of the quarter,
// overdue ones first, beside the findings.
function actions(summary, quarter) {
  const open = summary.actions.filter((a) => a.statusAtEnd === 'OPEN').sort((a, b) => (b.overdue - a.overdue) || a.action.dueOn.localeCompare(b.action.dueOn));
  Object.assign(document.getElementById('actions-summary').dataset, { openAtEnd: summary.openAtEnd, overdue: summary.overdue });
  document.getElementById('actions-summary').textContent =
    `${summary.openAtEnd} open at the end of ${quarter}, ${summary.overdue} of them overdue; in the quarter ${summary.raised} raised, ${summary.done} done, ${summary.dropped} dropped.`;
  document.getElementById('actions').replaceChildren(...open.map(({ action: a, overdue }) => h('li', { class: overdue ? 'overdue' : '', dataset: { action: a.id, overdue: String(overdue) } },
    h('strong', {}, a.id), ` · ${owners[a.owner]} · due ${a.dueOn}`, overdue ? h('span', { class: 'status missed' }, 'overdue') : null,
    h('br'), a.text, a.kpi ? h('span', { class: 'kpi' }, ` (${label(a.kpi)})`) : null)));
}

// update shows the evaluation of view.mou for view.quarter.
export async function update(view) {
  const { mouEvaluation: ev } = await query(operation, { mouId: view.mou.id, quarter: view.quarter });
  current = { mouId: ev.mou.id, quarter: ev.quarter };
  document.getElementById('scorecard-title').textContent = `Scorecard ${ev.quarter} · ${ev.mou.country}`;
  document.getElementById('scorecard-subtitle').textContent =
    `${ev.mou.customsAdministration} and ${ev.mou.postalOperator}, MoU ${ev.mou.id}: ${ev.from} to ${ev.to} (exclusive, ${ev.mou.timeZone}), compared with ${ev.previousQuarter} and ${ev.previousYearQuarter}`;
  const targeted = ev.kpis.filter((k) => k.target !== null);
  const tiles = document.getElementById('tiles');
  tiles.replaceChildren(...targeted.map((k) => tile(k, ev.previousQuarter, ev.previousYearQuarter)));
  if (targeted.length === 0) tiles.append(h('p', { class: 'empty' }, 'This MoU sets no targets.'));
  document.getElementById('findings').replaceChildren(...ev.findings.map((f) => h('li', {}, f.text)));
  actions(ev.actions, ev.quarter);
  section.querySelector('#other-kpis tbody').replaceChildren(...ev.kpis.filter((k) => k.target === null).map(otherRow));
  const loaded = ev.data.loadedAt ? `, records last changed ${ev.data.loadedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  document.getElementById('printed').textContent =
    `Printed ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC from ${location.host}: data version ${ev.data.version}${loaded}.`;
  section.dataset.quarter = ev.quarter;
  section.dataset.version = ev.data.version;
  section.dataset.mou = ev.mou.id;
}

function downloadButton(id, extension) {
  document.getElementById(id).addEventListener('click', async (event) => {
    if (!current) return;
    const button = event.currentTarget;
    const error = document.getElementById('download-error');
    button.disabled = true;
    error.textContent = '';
    try {
      await download(`/reports/mous/${encodeURIComponent(current.mouId)}/${encodeURIComponent(current.quarter)}.${extension}`);
    } catch (err) {
      error.textContent = `The ${extension.toUpperCase()} could not be downloaded: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });
}
downloadButton('download-pdf', 'pdf');
downloadButton('download-csv', 'csv');
