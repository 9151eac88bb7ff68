/**
 * TensorFlow Addons' sigmoid focal cross-entropy (tfa.losses, the final 0.23 release, on
 * tf.keras 2). TF Addons builds on Keras 2, so its class uses Keras 2's rank alignment (which
 * only squeezes) and Keras 2's reductions, with NONE as the default.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { broadcastPair, sumToPrediction } from '../pointwise.js';
import { LossError, type Tensor, broadcastShapes, expandTo, numel, out, shapeEquals } from '../tensor.js';
import { tfaFocal } from './focal.js';
import { layoutAt, positions, scaleByPosition } from './layout.js';

const KERAS2_REDUCTIONS = ['auto', 'none', 'sum', 'sum_over_batch_size'];

/** Keras 2's remove_squeezable_dimensions: drop a trailing 1 from whichever side has one more axis. */
function squeezeKeras2(yTrue: Tensor, yPred: Tensor): [Tensor, Tensor] {
  const diff = yPred.shape.length - yTrue.shape.length;
  if (diff === 1 && yPred.shape[yPred.shape.length - 1] === 1) return [yTrue, { ...yPred, shape: yPred.shape.slice(0, -1) }];
  if (diff === -1 && yTrue.shape[yTrue.shape.length - 1] === 1) return [{ ...yTrue, shape: yTrue.shape.slice(0, -1) }, yPred];
  return [yTrue, yPred];
}

interface FocalValues {
  shape: number[];
  values: Float64Array;
  /** ∂values[pos]/∂y_pred element, over the broadcast shape. */
  grad: Float64Array | null;
  broadcast: ReturnType<typeof broadcastPair>;
}

/** sigmoid_focal_crossentropy: elementwise focal loss summed over the last axis. */
function focalValues(a: Parameters<ApiImpl>[0], yTrue: Tensor, yPred: Tensor, wantGrad: boolean): FocalValues {
  const alpha = a.number('alpha');
  const gamma = a.number('gamma');
  if (gamma && gamma < 0) throw new LossError('Value of gamma should be greater than or equal to zero');
  const b = broadcastPair(yPred, yTrue);
  if (b.shape.length === 0) throw new LossError('Invalid reduction dimension -1 for input with 0 dimensions.');
  const n = b.x.length;
  const losses = new Float64Array(n);
  const grad = wantGrad ? new Float64Array(n) : null;
  tfaFocal(b.y, b.x, { alpha, gamma, fromLogits: a.bool('from_logits') }, losses, grad);
  const layout = layoutAt(b.shape, b.shape.length - 1);
  const values = new Float64Array(positions(layout));
  for (let o = 0; o < layout.outer; o++) {
    let s = 0;
    for (let c = 0; c < layout.classes; c++) s += losses[o * layout.classes + c]!;
    values[o] = s;
  }
  return { shape: layout.positionShape, values, grad, broadcast: b };
}

/** tfa.losses.sigmoid_focal_crossentropy: the per-sample values. */
const sigmoidFocalCrossentropy: ApiImpl = (a, want) => {
  const yPred = a.tensor('y_pred');
  const r = focalValues(a, a.tensor('y_true'), yPred, want.grad);
  const result: KernelResult = { value: out(r.shape, r.values) };
  if (want.perSample) result.perSample = out(r.shape, r.values);
  if (r.grad !== null) result.grad = out(yPred.shape, sumToPrediction(r.grad, r.broadcast, yPred.size));
  return result;
};

/** tfa.losses.SigmoidFocalCrossEntropy: squeeze, per-sample values, sample weight, Keras 2 reduction. */
const SigmoidFocalCrossEntropy: ApiImpl = (a, want) => {
  const reduction = a.string('reduction');
  if (!KERAS2_REDUCTIONS.includes(reduction)) {
    throw new LossError(`Invalid Reduction Key: ${reduction}. Expected keys are "('auto', 'none', 'sum', 'sum_over_batch_size')"`);
  }
  const original = a.tensor('y_pred');
  const [yTrue, yPred] = squeezeKeras2(a.tensor('y_true'), original);
  const r = focalValues(a, yTrue, yPred, want.grad);
  // Keras 2 compute_weighted_loss: align the weight's rank, multiply, then reduce.
  const sw = a.optTensor('sample_weight');
  let weights: Float64Array | null = null;
  if (sw !== null) {
    let shape = [...sw.shape];
    if (shape.length === r.shape.length + 1 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
    else if (shape.length > 0 && shape.length === r.shape.length - 1) shape = [...shape, 1];
    const target = broadcastShapes(r.shape, shape);
    if (!shapeEquals(target, r.shape)) {
      throw new LossError(`sample_weight of shape [${sw.shape.join(', ')}] cannot be applied to per-sample losses of shape [${r.shape.join(', ')}]`);
    }
    weights = expandTo({ ...sw, shape }, r.shape);
  }
  const weighted = new Float64Array(r.values.length);
  for (let i = 0; i < weighted.length; i++) weighted[i] = weights === null ? r.values[i]! : r.values[i]! * weights[i]!;
  let value: KernelResult['value'];
  let factor = 1;
  if (reduction === 'none') {
    value = out(r.shape, weighted);
  } else {
    let s = 0;
    for (let i = 0; i < weighted.length; i++) s += weighted[i]!;
    const count = numel(r.shape);
    factor = reduction === 'sum' ? 1 : count === 0 ? 0 : 1 / count; // divide_no_nan
    value = out([], Float64Array.of(reduction === 'sum' ? s : count === 0 ? 0 : s / count));
  }
  const result: KernelResult = { value };
  if (want.perSample) result.perSample = out(r.shape, r.values);
  if (r.grad !== null) {
    const layout = layoutAt(r.broadcast.shape, r.broadcast.shape.length - 1);
    const scale = weights === null ? factor : weights.map((w) => w * factor);
    scaleByPosition(r.grad, layout, scale);
    result.grad = out(original.shape, sumToPrediction(r.grad, r.broadcast, yPred.size));
  }
  return result;
};

/** The implementations of this module, keyed by catalog id. */
export const tfaImplementations: Record<string, ApiImpl> = {
  'tfa.losses.SigmoidFocalCrossEntropy': SigmoidFocalCrossEntropy,
  'tfa.losses.sigmoid_focal_crossentropy': sigmoidFocalCrossentropy,
};
