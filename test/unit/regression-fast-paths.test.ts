/**
 * The fused torch loops (MSE, L1, Huber, smooth L1 with equal shapes and a mean/sum reduction)
 * must give what the general path gives: the elementwise fill followed by torch's reduction.
 * Lengths around the unrolling width, float32 and float64 storage, integer targets, ties,
 * branch points, NaN and infinities are all compared, values and gradients.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Fill, absoluteErrorTorch, huberTorch, smoothL1Torch, squaredError } from '../../src/kernels/regression/elementwise.js';
import { type FusedLoss, fusedSum } from '../../src/kernels/regression/fastPaths.js';
import type { NumericArray } from '../../src/kernels/tensor.js';

/** A small deterministic generator (the same inputs on every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LOSSES: [string, FusedLoss, Fill][] = [
  ['squared', { kind: 'squared' }, squaredError],
  ['absolute', { kind: 'absolute' }, absoluteErrorTorch],
  ['huber δ=1', { kind: 'huber', delta: 1 }, huberTorch(1)],
  ['huber δ=0.3', { kind: 'huber', delta: 0.3 }, huberTorch(0.3)],
  ['smooth L1 β=1', { kind: 'smoothL1', beta: 1 }, smoothL1Torch(1)],
  ['smooth L1 β=1/9', { kind: 'smoothL1', beta: 1 / 9 }, smoothL1Torch(1 / 9)],
  ['smooth L1 β=0', { kind: 'smoothL1', beta: 0 }, smoothL1Torch(0)],
];

/** The general path: fill, then the sum and the gradient scaled by `scale`. */
function generic(fill: Fill, x: NumericArray, y: NumericArray, scale: number): { total: number; grad: Float64Array } {
  const values = new Float64Array(x.length);
  const grad = new Float64Array(x.length);
  fill(x, y, values, grad);
  let total = 0;
  for (const v of values) total += v;
  for (let i = 0; i < grad.length; i++) grad[i]! *= scale;
  return { total, grad };
}

function assertClose(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) return assert.ok(Number.isNaN(actual), `${what}: ${actual} should be NaN`);
  if (!Number.isFinite(expected)) return assert.equal(actual, expected, what);
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
}

function inputs(n: number, seed: number, float32: boolean): [NumericArray, NumericArray] {
  const next = lcg(seed);
  const x = float32 ? new Float32Array(n) : new Float64Array(n);
  const y = float32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (next() - 0.5) * 6;
    // Every fifth target equals its prediction: ties exercise the zero-residual derivatives.
    y[i] = i % 5 === 0 ? x[i]! : (next() - 0.5) * 2;
  }
  return [x, y];
}

describe('torch fused loops agree with fill + reduce', () => {
  for (const [name, fused, fill] of LOSSES) {
    test(name, () => {
      for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 37, 1000]) {
        for (const float32 of [false, true]) {
          const [x, y] = inputs(n, n * 31 + (float32 ? 7 : 3), float32);
          for (const scale of [1, n === 0 ? Infinity : 1 / n]) {
            const expected = generic(fill, x, y, scale);
            assertClose(fusedSum(fused, x, y, null, scale), expected.total, `${name} n=${n} value`);
            const grad = new Float64Array(n);
            assertClose(fusedSum(fused, x, y, grad, scale), expected.total, `${name} n=${n} value with grad`);
            for (let i = 0; i < n; i++) assertClose(grad[i]!, expected.grad[i]!, `${name} n=${n} grad[${i}]`);
          }
        }
      }
    });
  }

  test('integer targets (Int32Array and int64 carried as float64) read as numbers', () => {
    const x = Float64Array.of(0.5, -1.25, 3, 2.5, -4, 0);
    const yInt = Int32Array.of(1, -1, 3, 0, -2, 5);
    const yWide = Float64Array.from(yInt);
    for (const [name, fused, fill] of LOSSES) {
      assertClose(fusedSum(fused, x, yInt, null, 1), generic(fill, x, yWide, 1).total, name);
    }
  });

  test('branch points, NaN and infinities land where the elementwise form puts them', () => {
    const x = Float64Array.of(1, -1, 0.3, -0.3, NaN, Infinity, -Infinity, 2, 1e200, 0);
    const y = Float64Array.of(0, 0, 0, 0, 0, 0, 0, Infinity, 0, 0);
    for (const [name, fused, fill] of LOSSES) {
      const expected = generic(fill, x, y, 0.5);
      const grad = new Float64Array(x.length);
      assertClose(fusedSum(fused, x, y, grad, 0.5), expected.total, `${name} value`);
      for (let i = 0; i < x.length; i++) assertClose(grad[i]!, expected.grad[i]!, `${name} grad[${i}]`);
      // Finite inputs only: the sum itself must stay finite and match.
      const fx = x.subarray(0, 4);
      const fy = y.subarray(0, 4);
      assertClose(fusedSum(fused, fx, fy, null, 1), generic(fill, fx, fy, 1).total, `${name} finite prefix`);
    }
  });
});
