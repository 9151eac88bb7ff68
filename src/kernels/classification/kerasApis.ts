/**
 * Keras 3 classification losses (TensorFlow backend semantics): binary, categorical and sparse
 * categorical cross-entropy, their focal variants, and the compile-time 'crossentropy' string
 * that picks one of the three from the shapes.
 *
 * Each loss is computed as its function computes it (a per-sample value, reducing one axis);
 * the class and compile-string forms first apply LossFunctionWrapper's
 * squeeze_or_expand_to_same_rank, then sample weights, masks and the Keras reduction.
 * A pinned version below 3 (`{"version": "2.15"}`, tf.keras up to TF 2.15) switches the binary
 * forms to Keras 2's numbers.
 */
import type { ApiImpl, KernelResult, Want } from '../api.js';
import { Args } from '../args.js';
import { kerasSameRank } from '../pointwise.js';
import { checkKerasReduction, reduceKeras } from '../reduce.js';
import { LossError, type NumericArray, type Tensor, expandTo, broadcastShapes, out, shapeEquals } from '../tensor.js';
import { softmaxIndexLoss, softmaxProbabilityLoss } from './crossEntropy.js';
import { kerasBinaryFocal } from './focal.js';
import { kerasBinaryCrossEntropy, kerasBinaryCrossEntropyMeans } from './kerasBinary.js';
import { kerasCategoricalFocal, kerasCategoricalProbabilities, kerasSparseProbabilities } from './kerasCategorical.js';
import { type ClassLayout, layoutAt, normalizeAxisNumpy, positions, pyShape, scaleByPosition } from './layout.js';
import { isKeras2 } from './version.js';

/** A per-sample Keras loss: values over the layout's positions and ∂value/∂y_pred per element. */
export interface AxisResult {
  layout: ClassLayout;
  values: Float64Array;
  grad: Float64Array | null;
  /** Keras mask on the values (from ignore_class): 1 keeps a position. */
  mask?: Uint8Array;
  warnings?: string[];
}

type PerSample = (a: Args, yTrue: Tensor, yPred: Tensor, want: Want) => AxisResult;

/** The shape checks of the TensorFlow backend's binary and categorical cross-entropy. */
function checkSameShape(target: Tensor, output: Tensor): void {
  const shapes = `Received: target.shape=${pyShape(target.shape)}, output.shape=${pyShape(output.shape)}`;
  if (target.shape.length !== output.shape.length) {
    throw new LossError(`Arguments \`target\` and \`output\` must have the same rank (ndim). ${shapes}`);
  }
  if (!shapeEquals(target.shape, output.shape)) {
    throw new LossError(`Arguments \`target\` and \`output\` must have the same shape. ${shapes}`);
  }
}

/** y·(1 − ε) + ε·k: Keras' label smoothing (k = 0.5 for binary, 1/C for categorical). */
function smoothLabels(y: NumericArray, smoothing: number, toward: number): NumericArray {
  if (!smoothing) return y; // Keras tests `if label_smoothing:`
  const out = new Float64Array(y.length);
  for (let i = 0; i < out.length; i++) out[i] = y[i]! * (1 - smoothing) + toward;
  return out;
}

/** Averages (or sums) elementwise values over the layout's class axis; scales the gradient to match. */
function collapseAxis(layout: ClassLayout, losses: Float64Array, grad: Float64Array | null, mean: boolean): Float64Array {
  const { outer, classes: C, inner } = layout;
  const values = new Float64Array(positions(layout));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += losses[(o * C + c) * inner + i]!;
      values[o * inner + i] = mean ? s / C : s;
    }
  }
  if (grad !== null && mean) for (let k = 0; k < grad.length; k++) grad[k]! /= C;
  return values;
}

function categoricalWarning(fn: string, yPred: Tensor): string[] {
  if (yPred.shape[yPred.shape.length - 1] !== 1) return [];
  return [
    `In loss ${fn}, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1. ` +
      `Received: y_pred.shape=${pyShape(yPred.shape)}. Consider using 'binary_crossentropy' if you only have 2 classes.`,
  ];
}

