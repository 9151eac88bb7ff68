/**
 * Keras' categorical cross-entropies on probabilities (the TensorFlow backend), which are not
 * plain −Σ y·log p:
 *
 * - categorical: the prediction is renormalised along the axis (p / Σp), then clipped to
 *   [ε, 1 − ε], then −Σ y·log p;
 * - sparse categorical: the prediction is clipped first, its log handed to
 *   sparse_softmax_cross_entropy_with_logits, which renormalises the clipped values:
 *   log Σ clip(p) − log clip(p_y);
 * - categorical focal: renormalise and clip as categorical, then Σ α·(1 − p)^γ·(−y·log p).
 *
 * Gradients follow TensorFlow: clip_by_value passes gradient only inside [ε, 1 − ε], and the
 * renormalisation is differentiated through (∂(p_c/S)/∂p_k = (δ_ck − p_c/S)/S).
 */
import type { NumericArray } from '../tensor.js';
import { KERAS_EPSILON } from './kerasBinary.js';
import type { ClassLayout } from './layout.js';

const LO = KERAS_EPSILON;
const HI = 1 - KERAS_EPSILON;

function clip(p: number): number {
  return p < LO ? LO : p > HI ? HI : p;
}

function inRange(p: number): boolean {
  return p >= LO && p <= HI;
}

/**
 * Categorical cross-entropy on probabilities: −Σ_c y_c·log clip(z_c / Σz). `y` is laid out like
 * `z` (already label-smoothed). The gradient is with respect to z.
 */
export function kerasCategoricalProbabilities(
  y: NumericArray,
  z: NumericArray,
  layout: ClassLayout,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const { outer, classes: C, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * C * inner + i;
      let s = 0;
      for (let c = 0; c < C; c++) s += z[base + c * inner]!;
      let loss = 0;
      for (let c = 0; c < C; c++) {
        const k = base + c * inner;
        const t = y[k]!;
        const p = clip(z[k]! / s);
        // A zero target adds 0·log p with log p finite (p is clipped): −(−0) leaves the sum as
        // it is, so one-hot rows take one logarithm, not C. A NaN p still propagates.
        if (t !== 0 || p !== p) loss -= t * Math.log(p);
      }
      losses[o * inner + i] = loss;
      if (grad !== null) {
        // g_c = ∂loss/∂(p_c) where p = z/S; then ∂loss/∂z_k = (g_k − Σ_c g_c·p_c)/S.
        let gp = 0;
        for (let c = 0; c < C; c++) {
          const k = base + c * inner;
          const p = z[k]! / s;
          const g = inRange(p) ? -y[k]! / p : 0;
          grad[k] = g;
          gp += g * p;
        }
        for (let c = 0; c < C; c++) {
          const k = base + c * inner;
          grad[k] = (grad[k]! - gp) / s;
        }
      }
    }
  }
}

/**
 * Sparse categorical cross-entropy on probabilities along the last axis:
 * log Σ_c clip(z_c) − log clip(z_y). Positions whose label equals `ignoreLabel` give 0 (Keras
 * zeroes them through its mask). Labels must already be valid classes.
 */
export function kerasSparseProbabilities(
  labels: NumericArray,
  z: NumericArray,
  rows: number,
  C: number,
  ignoreLabel: number | null,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const ignore = ignoreLabel ?? NaN;
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    const y = labels[r]!;
    if (y === ignore) {
      losses[r] = 0;
      if (grad !== null) grad.fill(0, base, base + C);
      continue;
    }
    // TensorFlow's sparse softmax cross-entropy on log(clip(z)): a max-shifted log-sum-exp.
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      const l = Math.log(clip(z[base + c]!));
      if (l > m || Number.isNaN(l)) m = l;
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(Math.log(clip(z[base + c]!)) - m);
    const ly = Math.log(clip(z[base + y]!));
    losses[r] = m + Math.log(s) - ly;
    if (grad !== null) {
      const total = Math.exp(m) * s; // Σ clip(z)
      for (let c = 0; c < C; c++) {
        const zc = z[base + c]!;
        grad[base + c] = inRange(zc) ? 1 / total - (c === y ? 1 / zc : 0) : 0;
      }
    }
  }
}

export interface CategoricalFocalOptions {
  /** α per element of the last axis (length 1 or the last dimension). */
  alpha: Float64Array;
  gamma: number;
  fromLogits: boolean;
  /** Size of the tensor's last axis, for indexing α. */
  lastDim: number;
}

/**
 * keras.losses.categorical_focal_crossentropy on smoothed targets: softmax first with
 * from_logits, then p = clip(z / Σz), ℓ = Σ_c α_c·(1 − p_c)^γ·(−y_c·log p_c).
 */
export function kerasCategoricalFocal(
  y: NumericArray,
  x: NumericArray,
  layout: ClassLayout,
  o: CategoricalFocalOptions,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const { outer, classes: C, inner } = layout;
  const alpha = o.alpha;
  const alphaStride = alpha.length === 1 ? 0 : 1;
  const z = new Float64Array(C); // this row's (softmaxed) prediction
  const g = new Float64Array(C);
  for (let r = 0; r < outer; r++) {
    for (let i = 0; i < inner; i++) {
      const base = r * C * inner + i;
      if (o.fromLogits) {
        let m = -Infinity;
        for (let c = 0; c < C; c++) {
          const v = x[base + c * inner]!;
          if (v > m || Number.isNaN(v)) m = v;
        }
        let s = 0;
        for (let c = 0; c < C; c++) {
          z[c] = Math.exp(x[base + c * inner]! - m);
          s += z[c]!;
        }
        for (let c = 0; c < C; c++) z[c]! /= s;
      } else {
        for (let c = 0; c < C; c++) z[c] = x[base + c * inner]!;
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += z[c]!;
      let loss = 0;
      let gp = 0;
      for (let c = 0; c < C; c++) {
        const k = base + c * inner;
        const p = z[c]! / s;
        const pc = clip(p);
        const a = alpha[alphaStride * (k % o.lastDim)]!;
        const ce = -y[k]! * Math.log(pc);
        const mod = Math.pow(1 - pc, o.gamma);
        loss += mod * a * ce;
        if (grad !== null) {
          const d = inRange(p) ? a * (-o.gamma * Math.pow(1 - pc, o.gamma - 1) * ce + mod * (-y[k]! / pc)) : 0;
          g[c] = d;
          gp += d * p;
        }
      }
      losses[r * inner + i] = loss;
      if (grad !== null) {
        // Through the renormalisation, then (with from_logits) through the softmax.
        let dot = 0;
        for (let c = 0; c < C; c++) {
          g[c] = (g[c]! - gp) / s;
          dot += g[c]! * z[c]!;
        }
        for (let c = 0; c < C; c++) grad[base + c * inner] = o.fromLogits ? z[c]! * (g[c]! - dot) : g[c]!;
      }
    }
  }
}
