/**
 * optax classification losses (optax.losses.*, current release): sigmoid and softmax
 * cross-entropies, the safe and integer-label variants, PolyLoss, sigmoid focal loss and the
 * sparsemax losses. optax never reduces: every function returns one loss per example.
 *
 * The softmax losses accept `axis` as an int, a tuple of ints or None (all axes) and an
 * optional `where` mask; the class axes are moved to the end so each example is a contiguous
 * row, and gradients are moved back.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { broadcastPair, sumToPrediction } from '../pointwise.js';
import { LossError, type NumericArray, type Tensor, broadcastShapes, expandTo, numel, out, shapeEquals } from '../tensor.js';
import { logSigmoidCrossEntropy } from './binaryCrossEntropy.js';
import { optaxFocal } from './focal.js';
import { inverseOrder, normalizeAxisNumpy, permuteAxes, pyShape } from './layout.js';
import { multiclassSparsemaxLoss, sparsePlusLoss } from './sparsemax.js';

function checkFloating(t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new LossError(`Expected the input to have a dtype that is a subdtype of <class 'jax.numpy.floating'>, got ${t.dtype} instead`);
  }
}

function checkInteger(t: Tensor): void {
  if (t.dtype !== 'int32' && t.dtype !== 'int64') {
    throw new LossError(`Expected the input to have a dtype that is a subdtype of <class 'jax.numpy.integer'>, got ${t.dtype} instead`);
  }
}

/** `other` broadcast to `shape` (which it must not enlarge), as a plain buffer. */
function broadcastTo(other: Tensor, shape: readonly number[], what: string): NumericArray {
  const target = broadcastShapes(shape, other.shape);
  if (!shapeEquals(target, shape)) {
    throw new LossError(`${what} of shape ${pyShape(other.shape)} cannot be broadcast to the logits' shape ${pyShape(shape)}`);
  }
  return shapeEquals(other.shape, shape) ? other.data : expandTo(other, shape);
}

/** How the class axes of a softmax loss map onto contiguous rows. */
interface RowView {
  /** Source axes in row order: batch axes (in order), then the class axes (in the given order). */
  order: number[];
  identity: boolean;
  batchShape: number[];
  classes: number;
  rows: number;
  /** The class axes, normalised, in the caller's order. */
  classAxes: number[];
}

function rowView(shape: readonly number[], axis: number | number[] | null): RowView {
  const ndim = shape.length;
  const classAxes =
    axis === null ? shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => normalizeAxisNumpy(a, ndim));
  if (new Set(classAxes).size !== classAxes.length) throw new LossError('repeated axis');
  const batchAxes = shape.map((_, i) => i).filter((i) => !classAxes.includes(i));
  const order = [...batchAxes, ...classAxes];
  const batchShape = batchAxes.map((a) => shape[a]!);
  const classes = numel(classAxes.map((a) => shape[a]!));
  return { order, identity: order.every((a, i) => a === i), batchShape, classes, rows: numel(batchShape), classAxes };
}

function toRows(data: NumericArray, shape: readonly number[], view: RowView): NumericArray {
  return view.identity ? data : permuteAxes(data, shape, view.order);
}

function fromRows(grad: Float64Array, shape: readonly number[], view: RowView): Float64Array {
  if (view.identity) return grad;
  const permutedShape = view.order.map((a) => shape[a]!);
  return permuteAxes(grad, permutedShape, inverseOrder(view.order));
}

/** optax's `where`: expanded on the class axes when it has fewer dimensions, then broadcast. */
function whereRows(where: Tensor | null, shape: readonly number[], view: RowView): NumericArray | null {
  if (where === null) return null;
  let w = where;
  if (where.shape.length !== shape.length) {
    const expanded = [...where.shape];
    for (const a of [...view.classAxes].sort((p, q) => p - q)) expanded.splice(a, 0, 1);
    w = { ...where, shape: expanded };
  }
  return toRows(broadcastTo(w, shape, 'where'), shape, view);
}

