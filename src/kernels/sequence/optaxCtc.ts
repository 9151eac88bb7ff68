/**
 * optax.losses.ctc_loss / ctc_loss_with_forward_probs: optax's own CTC recursion, reproduced
 * step for step in float64. It keeps two state vectors per sequence, logα_blank (N + 1
 * entries) and logα_label (N entries), starts every unreachable state at log_epsilon instead
 * of −∞, penalises forbidden transitions by adding log_epsilon, and freezes the state on
 * padded frames by mixing `pad·previous + (1 − pad)·next`. An impossible alignment therefore
 * gives a large finite loss (a multiple of |log_epsilon|), not +∞.
 *
 * The gradient is JAX's reverse-mode derivative of exactly this recursion (hand-written
 * adjoint: logaddexp's partials are softmax weights), chained through log_softmax.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { LossError, type Tensor, out } from '../tensor.js';
import { pyShape } from '../classification/layout.js';
import { logSoftmaxRows } from './ctc.js';
import { intValues } from './lengths.js';

/** jnp.logaddexp: max + log1p(exp(−|a − b|)), a + b when the difference is NaN (both infinite). */
function logaddexp(a: number, b: number): number {
  const m = a > b ? a : b;
  const d = a - b;
  if (Number.isNaN(d)) return a + b;
  return m + Math.log1p(Math.exp(-Math.abs(d)));
}

/** ∂logaddexp(a, b)/∂a (the other partial is 1 minus it, where finite). */
function logaddexpWeight(a: number, r: number): number {
  return Math.exp(a - r);
}

interface OptaxInputs {
  logits: Tensor;
  paddings: Float64Array;
  labels: Float64Array;
  labelPaddings: Float64Array;
  blank: number;
  logEpsilon: number;
}

