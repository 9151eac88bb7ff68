/**
 * The elementwise binary cross-entropy forms of Keras and TensorFlow, which differ from torch's
 * in how they keep the logarithm finite:
 *
 * - Keras 3 on probabilities clips p to [ε, 1 − ε] with ε = 1e-7, so the worst loss is
 *   −log(1e-7) ≈ 16.118 (torch floors each log at −100 instead);
 * - Keras 2 (tf.keras up to TF 2.15, and TensorFlow Addons) clips the same way and then adds ε
 *   inside both logs, so the worst loss is −log(2e-7) ≈ 15.425;
 * - tf.nn.sigmoid_cross_entropy_with_logits (Keras' from_logits path on the TensorFlow backend)
 *   is max(x, 0) − x·z + log1p(e^−|x|), exact for any finite logit.
 *
 * Gradients are the derivatives of these formulas; a clipped probability has derivative 0, as
 * TensorFlow's clip_by_value passes gradient only inside [ε, 1 − ε].
 */
import type { NumericArray } from '../tensor.js';
import type { ClassLayout } from './layout.js';

/** Keras' backend epsilon (`keras.config.epsilon()`). */
export const KERAS_EPSILON = 1e-7;

/** Keras 3: clip to [ε, 1 − ε], then −(y·log p + (1 − y)·log(1 − p)). */
export function kerasProbabilityBce(y: number, p: number): number {
  const c = p < KERAS_EPSILON ? KERAS_EPSILON : p > 1 - KERAS_EPSILON ? 1 - KERAS_EPSILON : p;
  // A hard label needs only one logarithm: the other term is 0·(a finite, non-zero log), a zero
  // that leaves the sum bit for bit unchanged. A NaN probability keeps both (NaN either way).
  if (c === c) {
    if (y === 0) return -Math.log(1 - c);
    if (y === 1) return -Math.log(c);
  }
  return -(y * Math.log(c) + (1 - y) * Math.log(1 - c));
}

/** ∂/∂p of {@link kerasProbabilityBce}: 0 where p was clipped. */
export function kerasProbabilityBceGrad(y: number, p: number): number {
  if (!(p >= KERAS_EPSILON && p <= 1 - KERAS_EPSILON)) return Number.isNaN(p) ? NaN : 0;
  return -y / p + (1 - y) / (1 - p);
}

/** Keras 2 / TF Addons: clip to [ε, 1 − ε], then −(y·log(p + ε) + (1 − y)·log(1 − p + ε)). */
export function keras2ProbabilityBce(y: number, p: number): number {
  const c = p < KERAS_EPSILON ? KERAS_EPSILON : p > 1 - KERAS_EPSILON ? 1 - KERAS_EPSILON : p;
  // As in kerasProbabilityBce: a hard label's zero term adds ±0 to a finite log (which may be 0
  // itself here, where +0 and ±0 still sum to +0), so it is skipped.
  if (c === c) {
    if (y === 0) return -Math.log(1 - c + KERAS_EPSILON);
    if (y === 1) return -Math.log(c + KERAS_EPSILON);
  }
  return -(y * Math.log(c + KERAS_EPSILON) + (1 - y) * Math.log(1 - c + KERAS_EPSILON));
}

/** ∂/∂p of {@link keras2ProbabilityBce}. */
export function keras2ProbabilityBceGrad(y: number, p: number): number {
  if (!(p >= KERAS_EPSILON && p <= 1 - KERAS_EPSILON)) return Number.isNaN(p) ? NaN : 0;
  return -y / (p + KERAS_EPSILON) + (1 - y) / (1 - p + KERAS_EPSILON);
}

/** tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) − x·z + log1p(e^−|x|). */
export function tfSigmoidCrossEntropy(z: number, x: number): number {
  // TensorFlow selects on x ≥ 0, so a NaN logit takes the negative branch (and stays NaN).
  const relu = x >= 0 ? x : 0;
  const negAbs = x >= 0 ? -x : x;
  return relu - x * z + Math.log1p(Math.exp(negAbs));
}

/** ∂/∂x of {@link tfSigmoidCrossEntropy}: σ(x) − z. */
export function tfSigmoidCrossEntropyGrad(z: number, x: number): number {
  const e = Math.exp(-Math.abs(x));
  return (x >= 0 ? 1 / (1 + e) : e / (1 + e)) - z;
}

/**
 * tf.nn.weighted_cross_entropy_with_logits:
 * (1 − z)·x + (1 + (q − 1)·z)·(log1p(e^−|x|) + max(−x, 0)).
 */
export function tfWeightedCrossEntropy(z: number, x: number, q: number): number {
  const logWeight = 1 + (q - 1) * z;
  return (1 - z) * x + logWeight * (Math.log1p(Math.exp(-Math.abs(x))) + (x < 0 ? -x : 0));
}

/** ∂/∂x of {@link tfWeightedCrossEntropy}: (1 + (q − 1)·z)·σ(x) − q·z. */
export function tfWeightedCrossEntropyGrad(z: number, x: number, q: number): number {
  const e = Math.exp(-Math.abs(x));
  const sig = x >= 0 ? 1 / (1 + e) : e / (1 + e);
  return (1 + (q - 1) * z) * sig - q * z;
}

/**
 * Elementwise Keras binary cross-entropy over a whole buffer: on probabilities (Keras 3, or
 * Keras 2 when `legacy`) or, with `fromLogits`, TensorFlow's sigmoid cross-entropy.
 */
export function kerasBinaryCrossEntropy(
  y: NumericArray,
  x: NumericArray,
  fromLogits: boolean,
  legacy: boolean,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const n = losses.length;
  if (fromLogits) {
    for (let i = 0; i < n; i++) {
      losses[i] = tfSigmoidCrossEntropy(y[i]!, x[i]!);
      if (grad !== null) grad[i] = tfSigmoidCrossEntropyGrad(y[i]!, x[i]!);
    }
  } else if (legacy) {
    for (let i = 0; i < n; i++) {
      losses[i] = keras2ProbabilityBce(y[i]!, x[i]!);
      if (grad !== null) grad[i] = keras2ProbabilityBceGrad(y[i]!, x[i]!);
    }
  } else {
    for (let i = 0; i < n; i++) {
      losses[i] = kerasProbabilityBce(y[i]!, x[i]!);
      if (grad !== null) grad[i] = kerasProbabilityBceGrad(y[i]!, x[i]!);
    }
  }
}

/**
 * The mean over the layout's class axis of {@link kerasBinaryCrossEntropy}, written straight
 * into `values` (one per position) without an element-sized buffer: the per-sample losses of
 * keras.losses.binary_crossentropy when no gradient is wanted. Each position sums its elements
 * in class order and divides by C, as summing the buffer does, so the values are identical.
 */
export function kerasBinaryCrossEntropyMeans(
  y: NumericArray,
  x: NumericArray,
  fromLogits: boolean,
  legacy: boolean,
  layout: ClassLayout,
  values: Float64Array,
): void {
  const { outer, classes: C, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * C * inner + i;
      let s = 0;
      if (fromLogits) {
        for (let c = 0, k = base; c < C; c++, k += inner) s += tfSigmoidCrossEntropy(y[k]!, x[k]!);
      } else if (legacy) {
        for (let c = 0, k = base; c < C; c++, k += inner) s += keras2ProbabilityBce(y[k]!, x[k]!);
      } else {
        for (let c = 0, k = base; c < C; c++, k += inner) s += kerasProbabilityBce(y[k]!, x[k]!);
      }
      values[o * inner + i] = s / C;
    }
  }
}
