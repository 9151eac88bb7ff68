/**
 * Softmax cross-entropy over a class axis: the core loops behind torch's cross_entropy, Keras'
 * categorical and sparse categorical cross-entropy on logits, tf.nn.*softmax_cross_entropy*
 * and optax's softmax losses.
 *
 * Every row is handled in one sweep over its C logits with a max-shifted log-sum-exp, reading
 * the caller's typed arrays directly and writing only the outputs. Labels are validated by the
 * caller (each framework words its own error); here a label is either a valid class or the
 * ignore value. Gradients are written unscaled (∂ lossₚ / ∂ logits) so any reduction can scale
 * them afterwards.
 *
 * Non-finite logits behave as in the frameworks: a +∞ logit or a row of −∞ gives NaN (∞ − ∞ in
 * the shift), a −∞ logit on the target class gives +∞, and −∞ elsewhere is harmless for index
 * targets.
 */
import type { NumericArray } from '../tensor.js';
import type { ClassLayout } from './layout.js';
import { simdSoftmaxIndexSum } from '../wasm/simd.js';

export interface IndexOptions {
  /** Per-class weights (torch `weight`), or null. */
  weight: Float64Array | null;
  /** Positions whose label equals this contribute 0 and are left out of the weight sum; null for none. */
  ignoreIndex: number | null;
  /** torch label smoothing ε: (1−ε)·nll + (ε/C)·(−Σ_c w_c·log p_c). 0 for none. */
  smoothing: number;
}

/**
 * Class-index targets: lossₚ = −w[y]·log softmax(x)[y] (plus torch's smoothing term), 0 where
 * ignored. Returns Σ w[yₚ] over the positions not ignored (the count when unweighted), which
 * torch's mean divides by.
 */
export function softmaxIndexLoss(
  logits: NumericArray,
  labels: NumericArray,
  layout: ClassLayout,
  options: IndexOptions,
  losses: Float64Array,
  grad: Float64Array | null,
): number {
  if (layout.inner === 1 && options.weight === null && options.smoothing === 0) {
    return indexRowsPlain(logits, labels, layout.outer, layout.classes, options.ignoreIndex, losses, grad);
  }
  return indexStrided(logits, labels, layout, options, losses, grad);
}

/** The hot path: contiguous rows, no weights, no smoothing. */
function indexRowsPlain(
  x: NumericArray,
  labels: NumericArray,
  rows: number,
  C: number,
  ignore: number | null,
  losses: Float64Array,
  grad: Float64Array | null,
): number {
  const ignoreValue = ignore ?? NaN; // NaN never equals a label, so nothing is ignored
  let counted = 0;
  for (let r = 0, base = 0; r < rows; r++, base += C) {
    const y = labels[r]!;
    if (y === ignoreValue) {
      losses[r] = 0;
      if (grad !== null) grad.fill(0, base, base + C);
      continue;
    }
    counted++;
    let m = x[base]!;
    for (let c = 1; c < C; c++) {
      const v = x[base + c]!;
      if (v > m) m = v;
    }
    let s = 0;
    if (grad === null) {
      for (let c = 0; c < C; c++) s += Math.exp(x[base + c]! - m);
    } else {
      for (let c = 0; c < C; c++) {
        const e = Math.exp(x[base + c]! - m);
        grad[base + c] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let c = 0; c < C; c++) grad[base + c]! *= inv;
      grad[base + y]! -= 1;
    }
    // torch's order: −log_softmax = log Σ − (x_y − max), exact for confident rows.
    losses[r] = Math.log(s) - (x[base + y]! - m);
  }
  return counted;
}

/**
 * Σₚ lossₚ of {@link indexRowsPlain} and the count of positions not ignored, without a
 * per-position buffer: torch's 'mean' / 'sum' of cross_entropy when neither per-sample losses
 * nor gradients are wanted. The JavaScript loop adds in the same order as summing the buffer
 * (the same to the last bit); the SIMD path agrees to float64 rounding.
 */
export function softmaxIndexSumPlain(x: NumericArray, labels: NumericArray, rows: number, C: number, ignore: number | null): IndexSum {
  // The exps two lanes at a time in WebAssembly; a row with a non-finite maximum comes back
  // unserved and the loop below gives the special values.
  const fast = simdSoftmaxIndexSum(x, labels, rows, C, ignore);
  if (fast !== null) return fast;
  const ignoreValue = ignore ?? NaN;
  let counted = 0;
  let total = 0;
  for (let r = 0, base = 0; r < rows; r++, base += C) {
    const y = labels[r]!;
    if (y === ignoreValue) continue;
    counted++;
    let m = x[base]!;
    for (let c = 1; c < C; c++) {
      const v = x[base + c]!;
      if (v > m) m = v;
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[base + c]! - m);
    total += Math.log(s) - (x[base + y]! - m);
  }
  return { total, weight: counted };
}

/** A fused sum of losses and the weight torch's 'mean' divides it by. */
export interface IndexSum {
  total: number;
  weight: number;
}

