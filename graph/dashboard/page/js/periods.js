// Quarters ("2025-Q3") and months, and the first days that bound them,
// in UTC as the KPI fields' buckets are.

export function parseQuarter(s) {
  const m = /^(\d{4})-Q([1-4])$/.exec(s);
  return m ? { year: +m[1], q: +m[2] } : null;
}

export const quarterName = ({ year, q }) => `${year}-Q${q}`;

export function quarterOf(date) {
  const d = new Date(date);
  return { year: d.getUTCFullYear(), q: Math.floor(d.getUTCMonth() / 3) + 1 };
}

export function addQuarters({ year, q }, n) {
  const i = year * 4 + (q - 1) + n;
  return { year: Math.floor(i / 4), q: (i % 4) + 1 };
}

export const compareQuarters = (a, b) => a.year * 4 + a.q - (b.year * 4 + b.q);

const day = (year, month) => new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);

// quarterStart is the first day of a quarter, as YYYY-MM-DD.
export const quarterStart = ({ year, q }) => day(year, (q - 1) * 3);

// monthStart is the first day of the month n months after a quarter's
// first month.
export const monthStart = ({ year, q }, n) => day(year, (q - 1) * 3 + n);

// bucketLabel names a bucket by its first day: 2025-Q3, or 2025-07.
export function bucketLabel(period, grain) {
  return grain === 'MONTH' ? period.slice(0, 7) : quarterName(quarterOf(period + 'T00:00:00Z'));
}

// bucketOf is the first day of the bucket holding a date.
export function bucketOf(date, grain) {
  const d = new Date(date + 'T00:00:00Z');
  const month = grain === 'MONTH' ? d.getUTCMonth() : Math.floor(d.getUTCMonth() / 3) * 3;
  return day(d.getUTCFullYear(), month);
}