function optaxCtc(p: OptaxInputs, wantGrad: boolean): { losses: Float64Array; grad: Float64Array | null } {
  const [B, T, K] = p.logits.shape as [number, number, number];
  const N = p.labels.length / Math.max(B, 1);
  const eps = p.logEpsilon;
  const lp = logSoftmaxRows(p.logits.data, B * T, K);
  const gLp = wantGrad ? new Float64Array(lp.length) : null;
  const losses = new Float64Array(B);
  // Per-step states, kept for the backward pass: phi[t] (N + 1) and emit[t] (N), t = 0 … T.
  const phi = new Float64Array((T + 1) * (N + 1));
  const emit = new Float64Array((T + 1) * N);
  const A = new Float64Array(N + 1);
  const nextEmit = new Float64Array(N);
  const nextPhi = new Float64Array(N + 1);
  const repeat = new Float64Array(N);
  const emitLp = new Float64Array(N);

  for (let b = 0; b < B; b++) {
    let padSum = 0;
    for (let n = 0; n < N; n++) padSum += p.labelPaddings[b * N + n]!;
    // labellens = N − Σ paddings cast to int32: the sum is truncated, not the difference.
    const labelLen = N - Math.trunc(padSum);
    for (let n = 0; n < N; n++) repeat[n] = n + 1 < N && p.labels[b * N + n] === p.labels[b * N + n + 1] ? 1 : 0;
    const emitClass = (n: number): number => {
      const y = p.labels[b * N + n]!;
      return y >= 0 && y < K ? y : -1; // one_hot of an out-of-range label is all zeros
    };
    phi.fill(eps, 0, N + 1);
    phi[0] = 0;
    emit.fill(eps, 0, N);

    const step = (t: number): void => {
      // Computes A (ε-updated previous phi), nextEmit and nextPhi for frame t from states t.
      const row = b * T + t;
      const phiT = lp[row * K + p.blank]!;
      for (let n = 0; n < N; n++) {
        const c = emitClass(n);
        emitLp[n] = c < 0 ? 0 : lp[row * K + c]!;
      }
      const prevPhi = t * (N + 1);
      const prevEmit = t * N;
      A[0] = phi[prevPhi]!;
      for (let n = 0; n < N; n++) A[n + 1] = logaddexp(phi[prevPhi + n + 1]!, emit[prevEmit + n]! + eps * repeat[n]!);
      for (let n = 0; n < N; n++) nextEmit[n] = logaddexp(A[n]! + emitLp[n]!, emit[prevEmit + n]! + emitLp[n]!);
      nextPhi[0] = A[0]! + phiT;
      for (let n = 0; n < N; n++) nextPhi[n + 1] = logaddexp(A[n + 1]! + phiT, emit[prevEmit + n]! + phiT + eps * (1 - repeat[n]!));
    };

    for (let t = 0; t < T; t++) {
      step(t);
      const pad = p.paddings[b * T + t]!;
      const prevPhi = t * (N + 1);
      const prevEmit = t * N;
      for (let n = 0; n < N; n++) emit[prevEmit + N + n] = pad * emit[prevEmit + n]! + (1 - pad) * nextEmit[n]!;
      for (let n = 0; n <= N; n++) phi[prevPhi + N + 1 + n] = pad * phi[prevPhi + n]! + (1 - pad) * nextPhi[n]!;
    }
    const lastPhi = T * (N + 1);
    const lastEmit = T * N;
    // The final ε transition; the loss reads entry labelLen (one_hot: nothing when out of range).
    const finalAt = (n: number): number => (n === 0 ? phi[lastPhi]! : logaddexp(phi[lastPhi + n]!, emit[lastEmit + n - 1]!));
    losses[b] = labelLen >= 0 && labelLen <= N ? -finalAt(labelLen) : 0;
    if (gLp === null || !(labelLen >= 0 && labelLen <= N)) continue;

    // ---- backward: adjoints of phi[t] and emit[t], from t = T down to 0.
    let gPhi = new Float64Array(N + 1);
    let gEmit = new Float64Array(N);
    if (labelLen === 0) gPhi[0] = -1;
    else {
      const r = finalAt(labelLen);
      const wa = logaddexpWeight(phi[lastPhi + labelLen]!, r);
      const wb = logaddexpWeight(emit[lastEmit + labelLen - 1]!, r);
      gPhi[labelLen] = -wa;
      gEmit[labelLen - 1] = -wb;
    }
    const gA = new Float64Array(N + 1);
    for (let t = T - 1; t >= 0; t--) {
      step(t);
      const row = b * T + t;
      const pad = p.paddings[b * T + t]!;
      const prevPhi = t * (N + 1);
      const prevEmit = t * N;
      const phiT = lp[row * K + p.blank]!;
      const gPrevPhi = new Float64Array(N + 1);
      const gPrevEmit = new Float64Array(N);
      const gNextPhi = new Float64Array(N + 1);
      const gNextEmit = new Float64Array(N);
      for (let n = 0; n <= N; n++) {
        gPrevPhi[n] += pad * gPhi[n]!;
        gNextPhi[n] = (1 - pad) * gPhi[n]!;
      }
      for (let n = 0; n < N; n++) {
        gPrevEmit[n] += pad * gEmit[n]!;
        gNextEmit[n] = (1 - pad) * gEmit[n]!;
      }
      gA.fill(0);
      let gPhiT = 0;
      // nextPhi[0] = A[0] + phiT
      gA[0] += gNextPhi[0]!;
      gPhiT += gNextPhi[0]!;
      for (let n = 0; n < N; n++) {
        const x = A[n + 1]! + phiT;
        const y = emit[prevEmit + n]! + phiT + eps * (1 - repeat[n]!);
        const r = nextPhi[n + 1]!;
        const g = gNextPhi[n + 1]!;
        if (g === 0) continue;
        const wx = logaddexpWeight(x, r);
        const wy = logaddexpWeight(y, r);
        gA[n + 1] += g * wx;
        gPrevEmit[n] += g * wy;
        gPhiT += g * (wx + wy);
      }
      const lpRow = row * K;
      for (let n = 0; n < N; n++) {
        const g = gNextEmit[n]!;
        if (g === 0) continue;
        const x = A[n]! + emitLp[n]!;
        const y = emit[prevEmit + n]! + emitLp[n]!;
        const r = nextEmit[n]!;
        const wx = logaddexpWeight(x, r);
        const wy = logaddexpWeight(y, r);
        gA[n] += g * wx;
        gPrevEmit[n] += g * wy;
        const c = emitClass(n);
        if (c >= 0) gLp[lpRow + c] += g * (wx + wy);
      }
      gLp[lpRow + p.blank] += gPhiT;
      // A[0] = phi[0]; A[n + 1] = logaddexp(phi[n + 1], emit[n] + ε·repeat[n])
      gPrevPhi[0] += gA[0]!;
      for (let n = 0; n < N; n++) {
        const g = gA[n + 1]!;
        if (g === 0) continue;
        const r = A[n + 1]!;
        gPrevPhi[n + 1] += g * logaddexpWeight(phi[prevPhi + n + 1]!, r);
        gPrevEmit[n] += g * logaddexpWeight(emit[prevEmit + n]! + eps * repeat[n]!, r);
      }
      gPhi = gPrevPhi;
      gEmit = gPrevEmit;
    }
  }

  let grad: Float64Array | null = null;
  if (gLp !== null) {
    // Through log_softmax: ∂/∂x = g − softmax(x)·Σ g.
    grad = new Float64Array(lp.length);
    for (let r = 0; r < B * T; r++) {
      let s = 0;
      for (let c = 0; c < K; c++) s += gLp[r * K + c]!;
      for (let c = 0; c < K; c++) grad[r * K + c] = gLp[r * K + c]! - Math.exp(lp[r * K + c]!) * s;
    }
  }
  return { losses, grad };
}

