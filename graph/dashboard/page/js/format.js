// How figures are written: hours and days to 0.1, rates as percentages to
// 0.1 %, seizures per 10,000 to 0.01, counts in full. Changes of rates are
// in percentage points.

const fixed = (digits) => new Intl.NumberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const one = fixed(1);
const two = fixed(2);
const whole = new Intl.NumberFormat('en');

const units = {
  HOURS: { scale: 1, format: one, suffix: ' h', changeSuffix: ' h' },
  DAYS: { scale: 1, format: one, suffix: ' d', changeSuffix: ' d' },
  RATE: { scale: 100, format: one, suffix: ' %', changeSuffix: ' pts' },
  PER_10K: { scale: 1, format: two, suffix: ' per 10,000', changeSuffix: '' },
  COUNT: { scale: 1, format: whole, suffix: '', changeSuffix: '' },
};

// value writes v in unit; a dash when there is none.
export function value(v, unit) {
  if (v === null || v === undefined) return '–';
  const u = units[unit];
  return u.format.format(v * u.scale) + u.suffix;
}

// change writes a difference with its sign (− for a decrease).
export function change(v, unit) {
  if (v === null || v === undefined) return '–';
  const u = units[unit];
  const text = u.format.format(Math.abs(v * u.scale)) + u.changeSuffix;
  if (text.match(/^0[.0]*( |$)/)) return '±' + text;
  return (v > 0 ? '+' : '−') + text;
}

export const count = (n) => whole.format(n);

// factor writes how many times as much: ×11.2.
export const factor = (v) => (v === null || v === undefined ? '–' : '×' + one.format(v));

// axis writes an axis tick in unit, shorter than value.
export function axis(v, unit) {
  const u = units[unit];
  return whole.format(Math.round(v * u.scale * 100) / 100) + (unit === 'PER_10K' ? '' : u.suffix);
}
