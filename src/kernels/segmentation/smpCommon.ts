/**
 * What segmentation_models_pytorch's Dice, Jaccard and Tversky losses share: the mode check,
 * the (N, K, P) view of prediction and target (K = 1 in binary mode, C otherwise), the
 * multiclass one-hot encoding with ignore_index, and the activation smp applies to logits
 * (exp∘log_softmax over dim 1 for multiclass, exp∘logsigmoid otherwise) with its gradient.
 * Where torch raises on the way (view, one_hot, smp's bare asserts) the kernel raises too.
 */
import { layoutAt, type ClassLayout } from '../classification/layout.js';
import { sigmoid } from '../classification/binaryCrossEntropy.js';
import { LossError, type Tensor } from '../tensor.js';

export type Mode = 'binary' | 'multiclass' | 'multilabel';

export function checkMode(mode: string): Mode {
  if (mode !== 'binary' && mode !== 'multiclass' && mode !== 'multilabel') {
    throw new LossError(`AssertionError: mode must be 'binary', 'multiclass' or 'multilabel' (smp asserts it), got '${mode}'`);
  }
  return mode;
}

/** `assert y_true.size(0) == y_pred.size(0)`, then `y_pred.size(1)`. */
export function requirePredictionRank(yPred: Tensor, yTrue: Tensor): void {
  if (yTrue.shape.length === 0 || yPred.shape.length === 0) throw new LossError('IndexError: dimension specified as 0 but tensor has no dimensions');
  if (yTrue.shape[0] !== yPred.shape[0]) {
    throw new LossError(`AssertionError: y_true.size(0) == y_pred.size(0) failed (${yTrue.shape[0]} vs ${yPred.shape[0]})`);
  }
  if (yPred.dtype !== 'float32' && yPred.dtype !== 'float64') {
    throw new LossError(`y_pred must be a floating-point tensor, but its dtype is ${yPred.dtype}`);
  }
  if (yPred.shape.length < 2) throw new LossError('IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)');
}

/** torch's `view` refusal. */
function viewError(shape: string, size: number): LossError {
  return new LossError(`RuntimeError: shape '${shape}' is invalid for input of size ${size}`);
}

export interface SmpView {
  n: number;
  /** Classes the scores are computed for (1 in binary mode). */
  k: number;
  /** Pixels per sample and class. */
  p: number;
  /** Targets as smp scores them, (N, K, P), ignored pixels zeroed (the caller's array itself when nothing needs encoding). */
  target: ArrayLike<number>;
  /** The ignore mask laid out like `target` (1 keep, 0 ignored), or null without ignore_index. */
  keep: Float64Array | null;
}