type SoftmaxMode = { kind: 'probabilities' } | { kind: 'poly'; epsilon: number };

/**
 * Row-wise softmax cross-entropy with optional mask: loss = −Σ_{c∈W} y_c·(x_c − lse_W(x)),
 * plus ε·Σ_{c∈W} y_c·(1 − p_c) for PolyLoss. A fully masked row gives 0.
 */
function softmaxRows(
  x: NumericArray,
  y: NumericArray,
  where: NumericArray | null,
  rows: number,
  C: number,
  mode: SoftmaxMode,
  losses: Float64Array,
  grad: Float64Array | null,
): void {
  const eps = mode.kind === 'poly' ? mode.epsilon : 0;
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    let m = -Infinity;
    let any = false;
    for (let c = 0; c < C; c++) {
      if (where !== null && !where[base + c]) continue;
      any = true;
      const v = x[base + c]!;
      if (v > m || Number.isNaN(v)) m = v;
    }
    if (!any) {
      losses[r] = 0;
      if (grad !== null) grad.fill(0, base, base + C);
      continue;
    }
    let s = 0;
    for (let c = 0; c < C; c++) if (where === null || where[base + c]) s += Math.exp(x[base + c]! - m);
    const logS = Math.log(s);
    const lse = m + logS;
    let loss = 0;
    let ySum = 0;
    let onePt = 0;
    let yp = 0;
    for (let c = 0; c < C; c++) {
      if (where !== null && !where[base + c]) continue;
      const k = base + c;
      const t = y[k]!;
      loss -= t * (x[k]! - m - logS); // jax log_softmax: (x − max) − log Σ
      ySum += t;
      if (mode.kind === 'poly') {
        const p = Math.exp(x[k]! - lse);
        onePt += t * (1 - p);
        yp += t * p;
      }
    }
    losses[r] = mode.kind === 'poly' ? loss + eps * onePt : loss;
    if (grad !== null) {
      for (let c = 0; c < C; c++) {
        const k = base + c;
        if (where !== null && !where[k]) {
          grad[k] = 0;
          continue;
        }
        const p = Math.exp(x[k]! - lse);
        const t = y[k]!;
        grad[k] = p * ySum - t + (mode.kind === 'poly' ? eps * (p * yp - t * p) : 0);
      }
    }
  }
}

/** Shared driver of softmax_cross_entropy and poly_loss_cross_entropy. */
function softmaxLoss(logits: Tensor, labels: Tensor, axis: number | number[] | null, where: Tensor | null, mode: SoftmaxMode, grad: boolean, perSample: boolean): KernelResult {
  checkFloating(logits);
  const shape = logits.shape;
  const view = rowView(shape, axis);
  const x = toRows(logits.data, shape, view);
  const y = toRows(broadcastTo(labels, shape, 'labels'), shape, view);
  const w = whereRows(where, shape, view);
  const losses = new Float64Array(view.rows);
  const g = grad ? new Float64Array(logits.size) : null;
  softmaxRows(x, y, w, view.rows, view.classes, mode, losses, g);
  const value = out(view.batchShape, losses);
  const result: KernelResult = { value };
  if (perSample) result.perSample = value;
  if (g !== null) result.grad = out(shape, fromRows(g, shape, view));
  return result;
}

const softmaxCrossEntropy: ApiImpl = (a, want) =>
  softmaxLoss(a.tensor('logits'), a.tensor('labels'), a.axis('axis'), a.optTensor('where'), { kind: 'probabilities' }, want.grad, want.perSample);

const polyLossCrossEntropy: ApiImpl = (a, want) => {
  const labels = a.tensor('labels');
  checkFloating(a.tensor('logits'));
  checkFloating(labels);
  return softmaxLoss(a.tensor('logits'), labels, a.axis('axis'), a.optTensor('where'), { kind: 'poly', epsilon: a.number('epsilon') }, want.grad, want.perSample);
};

/**
 * safe_softmax_cross_entropy: like softmax_cross_entropy on the last axis, but a term whose
 * label is exactly 0 contributes 0 even against a −∞ logit (0·log 0 = 0).
 */
