/**
 * Elementwise binary cross-entropy: the core loops behind torch's binary_cross_entropy and
 * binary_cross_entropy_with_logits, and the shared log-sigmoid form used by
 * multilabel_soft_margin_loss and optax.
 *
 * Each loop makes one pass over raw typed arrays, writes the elementwise losses (and, when
 * asked, ∂loss/∂input) and allocates nothing else.
 */
import { LossError, type NumericArray } from '../tensor.js';
import { simdBceSum } from '../wasm/simd.js';

/** torch's floor on each log term of binary_cross_entropy: the worst loss is 100. */
const TORCH_LOG_FLOOR = -100;
/** torch's guard on (1 − x)·x in the binary_cross_entropy backward. */
const TORCH_BCE_GRAD_EPSILON = 1e-12;

/**
 * torch binary_cross_entropy on probabilities:
 * ℓ = w·[(y − 1)·max(log(1 − x), −100) − y·max(log x, −100)] (torch 1.13 takes log(1 − x), not
 * log1p(−x), so tiny probabilities round as in torch), raising torch's error for an
 * input outside [0, 1] (NaN included). A term whose coefficient is exactly 0 is skipped: it is
 * 0 in torch too, because the floor keeps the log finite.
 */
export function torchBinaryCrossEntropy(
  x: NumericArray,
  y: NumericArray,
  weight: Float64Array | null,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const n = losses.length;
  for (let i = 0; i < n; i++) {
    const p = x[i]!;
    if (!(p >= 0 && p <= 1)) throw new LossError('all elements of input should be between 0 and 1');
    const t = y[i]!;
    let loss: number;
    if (t === 0) {
      loss = -Math.max(Math.log(1 - p), TORCH_LOG_FLOOR);
    } else if (t === 1) {
      loss = -Math.max(Math.log(p), TORCH_LOG_FLOOR);
    } else {
      loss = (t - 1) * Math.max(Math.log(1 - p), TORCH_LOG_FLOOR) - t * Math.max(Math.log(p), TORCH_LOG_FLOOR);
    }
    const w = weight === null ? 1 : weight[i]!;
    losses[i] = weight === null ? loss : loss * w;
    if (grad !== null) grad[i] = ((p - t) / Math.max((1 - p) * p, TORCH_BCE_GRAD_EPSILON)) * w;
  }
}

/**
 * torch binary_cross_entropy_with_logits:
 * ℓ = w·[(1 − y)·x + l·softplus(−x)] with l = 1 + (pos_weight − 1)·y. torch 1.13 evaluates
 * softplus(−x) as m + log(e^−m + e^(−x−m)) with m = max(−x, 0), i.e. m + log(1 + e^−|x|) — a
 * plain log, not log1p, so confidently correct logits round exactly as in torch — and adds the
 * terms in its order: ((1 − y)·x + m) + log(…) without pos_weight, (1 − y)·x + l·(log(…) + m)
 * with it. The gradient is w·(l·σ(x) − pos_weight·y), torch's analytic backward.
 */
export function torchBceWithLogits(
  x: NumericArray,
  y: NumericArray,
  posWeight: Float64Array | null,
  weight: Float64Array | null,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const n = losses.length;
  if (posWeight === null && weight === null && grad === null) {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      losses[i] = (1 - y[i]!) * v + (v < 0 ? -v : 0) + Math.log(1 + Math.exp(-Math.abs(v)));
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const t = y[i]!;
    const e = Math.exp(-Math.abs(v));
    const m = v < 0 ? -v : 0;
    const log1pe = Math.log(1 + e);
    const pw = posWeight === null ? 1 : posWeight[i]!;
    const l = posWeight === null ? 1 : 1 + (pw - 1) * t;
    const loss = posWeight === null ? (1 - t) * v + m + log1pe : (1 - t) * v + l * (log1pe + m);
    const w = weight === null ? 1 : weight[i]!;
    losses[i] = weight === null ? loss : loss * w;
    if (grad !== null) {
      const sig = v >= 0 ? 1 / (1 + e) : e / (1 + e);
      grad[i] = (l * sig - pw * t) * w;
    }
  }
}

/**
 * Σ of {@link torchBinaryCrossEntropy} without weights: the fused path for reduction 'mean' /
 * 'sum' when neither gradients nor per-element losses are wanted (no n-sized buffer at all).
 */
export function torchBinaryCrossEntropySum(x: NumericArray, y: NumericArray, n: number): number {
  // Two lanes of log per instruction in WebAssembly when the operands allow; any input outside
  // [0, 1] comes back unserved, and the loop below raises torch's error for it.
  const fast = simdBceSum(x, y, n);
  if (fast !== null) return fast;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = x[i]!;
    if (!(p >= 0 && p <= 1)) throw new LossError('all elements of input should be between 0 and 1');
    const t = y[i]!;
    if (t === 0 || t === 1) {
      // The probability of the true label, chosen without a branch (random labels mispredict):
      // t·p + (1 − t)·(1 − p) is exactly p or 1 − p here, both finite.
      const l = Math.log(t * p + (1 - t) * (1 - p));
      total -= l > TORCH_LOG_FLOOR ? l : TORCH_LOG_FLOOR;
    } else {
      total += (t - 1) * Math.max(Math.log(1 - p), TORCH_LOG_FLOOR) - t * Math.max(Math.log(p), TORCH_LOG_FLOOR);
    }
  }
  return total;
}

/**
 * Σ of {@link torchBceWithLogits} without weights: the fused mean/sum path. max(−x, 0) is
 * (|x| − x)/2, exact for finite x and free of the sign branch that random logits mispredict;
 * for an infinite logit that form is NaN, so a non-finite sum is recomputed the literal way.
 */
export function torchBceWithLogitsSum(x: NumericArray, y: NumericArray, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const a = Math.abs(v);
    total += (1 - y[i]!) * v + 0.5 * (a - v) + Math.log(1 + Math.exp(-a));
  }
  return Number.isFinite(total) ? total : torchBceWithLogitsSumLiteral(x, y, n);
}

function torchBceWithLogitsSumLiteral(x: NumericArray, y: NumericArray, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    total += (1 - y[i]!) * v + (v < 0 ? -v : 0) + Math.log(1 + Math.exp(-Math.abs(v)));
  }
  return total;
}

/**
 * −[y·log σ(x) + (1 − y)·log σ(−x)] with log σ(x) = min(x, 0) − log1p(e^−|x|): torch's
 * log-sigmoid form (multilabel_soft_margin_loss) and optax's sigmoid_binary_cross_entropy.
 * Both products are formed literally, so x = +∞ with y = 1 (or −∞ with y = 0) gives NaN as in
 * those frameworks. The gradient is σ(x) − y.
 */
export function logSigmoidCrossEntropy(x: NumericArray, y: NumericArray, losses: Float64Array, grad: Float64Array | null): void {
  const n = losses.length;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const t = y[i]!;
    const e = Math.exp(-Math.abs(v));
    const l1p = Math.log1p(e);
    const logP = (v < 0 ? v : 0) - l1p;
    const logQ = (v > 0 ? -v : 0) - l1p;
    losses[i] = -(t * logP + (1 - t) * logQ);
    if (grad !== null) grad[i] = (v >= 0 ? 1 / (1 + e) : e / (1 + e)) - t;
  }
}

/** σ(x), computed without overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log σ(x) = min(x, 0) − log1p(e^−|x|): finite for every finite x, −∞ at −∞. */
export function logSigmoid(x: number): number {
  return (x < 0 ? x : 0) - Math.log1p(Math.exp(-Math.abs(x)));
}