export function smpView(mode: Mode, yPred: Tensor, yTrue: Tensor, ignoreIndex: number | null): SmpView {
  const N = yTrue.shape[0]!;
  const C = yPred.shape[1]!;
  if (N === 0) {
    throw new LossError(
      `RuntimeError: cannot reshape tensor of 0 elements into shape [0, ${mode === 'multiclass' ? '' : '1, '}-1] because the unspecified dimension size -1 can be any value and is ambiguous`,
    );
  }
  const K = mode === 'binary' ? 1 : C;
  const P = mode === 'binary' ? yPred.size / N : C === 0 ? 0 : yPred.size / (N * C);
  const y = yTrue.data;
  let perSample: number;
  if (mode === 'multilabel') {
    if (C === 0 || yTrue.size % (N * C) !== 0) throw viewError(`[${N}, ${C}, -1]`, yTrue.size);
    perSample = yTrue.size / (N * C);
  } else {
    if (yTrue.size % N !== 0) throw viewError(mode === 'binary' ? `[${N}, 1, -1]` : `[${N}, -1]`, yTrue.size);
    perSample = yTrue.size / N;
  }
  const keep = ignoreIndex === null ? null : new Float64Array(N * K * P);
  const target = mode === 'multiclass' || keep !== null ? new Float64Array(N * K * P) : new Float64Array(0);
  if (mode === 'multiclass') {
    if (ignoreIndex === null && yTrue.dtype !== 'int64') throw new LossError('RuntimeError: one_hot is only applicable to index tensor.');
    const labels = new Float64Array(yTrue.size);
    for (let i = 0; i < yTrue.size; i++) {
      const m = ignoreIndex === null || y[i] !== ignoreIndex ? 1 : 0;
      const v = Math.trunc(y[i]! * m);
      if (v < 0) throw new LossError('RuntimeError: Class values must be non-negative.');
      if (v >= C) throw new LossError('RuntimeError: Class values must be smaller than num_classes.');
      labels[i] = v;
    }
    if (perSample !== P) throw sizeAssert(yPred, yTrue);
    for (let nn = 0; nn < N; nn++) {
      for (let j = 0; j < P; j++) {
        const src = nn * P + j;
        const m = ignoreIndex === null || y[src] !== ignoreIndex ? 1 : 0;
        for (let c = 0; c < K; c++) {
          const dst = (nn * K + c) * P + j;
          target[dst] = labels[src] === c ? m : 0;
          if (keep !== null) keep[dst] = m;
        }
      }
    }
  } else {
    if (perSample !== P) throw sizeAssert(yPred, yTrue);
    // Binary and multilabel targets without ignore_index are already (N, K, P): no copy.
    if (keep === null) return { n: N, k: K, p: P, target: y, keep };
    for (let i = 0; i < target.length; i++) {
      const m = ignoreIndex === null || y[i] !== ignoreIndex ? 1 : 0;
      target[i] = y[i]! * m;
      if (keep !== null) keep[i] = m;
    }
  }
  return { n: N, k: K, p: P, target, keep };
}

function sizeAssert(yPred: Tensor, yTrue: Tensor): LossError {
  return new LossError(
    `AssertionError: output.size() == target.size() failed: y_pred [${yPred.shape.join(', ')}] and y_true [${yTrue.shape.join(', ')}] do not give the same (N, C, pixels) view`,
  );
}

export interface Activation {
  kind: 'none' | 'sigmoid' | 'softmax';
  x: Tensor;
  p: Float64Array;
  layout: ClassLayout | null;
}

/** smp's activation of logits: exp(log_softmax(x, 1)) for multiclass, exp(logsigmoid(x)) otherwise. */
export function activate(x: Tensor, mode: Mode, fromLogits: boolean): Activation {
  const n = x.size;
  const p = new Float64Array(n);
  const d = x.data;
  if (!fromLogits) {
    for (let i = 0; i < n; i++) p[i] = d[i]!;
    return { kind: 'none', x, p, layout: null };
  }
  if (mode !== 'multiclass') {
    for (let i = 0; i < n; i++) p[i] = sigmoid(d[i]!);
    return { kind: 'sigmoid', x, p, layout: null };
  }
  const layout = layoutAt(x.shape, 1);
  const { outer, classes: C, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * C * inner + i;
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, d[base + c * inner]!);
      if (m === -Infinity) m = 0;
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(d[base + c * inner]! - m);
      const lse = m + Math.log(s);
      for (let c = 0; c < C; c++) p[base + c * inner] = Math.exp(d[base + c * inner]! - lse);
    }
  }
  return { kind: 'softmax', x, p, layout };
}

/** ∂/∂x from ∂/∂p through the activation. */
export function activationGrad(act: Activation, gp: Float64Array): Float64Array {
  if (act.kind === 'none') return gp;
  const d = act.x.data;
  const p = act.p;
  const gx = new Float64Array(gp.length);
  if (act.kind === 'sigmoid') {
    // exp backward (·p), then logsigmoid backward (·σ(−x)).
    for (let i = 0; i < gx.length; i++) gx[i] = gp[i]! * p[i]! * sigmoid(-d[i]!);
    return gx;
  }
  const { outer, classes: C, inner } = act.layout!;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * C * inner + i;
      // u = g·p (exp backward); log_softmax backward: u − p·Σu.
      let su = 0;
      for (let c = 0; c < C; c++) su += gp[base + c * inner]! * p[base + c * inner]!;
      for (let c = 0; c < C; c++) {
        const k = base + c * inner;
        gx[k] = gp[k]! * p[k]! - p[k]! * su;
      }
    }
  }
  return gx;
}