const safeSoftmaxCrossEntropy: ApiImpl = (a, want) => {
  const logits = a.tensor('logits');
  checkFloating(logits);
  const shape = logits.shape;
  if (shape.length === 0) throw new LossError('logits must have at least one dimension (the classes)');
  const C = shape[shape.length - 1]!;
  const rows = C === 0 ? numel(shape.slice(0, -1)) : logits.size / C;
  const y = broadcastTo(a.tensor('labels'), shape, 'labels');
  const x = logits.data;
  const losses = new Float64Array(rows);
  const grad = want.grad ? new Float64Array(logits.size) : null;
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      const v = x[base + c]!;
      if (v > m || Number.isNaN(v)) m = v;
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[base + c]! - m);
    const logS = Math.log(s);
    const lse = m + logS;
    let loss = 0;
    let ySum = 0;
    for (let c = 0; c < C; c++) {
      const t = y[base + c]!;
      if (t === 0) continue;
      loss -= t * (x[base + c]! - m - logS);
      ySum += t;
    }
    losses[r] = loss;
    if (grad !== null) for (let c = 0; c < C; c++) grad[base + c] = Math.exp(x[base + c]! - lse) * ySum - y[base + c]!;
  }
  const value = out(shape.slice(0, -1), losses);
  const result: KernelResult = { value };
  if (want.perSample) result.perSample = value;
  if (grad !== null) result.grad = out(shape, grad);
  return result;
};

/**
 * softmax_cross_entropy_with_integer_labels: lse(x) − x[label]. Labels index the class block
 * (flattened over a tuple of axes); a negative label counts from the end and an out-of-range
 * one reads NaN, as jnp.take_along_axis does.
 */
const softmaxCrossEntropyWithIntegerLabels: ApiImpl = (a, want) => {
  const logits = a.tensor('logits');
  const labels = a.tensor('labels');
  checkFloating(logits);
  checkInteger(labels);
  const shape = logits.shape;
  const view = rowView(shape, a.axis('axis'));
  const x = toRows(logits.data, shape, view);
  const target = broadcastShapes(view.batchShape, labels.shape);
  if (!shapeEquals(target, view.batchShape)) {
    throw new LossError(`labels of shape ${pyShape(labels.shape)} do not match the logits' batch shape ${pyShape(view.batchShape)}`);
  }
  const y = shapeEquals(labels.shape, view.batchShape) ? labels.data : expandTo(labels, view.batchShape);
  const w = whereRows(a.optTensor('where'), shape, view);
  const C = view.classes;
  const losses = new Float64Array(view.rows);
  const g = want.grad ? new Float64Array(logits.size) : null;
  for (let r = 0; r < view.rows; r++) {
    const base = r * C;
    const raw = y[r]!;
    const label = raw < 0 && raw >= -C ? raw + C : raw;
    const valid = label >= 0 && label < C;
    let m = -Infinity;
    let any = false;
    for (let c = 0; c < C; c++) {
      if (w !== null && !w[base + c]) continue;
      any = true;
      const v = x[base + c]!;
      if (v > m || Number.isNaN(v)) m = v;
    }
    if (w !== null && !any) {
      losses[r] = 0;
      if (g !== null) g.fill(0, base, base + C);
      continue;
    }
    const shift = Number.isFinite(m) ? m : 0;
    let s = 0;
    for (let c = 0; c < C; c++) if (w === null || w[base + c]) s += Math.exp(x[base + c]! - shift);
    const lse = shift + Math.log(s);
    losses[r] = lse - (valid ? x[base + label]! : NaN);
    if (g !== null) {
      for (let c = 0; c < C; c++) g[base + c] = w === null || w[base + c] ? Math.exp(x[base + c]! - lse) : 0;
      if (valid) g[base + label]! -= 1;
    }
  }
  const value = out(view.batchShape, losses);
  const result: KernelResult = { value };
  if (want.perSample) result.perSample = value;
  if (g !== null) result.grad = out(shape, fromRows(g, shape, view));
  return result;
};

