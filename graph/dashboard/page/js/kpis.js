// The KPIs an MoU can set targets for (schema enum KPI), their units, and
// where each is found in the answers of the KPI fields: the family, the field, and the
// field counting its population, exactly as the evaluation takes them
// (internal/report). SEIZURES_PER_10K sums the seizures of every category
// over the items presented.

export const kpis = {
  CLEARANCE_P90_HOURS: { label: 'Clearance time, 90th percentile', unit: 'HOURS', family: 'clearanceTimes', field: 'p90Hours', population: 'items', noun: 'items released' },
  CLEARANCE_MEAN_HOURS: { label: 'Clearance time, mean', unit: 'HOURS', family: 'clearanceTimes', field: 'meanHours', population: 'items', noun: 'items released' },
  CLEARANCE_WITHIN_TARGET_RATE: { label: 'Cleared within 24 hours', unit: 'RATE', family: 'clearanceTimes', field: 'withinTargetRate', population: 'items', noun: 'items released' },
  DELIVERY_ON_TIME_RATE: { label: 'Delivered by J+5', unit: 'RATE', family: 'deliveryTimes', field: 'onTimeRate', population: 'items', noun: 'items posted' },
  DELIVERY_P90_DAYS: { label: 'Delivery time, 90th percentile', unit: 'DAYS', family: 'deliveryTimes', field: 'p90Days', population: 'delivered', noun: 'items delivered' },
  EAD_COVERAGE: { label: 'Advance data at arrival', unit: 'RATE', family: 'complianceRates', field: 'eadCoverage', population: 'itemsArrived', noun: 'items arrived' },
  DECLARATION_COMPLETENESS: { label: 'Complete declarations', unit: 'RATE', family: 'complianceRates', field: 'declarationCompleteness', population: 'declarations', noun: 'declarations' },
  INSPECTION_RATE: { label: 'Inspection rate', unit: 'RATE', family: 'complianceRates', field: 'inspectionRate', population: 'itemsPresented', noun: 'items presented' },
  HIT_RATE: { label: 'Hit rate of inspections', unit: 'RATE', family: 'complianceRates', field: 'hitRate', population: 'itemsPresented', noun: 'items presented' },
  RELEASE_WITHOUT_INTERVENTION_RATE: { label: 'Released without intervention', unit: 'RATE', family: 'complianceRates', field: 'releaseWithoutInterventionRate', population: 'itemsPresented', noun: 'items presented' },
  SEIZURES_PER_10K: { label: 'Seizures per 10,000 items presented', unit: 'PER_10K', family: 'seizureTrends', population: 'itemsPresented', noun: 'items presented' },
  // The later KPIs: each from its family's field asked with the evaluation's
  // fixed arguments (Trends.graphql), when the MoU targets one (ask: the
  // operation's variable that asks for the family).
  ARRIVAL_TO_RELEASE_MEAN_HOURS: { label: 'Arrival to release, mean', unit: 'HOURS', family: 'arrivalToRelease', ask: 'stages', field: 'meanHours', population: 'items', noun: 'items released' },
  ARRIVAL_TO_RELEASE_P90_HOURS: { label: 'Arrival to release, 90th percentile', unit: 'HOURS', family: 'arrivalToRelease', ask: 'stages', field: 'p90Hours', population: 'items', noun: 'items released' },
  DELIVERY_ON_TIME_RATE_WORKING_DAYS: { label: 'Delivered by J+5 working days', unit: 'RATE', family: 'workingDayDelivery', ask: 'working', field: 'onTimeRate', population: 'items', noun: 'items posted' },
  HOLD_PRESENTED_WITHIN_RATE: { label: 'Holds presented within 24 hours', unit: 'RATE', family: 'holdFulfilment', ask: 'holds', field: 'presentedWithinRate', population: 'requested', noun: 'items requested' },
  EAD_LEAD_TIME_RATE: { label: 'Advance data 4 hours before arrival', unit: 'RATE', family: 'eadTimeliness', ask: 'ead', field: 'leadTimeRate', population: 'items', noun: 'items arrived' },
  TARGETED_HIT_RATE: { label: 'Hit rate of targeted inspections', unit: 'RATE', family: 'riskEffectiveness', ask: 'risk', channel: 'TARGETED', field: 'hitRate', population: 'inspected', noun: 'targeted inspections' },
  // A figure at a moment (the backlog at the end of a quarter): the
  // scorecard shows it, it has no series here.
  BACKLOG_IN_CUSTOMS_OVER_72H: { label: 'In customs over 72 hours at the end', unit: 'COUNT', family: null, noun: 'items presented' },
};

// asks returns the operation's variables that ask for the families of the
// KPIs given.
export function asks(shown) {
  const out = {};
  for (const kpi of shown) if (kpis[kpi] && kpis[kpi].ask) out[kpis[kpi].ask] = true;
  return out;
}

// label is a KPI's name for people; the enum name for one the page does
// not know yet.
export const label = (kpi) => (kpis[kpi] ? kpis[kpi].label : kpi);

// series returns, for each bucket of a Trends answer (by its first day),
// the KPI's value and population.
export function series(kpi, data) {
  const k = kpis[kpi];
  const out = new Map();
  if (!k || !k.family) return out;
  if (k.channel) {
    // One row per channel: the channel's, and every other bucket empty.
    for (const row of data.clearanceTimes) out.set(row.key.period, { value: null, population: 0 });
    for (const row of data[k.family]) if (row.channel === k.channel) out.set(row.key.period, { value: row[k.field], population: row[k.population] });
    return out;
  }
  if (k.family !== 'seizureTrends') {
    for (const row of data[k.family]) out.set(row.key.period, { value: row[k.field], population: row[k.population] });
    return out;
  }
  const seized = new Map();
  for (const row of data.seizureTrends) seized.set(row.key.period, (seized.get(row.key.period) || 0) + row.seizures);
  for (const row of data.complianceRates) {
    const presented = row.itemsPresented;
    const value = presented > 0 ? (10000 * (seized.get(row.key.period) || 0)) / presented : null;
    out.set(row.key.period, { value, population: presented });
  }
  return out;
}
