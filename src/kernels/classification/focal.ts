/**
 * Binary focal losses, elementwise: ℓ = α_t·(1 − p_t)^γ·CE, where p_t is the probability given
 * to the true label. The frameworks agree on that sentence and differ in every detail:
 *
 * - torchvision: CE from logits (torch BCE-with-logits), α_t applied when α ≥ 0;
 * - optax: CE from logits, (1 − p_t)^γ computed in log space, α optional (None by default);
 * - Keras 3: CE on clipped probabilities even with from_logits, α only with
 *   apply_class_balancing, label smoothing toward 0.5 first;
 * - Keras 2: like Keras 3, but from_logits uses the exact sigmoid cross-entropy and the
 *   probability form adds ε inside the logs;
 * - TF Addons: Keras 2's CE; α and γ are skipped when falsy (α = 0 means no α weighting).
 *
 * Each function writes the elementwise losses and, when asked, ∂ℓ/∂prediction.
 */
import type { NumericArray } from '../tensor.js';
import { logSigmoid, sigmoid } from './binaryCrossEntropy.js';
import {
  keras2ProbabilityBce,
  keras2ProbabilityBceGrad,
  kerasProbabilityBce,
  kerasProbabilityBceGrad,
  tfSigmoidCrossEntropy,
  tfSigmoidCrossEntropyGrad,
} from './kerasBinary.js';

/** γ·b^(γ−1), torch's pow backward: exactly 0 when γ = 0 (torch special-cases it). */
function torchPowGrad(base: number, gamma: number): number {
  return gamma === 0 ? 0 : gamma * Math.pow(base, gamma - 1);
}

/**
 * torchvision.ops.sigmoid_focal_loss, elementwise:
 * p = σ(x), CE = BCE-with-logits(x, t), p_t = p·t + (1 − p)·(1 − t),
 * ℓ = CE·(1 − p_t)^γ, times α·t + (1 − α)·(1 − t) when α ≥ 0.
 */
export function torchvisionFocal(
  x: NumericArray,
  t: NumericArray,
  alpha: number,
  gamma: number,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const n = losses.length;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const y = t[i]!;
    const e = Math.exp(-Math.abs(v));
    const p = v >= 0 ? 1 / (1 + e) : e / (1 + e);
    const ce = (1 - y) * v + (v < 0 ? -v : 0) + Math.log(1 + e); // torch's BCE-with-logits rounding
    const pt = p * y + (1 - p) * (1 - y);
    const base = 1 - pt;
    const focal = Math.pow(base, gamma);
    const a = alpha >= 0 ? alpha * y + (1 - alpha) * (1 - y) : 1;
    losses[i] = alpha >= 0 ? a * (ce * focal) : ce * focal;
    if (grad !== null) {
      const dFocal = -torchPowGrad(base, gamma) * (p * (1 - p)) * (2 * y - 1);
      grad[i] = a * ((p - y) * focal + ce * dFocal);
    }
  }
}

/**
 * optax.losses.sigmoid_focal_loss (optax ≥ 0.2.5), elementwise: CE = sigmoid BCE,
 * log(1 − p_t) = log((1 − y)·σ(x) + y·σ(−x)) as a weighted log-sum-exp whose zero-weight
 * terms are dropped, focal weight exp(γ·log(1 − p_t)), times α·y + (1 − α)·(1 − y) when α is
 * given.
 */
export function optaxFocal(
  x: NumericArray,
  t: NumericArray,
  alpha: number | null,
  gamma: number,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const n = losses.length;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const y = t[i]!;
    const logP = logSigmoid(v);
    const logQ = logSigmoid(-v);
    const ce = -y * logP - (1 - y) * logQ;
    const logOneMinusPt = weightedLogSumExp(logP, 1 - y, logQ, y);
    const focal = Math.exp(gamma * logOneMinusPt);
    const a = alpha === null ? 1 : alpha * y + (1 - alpha) * (1 - y);
    losses[i] = alpha === null ? ce * focal : a * (ce * focal);
    if (grad !== null) {
      const p = sigmoid(v);
      const q = sigmoid(-v);
      // d/dx log(1 − p_t) = p·q·(1 − 2y) / ((1 − y)·p + y·q), taken at its limits for hard labels.
      const dLog = y === 0 ? q : y === 1 ? -p : (p * q * (1 - 2 * y)) / ((1 - y) * p + y * q);
      grad[i] = a * ((p - y) * focal + ce * gamma * focal * dLog);
    }
  }
}

/**
 * log(b₁·e^a₁ + b₂·e^a₂) as jax.scipy.special.logsumexp computes it with weights: terms with a
 * zero weight are dropped, the shift is the largest remaining term (0 when that is infinite).
 */