function readInputs(a: Parameters<ApiImpl>[0]): OptaxInputs {
  const logits = a.tensor('logits');
  const logitPaddings = a.tensor('logit_paddings');
  const labels = a.tensor('labels');
  const labelPaddings = a.tensor('label_paddings');
  if (logits.shape.length !== 3) throw new LossError(`[Chex] Assertion assert_rank failed: input 0 has rank ${logits.shape.length} (shape ${pyShape(logits.shape)}) != 3 (logits must be (B, T, K))`);
  if (labels.shape.length !== 2) throw new LossError(`[Chex] Assertion assert_rank failed: input 0 has rank ${labels.shape.length} (shape ${pyShape(labels.shape)}) != 2 (labels must be (B, N))`);
  if (logits.shape[0] !== labels.shape[0]) throw new LossError(`[Chex] Assertion assert_equal failed: ${logits.shape[0]} != ${labels.shape[0]} (batch sizes of logits and labels)`);
  if (labelPaddings.shape.length !== 2 || labelPaddings.shape[0] !== labels.shape[0] || labelPaddings.shape[1] !== labels.shape[1]) {
    throw new LossError(`[Chex] Assertion assert_equal failed: ${pyShape(labels.shape)} != ${pyShape(labelPaddings.shape)} (labels and label_paddings)`);
  }
  if (logitPaddings.shape.length !== 2 || logitPaddings.shape[0] !== logits.shape[0] || logitPaddings.shape[1] !== logits.shape[1]) {
    throw new LossError(`[Chex] Assertion assert_equal failed: ${pyShape(logits.shape.slice(0, 2))} != ${pyShape(logitPaddings.shape)} (logits.shape[:2] and logit_paddings)`);
  }
  const K = logits.shape[2]!;
  const blank = a.int('blank_id');
  // logprobs[:, :, blank_id:blank_id + 1] is empty for a negative or too large id, and the scan then fails on shapes.
  if (blank < 0 || blank >= K) throw new LossError(`blank_id ${blank} must index one of the ${K} classes (a negative id selects nothing in optax's slice)`);
  if (logits.shape[1] === 0) throw new LossError('index -1 is out of bounds for axis 0 with size 0 (optax needs at least one frame)');
  return {
    logits,
    paddings: Float64Array.from(logitPaddings.data as ArrayLike<number>),
    labels: intValues(labels),
    labelPaddings: Float64Array.from(labelPaddings.data as ArrayLike<number>),
    blank,
    logEpsilon: a.number('log_epsilon'),
  };
}

/** optax.losses.ctc_loss (and, for its first output, ctc_loss_with_forward_probs). */
export const optaxCtcLoss: ApiImpl = (a, want) => {
  const inputs = readInputs(a);
  const { losses, grad } = optaxCtc(inputs, want.grad);
  const result: KernelResult = { value: out([losses.length], losses) };
  if (grad !== null) result.grad = out(inputs.logits.shape, grad);
  if (want.perSample) result.perSample = out([losses.length], losses);
  return result;
};