// ------------------------------------------------------------------------------- per-sample losses

/** keras.losses.binary_crossentropy: mean over `axis` of the elementwise cross-entropy. */
const binaryPerSample: PerSample = (a, yTrue, yPred, want) => {
  const legacy = isKeras2(a.version);
  if (!legacy) checkSameShape(yTrue, yPred);
  else if (!shapeEquals(yTrue.shape, yPred.shape)) throw new LossError(`Incompatible shapes: ${pyShape(yTrue.shape)} vs. ${pyShape(yPred.shape)}`);
  const axis = normalizeAxisNumpy(a.int('axis'), yPred.shape.length);
  const smoothing = a.number('label_smoothing');
  const y = smoothLabels(yTrue.data, smoothing, 0.5 * smoothing);
  const layout = layoutAt(yPred.shape, axis);
  if (!want.grad) {
    const values = new Float64Array(positions(layout));
    kerasBinaryCrossEntropyMeans(y, yPred.data, a.bool('from_logits'), legacy, layout, values);
    return { layout, values, grad: null };
  }
  const losses = new Float64Array(yPred.size);
  const grad = new Float64Array(yPred.size);
  kerasBinaryCrossEntropy(y, yPred.data, a.bool('from_logits'), legacy, losses, grad);
  return { layout, values: collapseAxis(layout, losses, grad, true), grad };
};

/** keras.losses.categorical_crossentropy: renormalise-and-clip on probabilities, TF softmax cross-entropy on logits. */
const categoricalPerSample: PerSample = (a, yTrue, yPred, want) => {
  const warnings = categoricalWarning('categorical_crossentropy', yPred);
  const smoothing = a.number('label_smoothing');
  // Keras counts the classes on y_true's last axis, whatever `axis` says.
  const y = smoothLabels(yTrue.data, smoothing, smoothing / (yTrue.shape[yTrue.shape.length - 1] ?? 1));
  if (yTrue.shape.length < 1) {
    throw new LossError(
      `Arguments \`target\` and \`output\` must be at least rank 1. Received: target.shape=${pyShape(yTrue.shape)}, output.shape=${pyShape(yPred.shape)}`,
    );
  }
  checkSameShape(yTrue, yPred);
  const layout = layoutAt(yPred.shape, normalizeAxisNumpy(a.int('axis'), yPred.shape.length));
  const values = new Float64Array(positions(layout));
  const grad = want.grad ? new Float64Array(yPred.size) : null;
  if (a.bool('from_logits')) {
    softmaxProbabilityLoss(yPred.data, y, layout, { weight: null, smoothing: 0, skipZeroTargets: false, gradient: 'tensorflow' }, values, grad);
  } else {
    kerasCategoricalProbabilities(y, yPred.data, layout, values, grad);
  }
  return { layout, values, grad, warnings };
};