function weightedLogSumExp(a1: number, b1: number, a2: number, b2: number): number {
  const x1 = b1 !== 0 ? a1 : -Infinity;
  const x2 = b2 !== 0 ? a2 : -Infinity;
  let m = x1 > x2 ? x1 : x2;
  if (Number.isNaN(x1) || Number.isNaN(x2)) m = NaN;
  const shift = Number.isFinite(m) ? m : 0;
  const s = Math.exp(x1 - shift) * b1 + Math.exp(x2 - shift) * b2;
  return Math.log(Math.abs(s)) + shift;
}

export interface KerasBinaryFocalOptions {
  applyClassBalancing: boolean;
  alpha: number;
  gamma: number;
  fromLogits: boolean;
  /** Keras 2 semantics (tf.keras ≤ 2.15): exact CE from logits, ε inside the logs. */
  legacy: boolean;
}

/**
 * keras.losses.binary_focal_crossentropy before its mean over the axis, on already smoothed
 * targets: p = σ(x) with from_logits, CE on p clipped to [ε, 1 − ε] (Keras 3; Keras 2 uses the
 * exact logit form), p_t from the unclipped p, ℓ = (1 − p_t)^γ·CE, times
 * y·α + (1 − y)·(1 − α) with apply_class_balancing.
 */
export function kerasBinaryFocal(
  y: NumericArray,
  x: NumericArray,
  o: KerasBinaryFocalOptions,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const n = losses.length;
  for (let i = 0; i < n; i++) {
    const t = y[i]!;
    const raw = x[i]!;
    const p = o.fromLogits ? sigmoid(raw) : raw;
    let ce: number;
    let dCe: number; // ∂CE/∂raw
    if (o.legacy && o.fromLogits) {
      ce = tfSigmoidCrossEntropy(t, raw);
      dCe = grad === null ? 0 : tfSigmoidCrossEntropyGrad(t, raw);
    } else {
      ce = o.legacy ? keras2ProbabilityBce(t, p) : kerasProbabilityBce(t, p);
      const dp = grad === null ? 0 : o.legacy ? keras2ProbabilityBceGrad(t, p) : kerasProbabilityBceGrad(t, p);
      dCe = o.fromLogits ? dp * p * (1 - p) : dp;
    }
    const pt = t * p + (1 - t) * (1 - p);
    const base = 1 - pt;
    const focal = Math.pow(base, o.gamma);
    const w = o.applyClassBalancing ? t * o.alpha + (1 - t) * (1 - o.alpha) : 1;
    losses[i] = o.applyClassBalancing ? w * (focal * ce) : focal * ce;
    if (grad !== null) {
      // TensorFlow's pow gradient γ·b^(γ−1) (NaN at b = 0 with γ < 1, as in TF).
      const dFocalDp = -o.gamma * Math.pow(base, o.gamma - 1) * (2 * t - 1);
      const dp = o.fromLogits ? p * (1 - p) : 1;
      grad[i] = w * (dCe * focal + ce * dFocalDp * dp);
    }
  }
}

export interface TfaFocalOptions {
  alpha: number;
  gamma: number;
  fromLogits: boolean;
}

/**
 * tfa.losses.sigmoid_focal_crossentropy before its sum over the last axis: Keras 2's CE,
 * p_t from σ(x) or the raw probability, α_t = y·α + (1 − y)·(1 − α) unless α is 0, and
 * (1 − p_t)^γ unless γ is 0 (TF Addons tests `if alpha:` / `if gamma:`).
 */
export function tfaFocal(y: NumericArray, x: NumericArray, o: TfaFocalOptions, losses: Float64Array, grad: Float64Array | null): void {
  const n = losses.length;
  for (let i = 0; i < n; i++) {
    const t = y[i]!;
    const raw = x[i]!;
    const ce = o.fromLogits ? tfSigmoidCrossEntropy(t, raw) : keras2ProbabilityBce(t, raw);
    const p = o.fromLogits ? sigmoid(raw) : raw;
    const pt = t * p + (1 - t) * (1 - p);
    const a = o.alpha ? t * o.alpha + (1 - t) * (1 - o.alpha) : 1;
    const m = o.gamma ? Math.pow(1 - pt, o.gamma) : 1;
    losses[i] = a * m * ce;
    if (grad !== null) {
      const dCe = o.fromLogits ? tfSigmoidCrossEntropyGrad(t, raw) : keras2ProbabilityBceGrad(t, raw);
      const dp = o.fromLogits ? p * (1 - p) : 1;
      const dM = o.gamma ? -o.gamma * Math.pow(1 - pt, o.gamma - 1) * (2 * t - 1) * dp : 0;
      grad[i] = a * (dM * ce + m * dCe);
    }
  }
}