/** Any layout, with optional class weights and label smoothing. */
function indexStrided(
  x: NumericArray,
  labels: NumericArray,
  layout: ClassLayout,
  options: IndexOptions,
  losses: Float64Array,
  grad: Float64Array | null,
): number {
  const { outer, classes: C, inner } = layout;
  const { weight, smoothing } = options;
  const ignoreValue = options.ignoreIndex ?? NaN;
  let weightTotal = 0;
  for (let c = 0; weight !== null && c < C; c++) weightTotal += weight[c]!;
  let totalWeight = 0;
  for (let o = 0; o < outer; o++) {
    const rowBase = o * C * inner;
    for (let i = 0; i < inner; i++) {
      const p = o * inner + i;
      const base = rowBase + i;
      const y = labels[p]!;
      if (y === ignoreValue) {
        losses[p] = 0;
        if (grad !== null) for (let c = 0; c < C; c++) grad[base + c * inner] = 0;
        continue;
      }
      const wy = weight === null ? 1 : weight[y]!;
      totalWeight += wy;
      let m = x[base]!;
      for (let c = 1; c < C; c++) {
        const v = x[base + c * inner]!;
        if (v > m) m = v;
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[base + c * inner]! - m);
      const logS = Math.log(s);
      // torch gathers log_softmax = (x − max) − log Σ and multiplies the weight in: −w[y]·lp_y.
      const nll = -(wy * (x[base + y * inner]! - m - logS));
      let loss = nll;
      if (smoothing > 0) {
        let smooth = 0;
        for (let c = 0; c < C; c++) {
          const lp = x[base + c * inner]! - m - logS;
          smooth -= weight === null ? lp : lp * weight[c]!;
        }
        loss = (1 - smoothing) * nll + (smoothing / C) * smooth;
      }
      losses[p] = loss;
      if (grad !== null) {
        // loss = −Σ_c q_c·log p_c with q = (1−ε)·w_y·onehot(y) + (ε/C)·w, so ∂/∂x_c = p_c·Σq − q_c.
        const hard = smoothing > 0 ? (1 - smoothing) * wy : wy;
        const soft = smoothing / C;
        const qSum = hard + soft * (weight === null ? C : weightTotal);
        const inv = 1 / s;
        for (let c = 0; c < C; c++) {
          const k = base + c * inner;
          const q = soft === 0 ? 0 : soft * (weight === null ? 1 : weight[c]!);
          grad[k] = Math.exp(x[k]! - m) * inv * qSum - q;
        }
        grad[base + y * inner]! -= hard;
      }
    }
  }
  return totalWeight;
}

export interface ProbabilityOptions {
  /** Per-class weights (torch), or null. */
  weight: Float64Array | null;
  /** Label smoothing toward the uniform distribution: t·(1−ε) + ε/C. 0 for none. */
  smoothing: number;
  /** optax's safe variant: terms whose target is exactly 0 are skipped (0·log 0 = 0). */
  skipZeroTargets: boolean;
  /**
   * `exact`: the true derivative p·Σt − t (torch, JAX). `tensorflow`: TF's registered gradient
   * of SoftmaxCrossEntropyWithLogits, p − t, which equals the former only when each target
   * row sums to 1.
   */
  gradient: 'exact' | 'tensorflow';
}

/**
 * Probability targets laid out like the logits: lossₚ = −Σ_c log softmax(x)_c·t'_c·w_c. Each
 * product is formed literally, so a target of 0 against a −∞ logit gives NaN as in torch and
 * TensorFlow (unless `skipZeroTargets`).
 */
export function softmaxProbabilityLoss(
  x: NumericArray,
  targets: NumericArray,
  layout: ClassLayout,
  options: ProbabilityOptions,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const { outer, classes: C, inner } = layout;
  const { weight, smoothing, skipZeroTargets } = options;
  const keep = 1 - smoothing;
  const spread = smoothing / C;
  const exactGrad = options.gradient === 'exact';
  for (let o = 0; o < outer; o++) {
    const rowBase = o * C * inner;
    for (let i = 0; i < inner; i++) {
      const base = rowBase + i;
      let m = x[base]!;
      for (let c = 1; c < C; c++) {
        const v = x[base + c * inner]!;
        if (v > m) m = v;
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x[base + c * inner]! - m);
      const logS = Math.log(s);
      let loss = 0;
      let qSum = 0;
      for (let c = 0; c < C; c++) {
        const k = base + c * inner;
        const t = smoothing > 0 ? targets[k]! * keep + spread : targets[k]!;
        if (skipZeroTargets && t === 0) continue;
        const q = weight === null ? t : t * weight[c]!;
        loss -= (x[k]! - m - logS) * q;
        qSum += q;
      }
      losses[o * inner + i] = loss;
      if (grad !== null) {
        const inv = 1 / s;
        const scale = exactGrad ? qSum : 1;
        for (let c = 0; c < C; c++) {
          const k = base + c * inner;
          const t = smoothing > 0 ? targets[k]! * keep + spread : targets[k]!;
          const q = weight === null ? t : t * weight[c]!;
          grad[k] = Math.exp(x[k]! - m) * inv * scale - q;
        }
      }
    }
  }
}