/** keras.losses.sparse_categorical_crossentropy, with ignore_class masking. */
const sparsePerSample: PerSample = (a, yTrue, yPred, want) => {
  let labelsTensor = yTrue;
  if (yTrue.shape.length === yPred.shape.length && yTrue.shape[yTrue.shape.length - 1] === 1) {
    labelsTensor = { ...yTrue, shape: yTrue.shape.slice(0, -1) };
  }
  const ignoreClass = a.optNumber('ignore_class');
  // The class has no `axis` (only the function does); it always uses the last axis.
  const axis = a.has('axis') ? a.int('axis') : -1;
  if (axis !== -1 && axis !== yPred.shape.length - 1) {
    throw new LossError(`Only axis=-1 is currently supported. Received: axis=${axis}`);
  }
  if (yPred.shape.length < 1) throw new LossError(`Argument \`output\` must be at least rank 1. Received: output.shape=${pyShape(yPred.shape)}`);
  const shapes = `target.shape=${pyShape(labelsTensor.shape)}, output.shape=${pyShape(yPred.shape)}`;
  if (labelsTensor.shape.length !== yPred.shape.length - 1) {
    throw new LossError(`Argument \`output\` must have rank (ndim) \`target.ndim - 1\`. Received: ${shapes}`);
  }
  if (!shapeEquals(labelsTensor.shape, yPred.shape.slice(0, -1))) {
    throw new LossError(`Arguments \`target\` and \`output\` must have the same shape up until the last dimension: ${shapes}`);
  }
  const layout = layoutAt(yPred.shape, yPred.shape.length - 1);
  const C = layout.classes;
  const rows = positions(layout);
  // Ignored positions are set to label 0 and their predictions to 0 by Keras, computed, then
  // zeroed and masked; marking them −1 here gives the same 0 without the detour.
  const raw = labelsTensor.data;
  const labels = new Float64Array(rows);
  const mask = ignoreClass === null ? undefined : new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = raw[r]!;
    if (mask !== undefined && v === ignoreClass) {
      labels[r] = -1;
      continue;
    }
    if (mask !== undefined) mask[r] = 1;
    labels[r] = Math.trunc(v); // TensorFlow casts float labels to int64 by truncation
  }
  for (let r = 0; r < rows; r++) {
    const y = labels[r]!;
    if (mask !== undefined && mask[r] === 0) continue;
    if (!(y >= 0 && y < C)) {
      const shown = Array.from(labels, (v, i) => (mask !== undefined && mask[i] === 0 ? 0 : v)).join(' ');
      throw new LossError(`Received a label value of ${Number.isNaN(y) ? -9223372036854775808 : y} which is outside the valid range of [0, ${C}).  Label values: ${shown}`);
    }
  }
  const values = new Float64Array(rows);
  const grad = want.grad ? new Float64Array(yPred.size) : null;
  const ignore = mask === undefined ? null : -1;
  if (a.bool('from_logits')) {
    softmaxIndexLoss(yPred.data, labels, layout, { weight: null, ignoreIndex: ignore, smoothing: 0 }, values, grad);
  } else {
    kerasSparseProbabilities(labels, yPred.data, rows, C, ignore, values, grad);
  }
  return mask === undefined ? { layout, values, grad } : { layout, values, grad, mask };
};

/** keras.losses.binary_focal_crossentropy: mean over `axis` of the focal elementwise loss. */
const binaryFocalPerSample: PerSample = (a, yTrue, yPred, want) => {
  const legacy = isKeras2(a.version);
  if (!legacy) checkSameShape(yTrue, yPred);
  else if (!shapeEquals(yTrue.shape, yPred.shape)) throw new LossError(`Incompatible shapes: ${pyShape(yTrue.shape)} vs. ${pyShape(yPred.shape)}`);
  const axis = normalizeAxisNumpy(a.int('axis'), yPred.shape.length);
  const smoothing = a.number('label_smoothing');
  const y = smoothLabels(yTrue.data, smoothing, 0.5 * smoothing);
  const layout = layoutAt(yPred.shape, axis);
  const losses = new Float64Array(yPred.size);
  const grad = want.grad ? new Float64Array(yPred.size) : null;
  kerasBinaryFocal(
    y,
    yPred.data,
    {
      applyClassBalancing: a.bool('apply_class_balancing'),
      alpha: a.number('alpha'),
      gamma: a.number('gamma'),
      fromLogits: a.bool('from_logits'),
      legacy,
    },
    losses,
    grad,
  );
  return { layout, values: collapseAxis(layout, losses, grad, true), grad };
};

/** α of categorical focal cross-entropy: a number or a list along the last axis. */
function focalAlpha(v: unknown, lastDim: number): Float64Array {
  if (typeof v === 'number') return Float64Array.of(v);
  let values: number[] | undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) values = v as number[];
  else if (v !== null && typeof v === 'object' && 'data' in v) values = Array.from((v as Tensor).data as ArrayLike<number>);
  if (values === undefined) throw new LossError('alpha must be a number or a list of numbers, one per class');
  if (values.length !== 1 && values.length !== lastDim) {
    throw new LossError(`alpha has ${values.length} values but the last axis of y_pred has ${lastDim} classes`);
  }
  return Float64Array.from(values);
}

