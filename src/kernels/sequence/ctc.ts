/**
 * The CTC forward-backward recursion in log space, in float64, as PyTorch's CPU kernel
 * (aten/src/ATen/native/LossCTC.cpp) computes it: alpha over the blank-extended target
 * l' = (blank, l₁, blank, l₂, …, blank), the skip transition only between different labels,
 * beta from the last frame back, and the gradient
 *   ∂ℓ/∂lp[t, c] = exp(lp[t, c]) − exp(log Σ_{s: l'ₛ = c} αₜ(s)·βₜ(s) + ℓ − lp[t, c]),
 * which is the derivative with respect to the logits when lp = log_softmax(logits) (torch
 * returns it for log_probs whatever they hold; TensorFlow, Keras and optax differentiate
 * through their own log_softmax and arrive at the same expression).
 *
 * One call handles one sequence; the log-probabilities are read in place through a base
 * offset and a time stride, so (T, N, C) and (B, T, C) layouts need no copy.
 */

import { simdCtcAlphaEnd } from '../wasm/simd.js';

const NEG_INF = -Infinity;

export interface CtcSequence {
  /** Log-probabilities, read as lp[base + t·timeStride + c]. */
  lp: ArrayLike<number>;
  base: number;
  timeStride: number;
  /** Frames of this sequence (≤ the tensor's T). */
  frames: number;
  /** The target labels (without blanks). */
  labels: ArrayLike<number>;
  labelOffset: number;
  labelCount: number;
  blank: number;
}

/** log(e^a + e^b + e^c) with torch's rule: when every term is −∞ the shift is 0 (giving −∞, not NaN). */
function logSumExp3(a: number, b: number, c: number): number {
  let m = a > b ? a : b;
  if (c > m) m = c;
  if (m === NEG_INF) m = 0;
  return Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m)) + m;
}

function logAddExp(a: number, b: number): number {
  let m = a > b ? a : b;
  if (m === NEG_INF) m = 0;
  return Math.log(Math.exp(a - m) + Math.exp(b - m)) + m;
}

/**
 * Negative log-likelihood of one sequence. With `grad` (same layout as `lp`), writes
 * `scale`·∂ℓ/∂lp into the sequence's frames t < frames (frames beyond are left untouched,
 * i.e. zero). A frame count of 0 gives 0 for an empty target and +∞ otherwise (newer torch's
 * rule; torch 1.13 reads outside its buffer there).
 */
export function ctcSequence(seq: CtcSequence, grad: Float64Array | null, scale: number, classes: number): number {
  const { lp, base, timeStride, frames: T, labels, labelOffset, labelCount: L, blank } = seq;
  if (T === 0) return L === 0 ? 0 : Infinity;
  const S = 2 * L + 1;
  const prime = (s: number): number => (s % 2 === 0 ? blank : labels[labelOffset + ((s - 1) >> 1)]!);
  if (grad === null) {
    // Only the loss: the alpha recursion runs in WebAssembly, two states per step.
    const end = simdCtcAlphaEnd(lp, base, timeStride, T, labels, labelOffset, L, blank);
    if (end !== null) return -logAddExp(end[0], end[1]);
  }
  const alpha = new Float64Array(T * S).fill(NEG_INF);
  alpha[0] = lp[base + blank]!;
  if (L > 0) alpha[1] = lp[base + prime(1)]!;
  for (let t = 1; t < T; t++) {
    const row = t * S;
    const prev = row - S;
    const at = base + t * timeStride;
    for (let s = 0; s < S; s++) {
      const c = prime(s);
      const a1 = alpha[prev + s]!;
      const a2 = s > 0 ? alpha[prev + s - 1]! : NEG_INF;
      const a3 = s > 1 && c !== prime(s - 2) ? alpha[prev + s - 2]! : NEG_INF;
      alpha[row + s] = logSumExp3(a1, a2, a3) + lp[at + c]!;
    }
  }
  const last = (T - 1) * S;
  const l1 = alpha[last + S - 1]!;
  const l2 = L > 0 ? alpha[last + S - 2]! : NEG_INF;
  const nll = -logAddExp(l1, l2);
  if (grad === null) return nll;

  const beta = new Float64Array(T * S).fill(NEG_INF);
  beta[last + S - 1] = lp[base + (T - 1) * timeStride + blank]!;
  if (L > 0) beta[last + S - 2] = lp[base + (T - 1) * timeStride + prime(S - 2)]!;
  for (let t = T - 2; t >= 0; t--) {
    const row = t * S;
    const next = row + S;
    const at = base + t * timeStride;
    for (let s = 0; s < S; s++) {
      const c = prime(s);
      const b1 = beta[next + s]!;
      const b2 = s < S - 1 ? beta[next + s + 1]! : NEG_INF;
      const b3 = s < S - 2 && prime(s + 2) !== c ? beta[next + s + 2]! : NEG_INF;
      beta[row + s] = logSumExp3(b1, b2, b3) + lp[at + c]!;
    }
  }
  // log Σ αβ per (frame, class), accumulated as torch does (first term taken as is).
  const acc = new Float64Array(classes);
  for (let t = 0; t < T; t++) {
    acc.fill(NEG_INF);
    const row = t * S;
    for (let s = 0; s < S; s++) {
      const c = prime(s);
      const ab = alpha[row + s]! + beta[row + s]!;
      const cur = acc[c]!;
      if (cur === NEG_INF) acc[c] = ab;
      else {
        const m = cur > ab ? cur : ab;
        acc[c] = Math.log(Math.exp(cur - m) + Math.exp(ab - m)) + m;
      }
    }
    const at = base + t * timeStride;
    for (let c = 0; c < classes; c++) {
      const v = lp[at + c]!;
      grad[at + c] = (Math.exp(v) - Math.exp(acc[c]! + nll - v)) * scale;
    }
  }
  return nll;
}

/**
 * log_softmax over the last axis of a (rows, classes) buffer, in float64, shifted by the row
 * maximum exactly as jax.nn.log_softmax and tf.nn.log_softmax do (so a row holding ±∞ or NaN
 * gives NaN where they give NaN).
 */
export function logSoftmaxRows(x: ArrayLike<number>, rows: number, classes: number): Float64Array {
  const result = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let m = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = x[o + c]!;
      if (v > m || Number.isNaN(v)) m = v;
      if (Number.isNaN(m)) break;
    }
    let s = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(x[o + c]! - m);
    const lse = Math.log(s);
    for (let c = 0; c < classes; c++) result[o + c] = x[o + c]! - m - lse;
  }
  return result;
}
