/**
 * Fused loops for the common torch case of MSE, L1, Huber and smooth L1: input and target of
 * the same shape (no broadcasting) reduced by 'mean' or 'sum'. One pass over the two typed
 * arrays accumulates the loss in float64 (four partial sums, which also pipeline better) and,
 * when asked, writes the scaled gradient in the same pass; no per-element buffer of losses is
 * allocated. Everything else (broadcasting, 'none') goes through the elementwise fills.
 *
 * Each loss has its own loop rather than a shared loop calling a per-element function, so the
 * JIT sees a small monomorphic body it can keep in registers.
 */
import type { NumericArray } from '../tensor.js';

/** Which fused loop to run, with its parameter (δ for Huber, β for smooth L1). */
export type FusedLoss = { kind: 'squared' } | { kind: 'absolute' } | { kind: 'huber'; delta: number } | { kind: 'smoothL1'; beta: number };

/**
 * Σᵢ ℓ(xᵢ, yᵢ) over equal-length arrays, and, when `grad` is given, gradᵢ = ∂ℓ/∂xᵢ · scale
 * (scale is 1 for 'sum' and 1/n for 'mean'). The derivatives match torch's backward kernels.
 */
export function fusedSum(loss: FusedLoss, x: NumericArray, y: NumericArray, grad: Float64Array | null, scale: number): number {
  switch (loss.kind) {
    case 'squared':
      return grad === null ? sumSquared(x, y) : sumSquaredGrad(x, y, grad, scale);
    case 'absolute':
      return grad === null ? sumAbsolute(x, y) : sumAbsoluteGrad(x, y, grad, scale);
    case 'huber':
      return grad === null ? sumHuber(x, y, loss.delta) : sumHuberGrad(x, y, loss.delta, grad, scale);
    case 'smoothL1':
      if (loss.beta === 0) return grad === null ? sumAbsolute(x, y) : sumSmoothL1ZeroBetaGrad(x, y, grad, scale);
      return grad === null ? sumSmoothL1(x, y, loss.beta) : sumSmoothL1Grad(x, y, loss.beta, grad, scale);
  }
}

function sumSquared(x: NumericArray, y: NumericArray): number {
  const n = x.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const d0 = x[i]! - y[i]!;
    const d1 = x[i + 1]! - y[i + 1]!;
    const d2 = x[i + 2]! - y[i + 2]!;
    const d3 = x[i + 3]! - y[i + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < n; i++) {
    const d = x[i]! - y[i]!;
    s0 += d * d;
  }
  return s0 + s1 + (s2 + s3);
}

function sumSquaredGrad(x: NumericArray, y: NumericArray, grad: Float64Array, scale: number): number {
  const n = x.length;
  const twice = 2 * scale;
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const d0 = x[i]! - y[i]!;
    const d1 = x[i + 1]! - y[i + 1]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    grad[i] = twice * d0;
    grad[i + 1] = twice * d1;
  }
  for (; i < n; i++) {
    const d = x[i]! - y[i]!;
    s0 += d * d;
    grad[i] = twice * d;
  }
  return s0 + s1;
}

function sumAbsolute(x: NumericArray, y: NumericArray): number {
  const n = x.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += Math.abs(x[i]! - y[i]!);
    s1 += Math.abs(x[i + 1]! - y[i + 1]!);
    s2 += Math.abs(x[i + 2]! - y[i + 2]!);
    s3 += Math.abs(x[i + 3]! - y[i + 3]!);
  }
  for (; i < n; i++) s0 += Math.abs(x[i]! - y[i]!);
  return s0 + s1 + (s2 + s3);
}

function sumAbsoluteGrad(x: NumericArray, y: NumericArray, grad: Float64Array, scale: number): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    s += Math.abs(d);
    // torch's sgn: 0 at a tie and for NaN (selected without a branch: random signs mispredict).
    grad[i] = (+(d > 0) - +(d < 0)) * scale;
  }
  return s;
}

