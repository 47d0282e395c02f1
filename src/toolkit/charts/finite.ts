/**
 * JSON has no NaN or Infinity, yet a vanishing or exploding network produces exactly those, and
 * InitLab must show them rather than drop them. Statistics therefore travel as `StatNumber`:
 * a finite number, or one of the strings below. Charts mark the strings; tables print them.
 */
export type NonFinite = 'NaN' | 'Infinity' | '-Infinity';
export type StatNumber = number | NonFinite;

export function toStatNumber(x: number): StatNumber {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

export function fromStatNumber(x: StatNumber): number {
  return typeof x === 'number' ? x : Number(x);
}

/** Short text for tables and labels: 1.24e+7, 0.0712, NaN, ∞. */
export function formatStat(x: StatNumber, digits = 3): string {
  if (x === 'NaN') return 'NaN';
  if (x === 'Infinity') return '∞';
  if (x === '-Infinity') return '-∞';
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  return magnitude >= 1e4 || magnitude < 1e-3 ? x.toExponential(digits - 1) : Number(x.toPrecision(digits)).toString();
}
