/**
 * torch.pairwise_distance (1.13): ‖x₁ − x₂ + ε‖_p over the last dimension of the broadcast
 * operands, with ε added to the difference vector (so identical vectors are ε·D^{1/p} apart),
 * and the backward of torch's vector norm for every p (0, 1, 2, ±∞, p < 1, 1 < p < 2, p > 2).
 */
import { type Tensor, broadcastShapes, numel } from '../tensor.js';
import { gatherTo, sumToShape } from './common.js';

export interface PairDistance {
  /** Shape of the distances: the broadcast shape without its last dimension. */
  shape: number[];
  /** The broadcast shape of the operands. */
  fullShape: number[];
  /** Length of the last (reduced) dimension. */
  width: number;
  /** x₁ − x₂ + ε over the broadcast shape, kept for the backward pass. */
  diff: Float64Array;
  dist: Float64Array;
  p: number;
}

/** The p-norm of `v[start … start+width)` as torch computes it. */
function vectorNorm(v: Float64Array, start: number, width: number, p: number): number {
  const end = start + width;
  if (p === 2) {
    let s = 0;
    for (let i = start; i < end; i++) s += v[i]! * v[i]!;
    return Math.sqrt(s);
  }
  if (p === 1) {
    let s = 0;
    for (let i = start; i < end; i++) s += Math.abs(v[i]!);
    return s;
  }
  if (p === 0) {
    let s = 0;
    for (let i = start; i < end; i++) if (v[i] !== 0) s += 1;
    return s;
  }
  if (p === Infinity || p === -Infinity) {
    let m = p === Infinity ? -Infinity : Infinity;
    for (let i = start; i < end; i++) {
      const a = Math.abs(v[i]!);
      if (a !== a) return NaN;
      m = p === Infinity ? Math.max(m, a) : Math.min(m, a);
    }
    return width === 0 && p === Infinity ? 0 : m;
  }
  let s = 0;
  for (let i = start; i < end; i++) s += Math.abs(v[i]!) ** p;
  return s ** (1 / p);
}

/** pairwise_distance(x1, x2, p, eps): distances over the last dimension of the broadcast. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p: number, eps: number): PairDistance {
  const fullShape = broadcastShapes(x1.shape, x2.shape);
  const width = fullShape.length === 0 ? 1 : fullShape[fullShape.length - 1]!;
  const shape = fullShape.slice(0, -1);
  const a = gatherTo(x1, fullShape);
  const b = gatherTo(x2, fullShape);
  const n = numel(fullShape);
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) diff[i] = a[i]! - b[i]! + eps;
  const rows = numel(shape);
  const dist = new Float64Array(rows);
  for (let r = 0; r < rows; r++) dist[r] = vectorNorm(diff, r * width, width, p);
  return { shape, fullShape, width, diff, dist, p };
}

function sgn(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x;
}

/**
 * ∂(Σ upstream·dist)/∂x₁ for a {@link pairwiseDistance}, laid out over x₁'s own shape
 * (negate it for x₂). Follows torch 1.13's norm_backward, including its p-specific masking.
 */
export function pairwiseDistanceGrad(pd: PairDistance, upstream: Float64Array, x1Shape: readonly number[]): Float64Array {
  const { width, diff, dist, p } = pd;
  const grad = new Float64Array(diff.length);
  for (let r = 0; r < dist.length; r++) {
    const g = upstream[r]!;
    // No early exit for g = 0: torch multiplies through, so 0·NaN and 0·inf stay NaN.
    if (p === 0) continue;
    const norm = dist[r]!;
    const start = r * width;
    const end = start + width;
    if (p === 1) {
      for (let i = start; i < end; i++) grad[i] = sgn(diff[i]!) * g;
    } else if (p === 2) {
      if (norm === 0) continue;
      for (let i = start; i < end; i++) grad[i] = (g * diff[i]!) / norm;
    } else if (p === Infinity || p === -Infinity) {
      // The gradient is shared evenly by the elements whose |v| equals the norm (or is NaN).
      let count = 0;
      for (let i = start; i < end; i++) {
        const a = Math.abs(diff[i]!);
        if (a === norm || a !== a) count++;
      }
      for (let i = start; i < end; i++) {
        const a = Math.abs(diff[i]!);
        if (a === norm || a !== a) grad[i] = sgn(diff[i]!) * (g / count);
      }
    } else if (p < 1) {
      const scale = g * norm ** (1 - p);
      for (let i = start; i < end; i++) {
        const v = diff[i]!;
        grad[i] = v === 0 ? 0 : sgn(v) * Math.abs(v) ** (p - 1) * scale;
      }
    } else {
      if (norm === 0) continue;
      const scale = g / norm ** (p - 1);
      for (let i = start; i < end; i++) {
        const v = diff[i]!;
        grad[i] = (p < 2 ? sgn(v) * Math.abs(v) ** (p - 1) : v * Math.abs(v) ** (p - 2)) * scale;
      }
    }
  }
  return sumToShape(grad, pd.fullShape, x1Shape);
}
