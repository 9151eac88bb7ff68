/**
 * optax's sparsemax losses (Fenchel–Young losses of the Gini entropy).
 *
 * - Binary: sparse_plus(z) with z = −x where the label is non-zero and z = x elsewhere;
 *   sparse_plus is 0 for z ≤ −1, (z + 1)²/4 in between, z for z ≥ 1.
 * - Multiclass: with p = sparsemax(θ) (the Euclidean projection of the scores onto the
 *   simplex), ℓ = ⟨p, θ − θ_y⟩ + ½·(1 − ‖p‖²), whose gradient is p − e_y.
 */
import type { NumericArray } from '../tensor.js';

/** Elementwise binary sparsemax loss and its derivative with respect to the logit. */
export function sparsePlusLoss(x: NumericArray, labels: NumericArray, losses: Float64Array, grad: Float64Array | null): void {
  for (let i = 0; i < losses.length; i++) {
    // jnp.where(labels, ...) treats any non-zero label (NaN included) as true.
    const flip = labels[i] !== 0;
    const z = flip ? -x[i]! : x[i]!;
    losses[i] = z <= -1 ? 0 : z >= 1 ? z : ((z + 1) * (z + 1)) / 4;
    if (grad !== null) {
      const dz = z <= -1 ? 0 : z >= 1 ? 1 : (z + 1) / 2;
      grad[i] = flip ? -dz : dz;
    }
  }
}

/**
 * Projection of `values[base .. base+C)` onto the probability simplex, as optax computes it:
 * sort descending, find the support size k from the cumulative sums, and shift by
 * (Σ_{j≤k} u_j − 1)/k.
 */
function projectOntoSimplex(values: NumericArray, base: number, C: number, sorted: Float64Array, p: Float64Array): void {
  for (let c = 0; c < C; c++) sorted[c] = values[base + c]!;
  sorted.subarray(0, C).sort();
  sorted.subarray(0, C).reverse();
  let cumsum = 0;
  let count = 0;
  let cumAtSupport = 0;
  for (let j = 0; j < C; j++) {
    cumsum += sorted[j]!;
    const ind = j + 1;
    if (1 / ind + (sorted[j]! - cumsum / ind) > 0) count++;
  }
  // optax reads the cumulative sum at index count − 1 (count_nonzero of the condition).
  let running = 0;
  for (let j = 0; j < count; j++) running += sorted[j]!;
  cumAtSupport = count === 0 ? NaN : running;
  for (let c = 0; c < C; c++) {
    const v = 1 / count + (values[base + c]! - cumAtSupport / count);
    p[c] = v > 0 ? v : Number.isNaN(v) ? NaN : 0;
  }
}

/**
 * optax.losses.multiclass_sparsemax_loss over (rows, C) scores and one integer label per row.
 * A negative label counts from the end; an out-of-range label reads the nearest class (JAX
 * clamps gathers) while its scatter is dropped, which leaves the loss formula unchanged.
 */
export function multiclassSparsemaxLoss(
  scores: NumericArray,
  labels: NumericArray,
  rows: number,
  C: number,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const sorted = new Float64Array(C);
  const p = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    let label = labels[r]!;
    if (label < 0) label += C;
    const g = label < 0 ? 0 : label >= C ? C - 1 : label;
    projectOntoSimplex(scores, base, C, sorted, p);
    const ref = scores[base + g]!;
    let dot = 0;
    let sq = 0;
    for (let c = 0; c < C; c++) {
      const pc = p[c]!;
      // ⟨p, where(p, θ − θ_y, 0)⟩ with the label's own entry set to 0.
      if (pc !== 0 && c !== g) dot += pc * (scores[base + c]! - ref);
      sq += pc * pc;
    }
    losses[r] = dot + 0.5 * (1 - sq);
    if (grad !== null) {
      for (let c = 0; c < C; c++) grad[base + c] = p[c]!;
      grad[base + g]! -= 1;
    }
  }
}
