// One KPI over time as an Apache ECharts line chart (the global echarts,
// loaded by the page before its modules): the values, met or missed, with
// their populations in the tooltip; the target as a dashed line; the MoU's
// entry into force as a dotted line; its capacity-building activities as
// marks on the time axis, listed in the tooltip of their period. Tooltips
// are built from escaped text, without inline styles, so the page's
// Content-Security-Policy needs no 'unsafe-inline'.

import { escape } from './dom.js';
import * as fmt from './format.js';

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// axisPeriod writes 2025-Q3 as Q3 over 2025, and 2025-07 as Jul over 2025.
function axisPeriod(label) {
  const [year, part] = label.split('-');
  return `${part.startsWith('Q') ? part : months[+part - 1]}\n${year}`;
}

const colours = { value: '#0a5bb5', target: '#b5300a', met: '#1d7a36', missed: '#b5300a', mark: '#6b6b6b' };

// draw renders into el and returns the chart. points: [{label, value,
// population, met, activities: [text]}]; target: {comparison, value} or
// null; inForce: the label of the period the MoU came into force, or null.
export function draw(el, { title, unit, noun, points, target, inForce }) {
  const chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: 'canvas' });
  const lines = [];
  if (target) {
    lines.push({
      yAxis: target.value,
      lineStyle: { color: colours.target, type: 'dashed', width: 1.5 },
      label: { formatter: `target ${target.comparison === 'AT_MOST' ? '≤' : '≥'} ${fmt.value(target.value, unit)}`, position: 'insideEndTop', color: colours.target },
    });
  }
  if (inForce) {
    lines.push({
      xAxis: inForce,
      lineStyle: { color: colours.mark, type: 'dotted', width: 1.5 },
      label: { formatter: 'MoU in force', position: 'insideEndTop', color: colours.mark, fontSize: 10 },
    });
  }
  const tooltip = (index) => {
    const p = points[index];
    let text = `<strong>${escape(p.label)}</strong><br>${escape(fmt.value(p.value, unit))} · ${escape(fmt.count(p.population))} ${escape(noun)}`;
    if (p.met !== null) text += `<br>target ${p.met ? 'met' : 'missed'}`;
    if (p.activities.length) text += '<br>' + p.activities.map(escape).join('<br>');
    return text;
  };
  chart.setOption({
    animation: false,
    aria: { enabled: true, label: { description: `${title}: ${points.map((p) => `${p.label} ${fmt.value(p.value, unit)}`).join(', ')}` } },
    grid: { left: 58, right: 18, top: 26, bottom: 44 },
    tooltip: { trigger: 'axis', confine: true, formatter: (params) => tooltip(params[0].dataIndex) },
    // Every period is labelled, on two lines: Q3 over 2025, Jul over 2025.
    xAxis: {
      type: 'category', data: points.map((p) => p.label), boundaryGap: false,
      axisLabel: { interval: 0, fontSize: 11, lineHeight: 14, margin: 10, formatter: axisPeriod },
    },
    yAxis: [
      // The range holds the target too, so that its line is always seen.
      { type: 'value', scale: true, axisLabel: { formatter: (v) => fmt.axis(v, unit), fontSize: 11 } },
      { type: 'value', min: 0, max: 1, show: false }, // for the activity marks
    ],
    series: [
      {
        type: 'line',
        name: title,
        symbolSize: 8,
        lineStyle: { color: colours.value, width: 2 },
        data: points.map((p) => ({ value: p.value, itemStyle: { color: p.met === false ? colours.missed : p.met ? colours.met : colours.value } })),
        markLine: { symbol: 'none', silent: true, data: lines },
      },
      {
        type: 'scatter',
        name: 'activities',
        yAxisIndex: 1,
        symbol: 'triangle',
        symbolSize: 10,
        itemStyle: { color: colours.mark },
        data: points.map((p) => (p.activities.length ? 0.04 : null)),
      },
      // The target again, unseen, so that the value axis always reaches it.
      ...(target ? [{ type: 'line', name: 'target', data: points.map(() => target.value), symbol: 'none', silent: true, lineStyle: { opacity: 0 } }] : []),
    ],
  }, true);
  return chart;
}