// Huber and smooth L1 choose between two formulas at |d| = δ. With random residuals that branch
// mispredicts about half the time, which costs more than the arithmetic itself, so the loops
// below compute both formulas and select with k·a + (1 − k)·b, k = +(z < δ) ∈ {0, 1}: for
// finite a and b that is exactly a or b (the other term is ±0). An infinite or NaN residual
// would turn 0·∞ into NaN, so when the sum comes out non-finite the exact branching loop
// recomputes everything (values and gradient), which is what the result then is.

function sumHuber(x: NumericArray, y: NumericArray, delta: number): number {
  const n = x.length;
  const halfDelta = 0.5 * delta;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const z0 = Math.abs(x[i]! - y[i]!);
    const z1 = Math.abs(x[i + 1]! - y[i + 1]!);
    const z2 = Math.abs(x[i + 2]! - y[i + 2]!);
    const z3 = Math.abs(x[i + 3]! - y[i + 3]!);
    const k0 = +(z0 < delta);
    const k1 = +(z1 < delta);
    const k2 = +(z2 < delta);
    const k3 = +(z3 < delta);
    s0 += k0 * (0.5 * z0 * z0) + (1 - k0) * (delta * (z0 - halfDelta));
    s1 += k1 * (0.5 * z1 * z1) + (1 - k1) * (delta * (z1 - halfDelta));
    s2 += k2 * (0.5 * z2 * z2) + (1 - k2) * (delta * (z2 - halfDelta));
    s3 += k3 * (0.5 * z3 * z3) + (1 - k3) * (delta * (z3 - halfDelta));
  }
  for (; i < n; i++) {
    const z = Math.abs(x[i]! - y[i]!);
    s0 += z < delta ? 0.5 * z * z : delta * (z - halfDelta);
  }
  const total = s0 + s1 + (s2 + s3);
  return Number.isFinite(total) ? total : sumHuberExact(x, y, delta);
}

/** The branching form of {@link sumHuber}, exact for non-finite residuals too (same order of additions). */
function sumHuberExact(x: NumericArray, y: NumericArray, delta: number): number {
  const n = x.length;
  const halfDelta = 0.5 * delta;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const z0 = Math.abs(x[i]! - y[i]!);
    const z1 = Math.abs(x[i + 1]! - y[i + 1]!);
    const z2 = Math.abs(x[i + 2]! - y[i + 2]!);
    const z3 = Math.abs(x[i + 3]! - y[i + 3]!);
    s0 += z0 < delta ? 0.5 * z0 * z0 : delta * (z0 - halfDelta);
    s1 += z1 < delta ? 0.5 * z1 * z1 : delta * (z1 - halfDelta);
    s2 += z2 < delta ? 0.5 * z2 * z2 : delta * (z2 - halfDelta);
    s3 += z3 < delta ? 0.5 * z3 * z3 : delta * (z3 - halfDelta);
  }
  for (; i < n; i++) {
    const z = Math.abs(x[i]! - y[i]!);
    s0 += z < delta ? 0.5 * z * z : delta * (z - halfDelta);
  }
  return s0 + s1 + (s2 + s3);
}

function sumHuberGrad(x: NumericArray, y: NumericArray, delta: number, grad: Float64Array, scale: number): number {
  const n = x.length;
  const halfDelta = 0.5 * delta;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    const z = Math.abs(d);
    const k = +(z < delta);
    s += k * (0.5 * z * z) + (1 - k) * (delta * (z - halfDelta));
    // clamp(d, −δ, δ) by selection: exactly one of the three terms is non-zero.
    const lo = +(d <= -delta);
    const hi = +(d >= delta);
    grad[i] = (lo * -delta + hi * delta + (1 - lo - hi) * d) * scale;
  }
  return Number.isFinite(s) ? s : sumHuberGradExact(x, y, delta, grad, scale);
}

function sumHuberGradExact(x: NumericArray, y: NumericArray, delta: number, grad: Float64Array, scale: number): number {
  const n = x.length;
  const halfDelta = 0.5 * delta;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    const z = Math.abs(d);
    s += z < delta ? 0.5 * z * z : delta * (z - halfDelta);
    grad[i] = (d <= -delta ? -delta : d >= delta ? delta : d) * scale;
  }
  return s;
}