/** sigmoid_binary_cross_entropy: −y·log σ(x) − (1 − y)·log σ(−x), elementwise over the broadcast. */
const sigmoidBinaryCrossEntropy: ApiImpl = (a, want) => {
  const logits = a.tensor('logits');
  checkFloating(logits);
  const b = broadcastPair(logits, a.tensor('labels'));
  const losses = new Float64Array(b.x.length);
  const grad = want.grad ? new Float64Array(b.x.length) : null;
  logSigmoidCrossEntropy(b.x, b.y, losses, grad);
  return elementwiseResult(b, losses, grad, logits, want.perSample);
};

/** sigmoid_focal_loss: log-space focal weight, α optional. */
const sigmoidFocalLoss: ApiImpl = (a, want) => {
  const logits = a.tensor('logits');
  checkFloating(logits);
  const b = broadcastPair(logits, a.tensor('labels'));
  const losses = new Float64Array(b.x.length);
  const grad = want.grad ? new Float64Array(b.x.length) : null;
  optaxFocal(b.x, b.y, a.optNumber('alpha'), a.number('gamma'), losses, grad);
  return elementwiseResult(b, losses, grad, logits, want.perSample);
};

/** sparsemax_loss (binary): sparse_plus(−x) where the label is non-zero, sparse_plus(x) elsewhere. */
const sparsemaxLoss: ApiImpl = (a, want) => {
  const logits = a.tensor('logits');
  const b = broadcastPair(logits, a.tensor('labels'));
  const losses = new Float64Array(b.x.length);
  const grad = want.grad ? new Float64Array(b.x.length) : null;
  sparsePlusLoss(b.x, b.y, losses, grad);
  return elementwiseResult(b, losses, grad, logits, want.perSample);
};

const multiclassSparsemax: ApiImpl = (a, want) => {
  const scores = a.tensor('scores');
  const labels = a.tensor('labels');
  if (scores.shape.length !== 2) {
    throw new LossError(`scores must have shape (batch, classes) (the loss is vmapped over the first axis), got ${pyShape(scores.shape)}`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== scores.shape[0]) {
    throw new LossError(`labels must have shape (${scores.shape[0]},) to match scores ${pyShape(scores.shape)}, got ${pyShape(labels.shape)}`);
  }
  const [rows, C] = scores.shape as [number, number];
  const losses = new Float64Array(rows);
  const grad = want.grad ? new Float64Array(scores.size) : null;
  multiclassSparsemaxLoss(scores.data, labels.data, rows, C, losses, grad);
  const value = out([rows], losses);
  const result: KernelResult = { value };
  if (want.perSample) result.perSample = value;
  if (grad !== null) result.grad = out(scores.shape, grad);
  return result;
};

function elementwiseResult(
  b: ReturnType<typeof broadcastPair>,
  losses: Float64Array,
  grad: Float64Array | null,
  prediction: Tensor,
  perSample: boolean,
): KernelResult {
  const value = out(b.shape, losses);
  const result: KernelResult = { value };
  if (perSample) result.perSample = value;
  if (grad !== null) result.grad = out(prediction.shape, sumToPrediction(grad, b, prediction.size));
  return result;
}

/** The implementations of this module, keyed by catalog id. */
export const optaxImplementations: Record<string, ApiImpl> = {
  'optax.losses.sigmoid_binary_cross_entropy': sigmoidBinaryCrossEntropy,
  'optax.losses.softmax_cross_entropy': softmaxCrossEntropy,
  'optax.losses.softmax_cross_entropy_with_integer_labels': softmaxCrossEntropyWithIntegerLabels,
  'optax.losses.safe_softmax_cross_entropy': safeSoftmaxCrossEntropy,
  'optax.losses.poly_loss_cross_entropy': polyLossCrossEntropy,
  'optax.losses.sigmoid_focal_loss': sigmoidFocalLoss,
  'optax.losses.sparsemax_loss': sparsemaxLoss,
  'optax.losses.multiclass_sparsemax_loss': multiclassSparsemax,
};