/** keras.losses.categorical_focal_crossentropy: Σ over `axis` of α·(1 − p)^γ·(−y·log p). */
const categoricalFocalPerSample: PerSample = (a, yTrue, yPred, want) => {
  const warnings = categoricalWarning('categorical_focal_crossentropy', yPred);
  if (yPred.shape.length < 1) throw new LossError('y_pred must have at least one dimension (the classes)');
  const smoothing = a.number('label_smoothing');
  const target = broadcastShapes(yTrue.shape, yPred.shape);
  if (!shapeEquals(target, yPred.shape)) {
    throw new LossError(`Incompatible shapes: y_true ${pyShape(yTrue.shape)} does not broadcast to y_pred ${pyShape(yPred.shape)}`);
  }
  const expanded = shapeEquals(yTrue.shape, yPred.shape) ? yTrue.data : expandTo(yTrue, yPred.shape);
  const y = smoothLabels(expanded, smoothing, smoothing / (yTrue.shape[yTrue.shape.length - 1] ?? 1));
  const lastDim = yPred.shape[yPred.shape.length - 1]!;
  const layout = layoutAt(yPred.shape, normalizeAxisNumpy(a.int('axis'), yPred.shape.length));
  const values = new Float64Array(positions(layout));
  const grad = want.grad ? new Float64Array(yPred.size) : null;
  kerasCategoricalFocal(
    y,
    yPred.data,
    layout,
    { alpha: focalAlpha(a.raw('alpha'), lastDim), gamma: a.number('gamma'), fromLogits: a.bool('from_logits'), lastDim },
    values,
    grad,
  );
  return { layout, values, grad, warnings };
};

/**
 * The 'crossentropy' / 'ce' compile string: binary when y_pred's last axis is 1, sparse when
 * y_true has lower rank (or a last axis of 1 against more classes), categorical otherwise,
 * each with its function's default arguments.
 */
const crossentropyPerSample: PerSample = (a, yTrue, yPred, want) => {
  const defaults = new Map<string, unknown>([
    ['from_logits', false],
    ['label_smoothing', 0],
    ['axis', -1],
    ['ignore_class', null],
  ]);
  const args = new Args(a.api, defaults, new Set(), a.version);
  const pLast = yPred.shape[yPred.shape.length - 1];
  const tLast = yTrue.shape[yTrue.shape.length - 1];
  if (pLast === 1) return binaryPerSample(args, yTrue, yPred, want);
  if (yTrue.shape.length < yPred.shape.length || (tLast === 1 && pLast !== undefined && pLast > 1)) {
    return sparsePerSample(args, yTrue, yPred, want);
  }
  return categoricalPerSample(args, yTrue, yPred, want);
};

// ----------------------------------------------------------------------------------- API wrappers

/** A Keras function (`keras.losses.binary_crossentropy`): the per-sample values, unreduced. */
function kerasFunction(perSample: PerSample): ApiImpl {
  return (a, want) => {
    const yPred = a.tensor('y_pred');
    const r = perSample(a, a.tensor('y_true'), yPred, want);
    const result: KernelResult = { value: out(r.layout.positionShape, r.values) };
    if (want.perSample) result.perSample = out(r.layout.positionShape, r.values);
    if (r.grad !== null) result.grad = out(yPred.shape, r.grad);
    if (r.warnings && r.warnings.length > 0) result.warnings = r.warnings;
    return result;
  };
}

/**
 * A Keras loss class or compile string: LossFunctionWrapper's rank alignment, the per-sample
 * loss, then sample weights, the ignore_class mask and the reduction.
 */