function sumSmoothL1(x: NumericArray, y: NumericArray, beta: number): number {
  const n = x.length;
  const halfOverBeta = 0.5 / beta;
  const halfBeta = 0.5 * beta;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const z0 = Math.abs(x[i]! - y[i]!);
    const z1 = Math.abs(x[i + 1]! - y[i + 1]!);
    const z2 = Math.abs(x[i + 2]! - y[i + 2]!);
    const z3 = Math.abs(x[i + 3]! - y[i + 3]!);
    const k0 = +(z0 < beta);
    const k1 = +(z1 < beta);
    const k2 = +(z2 < beta);
    const k3 = +(z3 < beta);
    s0 += k0 * (z0 * z0 * halfOverBeta) + (1 - k0) * (z0 - halfBeta);
    s1 += k1 * (z1 * z1 * halfOverBeta) + (1 - k1) * (z1 - halfBeta);
    s2 += k2 * (z2 * z2 * halfOverBeta) + (1 - k2) * (z2 - halfBeta);
    s3 += k3 * (z3 * z3 * halfOverBeta) + (1 - k3) * (z3 - halfBeta);
  }
  for (; i < n; i++) {
    const z = Math.abs(x[i]! - y[i]!);
    s0 += z < beta ? z * z * halfOverBeta : z - halfBeta;
  }
  const total = s0 + s1 + (s2 + s3);
  return Number.isFinite(total) ? total : sumSmoothL1Exact(x, y, beta);
}

/** The branching form of {@link sumSmoothL1}, exact for non-finite residuals too. */
function sumSmoothL1Exact(x: NumericArray, y: NumericArray, beta: number): number {
  const n = x.length;
  const halfOverBeta = 0.5 / beta;
  const halfBeta = 0.5 * beta;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const z0 = Math.abs(x[i]! - y[i]!);
    const z1 = Math.abs(x[i + 1]! - y[i + 1]!);
    const z2 = Math.abs(x[i + 2]! - y[i + 2]!);
    const z3 = Math.abs(x[i + 3]! - y[i + 3]!);
    s0 += z0 < beta ? z0 * z0 * halfOverBeta : z0 - halfBeta;
    s1 += z1 < beta ? z1 * z1 * halfOverBeta : z1 - halfBeta;
    s2 += z2 < beta ? z2 * z2 * halfOverBeta : z2 - halfBeta;
    s3 += z3 < beta ? z3 * z3 * halfOverBeta : z3 - halfBeta;
  }
  for (; i < n; i++) {
    const z = Math.abs(x[i]! - y[i]!);
    s0 += z < beta ? z * z * halfOverBeta : z - halfBeta;
  }
  return s0 + s1 + (s2 + s3);
}

function sumSmoothL1Grad(x: NumericArray, y: NumericArray, beta: number, grad: Float64Array, scale: number): number {
  const n = x.length;
  const halfOverBeta = 0.5 / beta;
  const halfBeta = 0.5 * beta;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    const z = Math.abs(d);
    const k = +(z < beta);
    s += k * (z * z * halfOverBeta) + (1 - k) * (z - halfBeta);
    const lo = +(d <= -beta);
    const hi = +(d >= beta);
    grad[i] = (hi - lo + (1 - lo - hi) * (d / beta)) * scale;
  }
  return Number.isFinite(s) ? s : sumSmoothL1GradExact(x, y, beta, grad, scale);
}

function sumSmoothL1GradExact(x: NumericArray, y: NumericArray, beta: number, grad: Float64Array, scale: number): number {
  const n = x.length;
  const halfOverBeta = 0.5 / beta;
  const halfBeta = 0.5 * beta;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    const z = Math.abs(d);
    s += z < beta ? z * z * halfOverBeta : z - halfBeta;
    grad[i] = (d <= -beta ? -1 : d >= beta ? 1 : d / beta) * scale;
  }
  return s;
}

/** smooth L1 with β = 0: the L1 value, with torch's backward that gives −1 at a tie. */
function sumSmoothL1ZeroBetaGrad(x: NumericArray, y: NumericArray, grad: Float64Array, scale: number): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    s += Math.abs(d);
    grad[i] = (d <= 0 ? -1 : d >= 0 ? 1 : NaN) * scale;
  }
  return s;
}
