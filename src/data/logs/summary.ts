/**
 * One-line facts about a series (points, step range, last and best value, non-finite count):
 * what the CLI's table and the editor's runs view show without drawing a chart.
 */
import type { Series } from './series.js';

export interface SeriesSummary {
  points: number;
  firstStep: number;
  lastStep: number;
  /** The latest logged value (NaN for an empty series). */
  last: number;
  /** The smallest finite value (NaN when there is none). */
  min: number;
  /** Step of `min` (NaN when there is none). */
  minStep: number;
  nonFinite: number;
}

export function summarize(s: Series): SeriesSummary {
  let min = Infinity;
  let minStep = NaN;
  let nonFinite = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i]!;
    const st = s.steps[i]!;
    if (Number.isFinite(v)) {
      if (v < min) {
        min = v;
        minStep = st;
      }
    } else nonFinite++;
    if (st < lo) lo = st;
    if (st > hi) hi = st;
  }
  const n = s.values.length;
  return {
    points: n,
    firstStep: n ? lo : NaN,
    lastStep: n ? hi : NaN,
    last: n ? s.values[n - 1]! : NaN,
    min: min === Infinity ? NaN : min,
    minStep,
    nonFinite,
  };
}

/** A number as a person reads it in a table: integers whole, others to 5 significant digits. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(4).replace(/\.?0+e/, 'e');
  return x.toPrecision(5).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