function kerasClass(perSample: PerSample): ApiImpl {
  return (a, want) => {
    const original = a.tensor('y_pred');
    const [yTrue, yPred] = kerasSameRank(a.tensor('y_true'), original);
    const r = perSample(a, yTrue, yPred, want);
    const reduction = checkKerasReduction(a.has('reduction') ? a.raw('reduction') : 'sum_over_batch_size');
    let sampleWeight = a.optTensor('sample_weight');
    let mask = r.mask;
    if (mask !== undefined && reduction === 'mean_with_sample_weight' && sampleWeight === null) {
      // Keras divides by Σ mask here (the mask becomes the sample weight, unscaled).
      sampleWeight = { shape: r.layout.positionShape, dtype: 'float64', data: Float64Array.from(mask), size: mask.length };
      mask = undefined;
    }
    const shape = r.layout.positionShape;
    let reduced;
    if (isKeras2(a.version) && r.values.length === 0 && shape.length === 1 && reduction !== null && reduction !== 'none') {
      // Keras 2 reduces an empty batch to 0 (divide_no_nan); Keras 3 returns it untouched.
      reduced = { value: out([], Float64Array.of(0)), scale: 0 };
    } else {
      reduced = reduceKeras(r.values, shape, reduction, sampleWeight, mask);
    }
    const result: KernelResult = { value: reduced.value };
    if (want.perSample) result.perSample = out(shape, r.values);
    if (r.grad !== null) {
      scaleByPosition(r.grad, r.layout, reduced.scale);
      result.grad = out(original.shape, r.grad);
    }
    if (r.warnings && r.warnings.length > 0) result.warnings = r.warnings;
    return result;
  };
}

const CROSSENTROPY_DEFAULTS = { from_logits: false, label_smoothing: 0, axis: -1 };
const SPARSE_DEFAULTS = { from_logits: false, ignore_class: null, axis: -1 };
const BINARY_FOCAL_DEFAULTS = { apply_class_balancing: false, alpha: 0.25, gamma: 2, from_logits: false, label_smoothing: 0, axis: -1 };
const CATEGORICAL_FOCAL_DEFAULTS = { alpha: 0.25, gamma: 2, from_logits: false, label_smoothing: 0, axis: -1 };

/**
 * A compile string (`loss='binary_crossentropy'`): the function wrapped in LossFunctionWrapper
 * with its default arguments and the default reduction.
 */
function kerasString(perSample: PerSample, defaults: Record<string, unknown>): ApiImpl {
  const impl = kerasClass(perSample);
  return (a, want) => {
    const values = new Map<string, unknown>(Object.entries(defaults));
    for (const name of ['y_true', 'y_pred', 'sample_weight']) values.set(name, a.raw(name));
    return impl(new Args(a.api, values, new Set(), a.version), want);
  };
}

/** The implementations of this module, keyed by catalog id. */
export const kerasImplementations: Record<string, ApiImpl> = {
  'keras.losses.BinaryCrossentropy': kerasClass(binaryPerSample),
  'keras.losses.binary_crossentropy': kerasFunction(binaryPerSample),
  binary_crossentropy: kerasString(binaryPerSample, CROSSENTROPY_DEFAULTS),
  'keras.losses.CategoricalCrossentropy': kerasClass(categoricalPerSample),
  'keras.losses.categorical_crossentropy': kerasFunction(categoricalPerSample),
  categorical_crossentropy: kerasString(categoricalPerSample, CROSSENTROPY_DEFAULTS),
  'keras.losses.SparseCategoricalCrossentropy': kerasClass(sparsePerSample),
  'keras.losses.sparse_categorical_crossentropy': kerasFunction(sparsePerSample),
  sparse_categorical_crossentropy: kerasString(sparsePerSample, SPARSE_DEFAULTS),
  'keras.losses.BinaryFocalCrossentropy': kerasClass(binaryFocalPerSample),
  'keras.losses.binary_focal_crossentropy': kerasFunction(binaryFocalPerSample),
  binary_focal_crossentropy: kerasString(binaryFocalPerSample, BINARY_FOCAL_DEFAULTS),
  'keras.losses.CategoricalFocalCrossentropy': kerasClass(categoricalFocalPerSample),
  'keras.losses.categorical_focal_crossentropy': kerasFunction(categoricalFocalPerSample),
  categorical_focal_crossentropy: kerasString(categoricalFocalPerSample, CATEGORICAL_FOCAL_DEFAULTS),
  crossentropy: kerasString(crossentropyPerSample, {}),
};
