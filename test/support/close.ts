/**
 * Numeric comparison for parity tests: |a − b| ≤ atol + rtol·|b| elementwise, NaN only where
 * the reference has NaN, infinities with the same sign. Signed zeros compare equal.
 */
export interface Expected {
  shape: number[];
  data: (number | string)[];
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

export function decodeExpected(data: (number | string)[]): number[] {
  return data.map((v) => (typeof v === 'string' ? SPECIAL[v]! : v));
}

/** Returns undefined when close, or a message naming the first mismatch. */
export function mismatch(
  actual: { shape: number[]; data: ArrayLike<number> },
  expected: Expected,
  rtol = 1e-6,
  atol = 1e-12,
): string | undefined {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    return `shape [${actual.shape.join(', ')}] != expected [${expected.shape.join(', ')}]`;
  }
  const want = decodeExpected(expected.data);
  if (actual.data.length !== want.length) return `length ${actual.data.length} != expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const a = actual.data[i]!;
    const b = want[i]!;
    if (Number.isNaN(b)) {
      if (!Number.isNaN(a)) return `element ${i}: ${a} != expected NaN`;
      continue;
    }
    if (!Number.isFinite(b)) {
      if (a !== b) return `element ${i}: ${a} != expected ${b}`;
      continue;
    }
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) return `element ${i}: ${a} != expected ${b} (rtol ${rtol})`;
  }
  return undefined;
}
