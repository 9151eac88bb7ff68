/**
 * Losses that are a function of (prediction, target) element by element, reduced the torch
 * way (elementwise, then none/mean/sum), the Keras way (mean over the last axis, then the Keras
 * reduction with sample weights), or not at all (optax).
 */
import type { KernelResult, Want } from './api.js';
import { type KerasReduction, type TorchReduction, reduceKeras, reduceTorch, scaleAt } from './reduce.js';
import {
  LossError,
  type NumericArray,
  type Out,
  type Tensor,
  broadcastIndex,
  broadcastShapes,
  formatShape,
  numel,
  out,
  shapeEquals,
} from './tensor.js';

/** A pointwise loss: writes ℓ(x, y) and ∂ℓ/∂x for element i into `value` / `grad`. */
export interface PointwiseLoss {
  value(x: number, y: number): number;
  /** ∂ℓ/∂x (the prediction). */
  grad(x: number, y: number): number;
}

/**
 * Prediction and target broadcast to a common shape. When a tensor already has that shape its
 * own buffer is used (no copy); otherwise its elements are gathered into a float64 buffer.
 */
export interface Broadcast {
  shape: number[];
  x: NumericArray;
  y: NumericArray;
  /** For each broadcast element, the flat index of the prediction element it came from. */
  xIndex: Int32Array | undefined;
}

export function broadcastPair(x: Tensor, y: Tensor): Broadcast {
  const shape = broadcastShapes(x.shape, y.shape);
  return { shape, x: gather(x, shape), y: gather(y, shape), xIndex: broadcastIndex(x.shape, shape) };
}

function gather(t: Tensor, shape: readonly number[]): NumericArray {
  const index = broadcastIndex(t.shape, shape);
  if (index === undefined) return t.data;
  const n = numel(shape);
  const r = new Float64Array(n);
  const d = t.data;
  for (let i = 0; i < n; i++) r[i] = d[index[i]!]!;
  return r;
}

/** Accumulates a gradient over the broadcast shape back onto the prediction's own elements. */
export function sumToPrediction(grad: Float64Array, b: Broadcast, predictionSize: number): Float64Array {
  if (b.xIndex === undefined) return grad;
  const g = new Float64Array(predictionSize);
  for (let i = 0; i < grad.length; i++) g[b.xIndex[i]!] += grad[i]!;
  return g;
}

/** torch's UserWarning when input and target shapes differ and are broadcast. */
export function torchBroadcastWarning(input: Tensor, target: Tensor): string[] {
  if (shapeEquals(input.shape, target.shape)) return [];
  return [
    `Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}). ` +
      'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
  ];
}

export function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

export function requireFloat(t: Tensor, name: string): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new LossError(`${name} must be a floating-point tensor, but its dtype is ${t.dtype}`);
  }
}

/**
 * torch: ℓ elementwise over the broadcast of input and target, then the reduction.
 * The gradient is taken with respect to `input`.
 */
export function torchPointwise(
  input: Tensor,
  target: Tensor,
  reduction: TorchReduction,
  loss: PointwiseLoss,
  want: Want,
): KernelResult {
  const b = broadcastPair(input, target);
  const n = b.x.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = loss.value(b.x[i]!, b.y[i]!);
  const reduced = reduceTorch(values, b.shape, reduction);
  const result: KernelResult = { value: reduced.value, warnings: torchBroadcastWarning(input, target) };
  if (want.perSample) result.perSample = out(b.shape, values);
  if (want.grad) {
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = loss.grad(b.x[i]!, b.y[i]!) * scaleAt(reduced, i);
    result.grad = out(input.shape, sumToPrediction(g, b, input.size));
  }
  return result;
}

/**
 * Keras' squeeze_or_expand_to_same_rank on (y_true, y_pred): when the ranks differ by one and
 * the longer one ends in 1, that axis is dropped (or a 1 added to a rank-1 partner).
 */
export function kerasSameRank(yTrue: Tensor, yPred: Tensor): [Tensor, Tensor] {
  const a = yTrue.shape.length;
  const b = yPred.shape.length;
  const reshape = (t: Tensor, shape: number[]): Tensor => ({ ...t, shape });
  if (a === b + 1 && yTrue.shape[a - 1] === 1) {
    return b === 1 ? [yTrue, reshape(yPred, [...yPred.shape, 1])] : [reshape(yTrue, yTrue.shape.slice(0, -1)), yPred];
  }
  if (b === a + 1 && yPred.shape[b - 1] === 1) {
    return a === 1 ? [reshape(yTrue, [...yTrue.shape, 1]), yPred] : [yTrue, reshape(yPred, yPred.shape.slice(0, -1))];
  }
  return [yTrue, yPred];
}

/**
 * Keras: ℓ elementwise, mean over the last axis (the per-sample loss), then the Keras reduction
 * with optional sample weights. `perSampleOnly` returns the per-sample losses unreduced, which
 * is what the `keras.losses.*` functions return.
 */
export function kerasPointwiseMean(
  yTrue: Tensor,
  yPred: Tensor,
  loss: PointwiseLoss,
  want: Want,
  reduction: KerasReduction,
  sampleWeight: Tensor | null,
): KernelResult {
  const [t, p] = kerasSameRank(yTrue, yPred);
  const b = broadcastPair(p, t);
  if (b.shape.length === 0) throw new LossError(`mean over axis -1 needs at least one dimension, got a scalar`);
  const last = b.shape[b.shape.length - 1]!;
  const rows = last === 0 ? numel(b.shape.slice(0, -1)) : b.x.length / last;
  const perSampleShape = b.shape.slice(0, -1);
  const perSample = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = r * last, end = j + last; j < end; j++) s += loss.value(b.x[j]!, b.y[j]!);
    perSample[r] = s / last;
  }
  const reduced = reduceKeras(perSample, perSampleShape, reduction, sampleWeight);
  const result: KernelResult = { value: reduced.value };
  if (want.perSample) result.perSample = out(perSampleShape, perSample);
  if (want.grad) {
    const g = new Float64Array(b.x.length);
    for (let r = 0; r < rows; r++) {
      const s = scaleAt(reduced, r) / last;
      for (let j = r * last, end = j + last; j < end; j++) g[j] = loss.grad(b.x[j]!, b.y[j]!) * s;
    }
    result.grad = out(yPred.shape, sumToPrediction(g, b, p.size));
  }
  return result;
}

/** optax: the elementwise loss, unreduced, over the broadcast of predictions and targets. */
export function elementwise(prediction: Tensor, target: Tensor, loss: PointwiseLoss, want: Want): KernelResult {
  const b = broadcastPair(prediction, target);
  const n = b.x.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = loss.value(b.x[i]!, b.y[i]!);
  const value: Out = out(b.shape, values);
  const result: KernelResult = { value };
  if (want.perSample) result.perSample = value;
  if (want.grad) {
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = loss.grad(b.x[i]!, b.y[i]!);
    result.grad = out(prediction.shape, sumToPrediction(g, b, prediction.size));
  }
  return result;
}

/** A zeros tensor shaped like `t` (optax's `targets=None`). */
export function zerosLike(t: Tensor): Tensor {
  return { shape: t.shape, dtype: 'float64', data: new Float64Array(t.size), size: t.size };
}

export function describeShapes(a: Tensor, b: Tensor): string {
  return `${formatShape(a.shape)} and ${formatShape(b.shape)}`;
}
