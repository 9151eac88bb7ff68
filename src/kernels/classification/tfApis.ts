/**
 * TensorFlow's cross-entropy ops (tf.nn.*): unreduced, one value per element (sigmoid forms) or
 * per row (softmax forms). Gradients are the ones TensorFlow registers: for the softmax ops
 * that is softmax(x) − labels, which is the true derivative only for label rows summing to 1.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { LossError, type Tensor, broadcastShapes, expandTo, out, shapeEquals } from '../tensor.js';
import { softmaxIndexLoss, softmaxProbabilityLoss } from './crossEntropy.js';
import { tfSigmoidCrossEntropy, tfSigmoidCrossEntropyGrad, tfWeightedCrossEntropy, tfWeightedCrossEntropyGrad } from './kerasBinary.js';
import { layoutAt, normalizeAxisNumpy, positions, pyShape } from './layout.js';

function requireFloat(t: Tensor, name: string): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new LossError(`Value passed to parameter '${name}' has DataType ${t.dtype} not in list of allowed values: float16, bfloat16, float32, float64`);
  }
}

function requireBoth(name: string, labels: Tensor | null, logits: Tensor | null): [Tensor, Tensor] {
  if (labels === null || logits === null) {
    throw new LossError(`Both \`labels\` and \`logits\` must be provided for ${name}`);
  }
  return [labels, logits];
}

function sameShape(labels: Tensor, logits: Tensor): void {
  if (!shapeEquals(labels.shape, logits.shape)) {
    throw new LossError(`\`logits\` and \`labels\` must have the same shape, received (${pyShape(logits.shape)} vs ${pyShape(labels.shape)}).`);
  }
}

function elementwiseResult(shape: readonly number[], losses: Float64Array, grad: Float64Array | null, perSample: boolean): KernelResult {
  const value = out(shape, losses);
  const result: KernelResult = { value };
  if (perSample) result.perSample = value;
  if (grad !== null) result.grad = out(shape, grad);
  return result;
}

/** tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) − x·z + log1p(e^−|x|). */
const sigmoidCrossEntropyWithLogits: ApiImpl = (a, want) => {
  const [labels, logits] = requireBoth('sigmoid_cross_entropy_with_logits', a.optTensor('labels'), a.optTensor('logits'));
  requireFloat(logits, 'logits');
  sameShape(labels, logits);
  const z = labels.data;
  const x = logits.data;
  const losses = new Float64Array(logits.size);
  const grad = want.grad ? new Float64Array(logits.size) : null;
  for (let i = 0; i < losses.length; i++) {
    losses[i] = tfSigmoidCrossEntropy(z[i]!, x[i]!);
    if (grad !== null) grad[i] = tfSigmoidCrossEntropyGrad(z[i]!, x[i]!);
  }
  return elementwiseResult(logits.shape, losses, grad, want.perSample);
};

/** tf.nn.weighted_cross_entropy_with_logits: positives weighted by pos_weight. */
const weightedCrossEntropyWithLogits: ApiImpl = (a, want) => {
  const labels = a.tensor('labels');
  const logits = a.tensor('logits');
  requireFloat(logits, 'logits');
  sameShape(labels, logits);
  const pw = a.tensorOrNumber('pos_weight');
  if (pw === null) throw new LossError('pos_weight must be a number or a tensor');
  let q: Float64Array | null = null;
  let qScalar = 0;
  if (typeof pw === 'number') qScalar = pw;
  else {
    if (!shapeEquals(broadcastShapes(logits.shape, pw.shape), logits.shape)) {
      throw new LossError(`pos_weight of shape ${pyShape(pw.shape)} cannot be broadcast to the logits' shape ${pyShape(logits.shape)}`);
    }
    q = expandTo(pw, logits.shape);
  }
  const z = labels.data;
  const x = logits.data;
  const losses = new Float64Array(logits.size);
  const grad = want.grad ? new Float64Array(logits.size) : null;
  for (let i = 0; i < losses.length; i++) {
    const qi = q === null ? qScalar : q[i]!;
    losses[i] = tfWeightedCrossEntropy(z[i]!, x[i]!, qi);
    if (grad !== null) grad[i] = tfWeightedCrossEntropyGrad(z[i]!, x[i]!, qi);
  }
  return elementwiseResult(logits.shape, losses, grad, want.perSample);
};

/**
 * tf.nn.softmax_cross_entropy_with_logits (v2): −Σ labels·log softmax(logits) along `axis`.
 * After flattening the outer dimensions the labels must match the logits row for row, or be a
 * single row that the kernel broadcasts.
 */
const softmaxCrossEntropyWithLogits: ApiImpl = (a, want) => {
  const labels = a.tensor('labels');
  const logits = a.tensor('logits');
  requireFloat(logits, 'logits');
  if (logits.shape.length === 0) throw new LossError('logits must have at least rank 1 (the classes)');
  const axis = normalizeAxisNumpy(a.int('axis'), logits.shape.length);
  const layout = layoutAt(logits.shape, axis);
  let y = labels.data;
  if (!shapeEquals(labels.shape, logits.shape)) {
    const singleRow = labels.shape.length >= 1 && labels.shape[labels.shape.length - 1] === layout.classes && labels.size === layout.classes && axis === logits.shape.length - 1;
    if (!singleRow) {
      const rows = (s: readonly number[]) => `[${s.length === 0 ? 1 : s.slice(0, -1).reduce((p, d) => p * d, 1)},${s[s.length - 1] ?? 1}]`;
      throw new LossError(`logits and labels must be broadcastable: logits_size=${rows(logits.shape)} labels_size=${rows(labels.shape)}`);
    }
    const expanded = new Float64Array(logits.size);
    for (let i = 0; i < expanded.length; i++) expanded[i] = labels.data[i % layout.classes]!;
    y = expanded;
  }
  const losses = new Float64Array(positions(layout));
  const grad = want.grad ? new Float64Array(logits.size) : null;
  softmaxProbabilityLoss(logits.data, y, layout, { weight: null, smoothing: 0, skipZeroTargets: false, gradient: 'tensorflow' }, losses, grad);
  return rowResult(layout.positionShape, logits.shape, losses, grad, want.perSample);
};

function rowResult(shape: number[], predShape: readonly number[], losses: Float64Array, grad: Float64Array | null, perSample: boolean): KernelResult {
  const value = out(shape, losses);
  const result: KernelResult = { value };
  if (perSample) result.perSample = value;
  if (grad !== null) result.grad = out(predShape, grad);
  return result;
}

/**
 * tf.nn.sparse_softmax_cross_entropy_with_logits: lse(logits) − logits[label] along the last
 * axis. Labels must be int32/int64 with exactly the logits' leading shape; an out-of-range
 * label is an error on CPU (TensorFlow's GPU kernel returns NaN instead).
 */
const sparseSoftmaxCrossEntropyWithLogits: ApiImpl = (a, want) => {
  const labels = a.tensor('labels');
  const logits = a.tensor('logits');
  requireFloat(logits, 'logits');
  if (labels.dtype !== 'int32' && labels.dtype !== 'int64') {
    throw new LossError(`Value passed to parameter 'labels' has DataType ${labels.dtype} not in list of allowed values: int32, int64`);
  }
  if (logits.shape.length === 0) throw new LossError(`\`logits\` cannot be a scalar. Received logits=${pyShape(logits.shape)}\``);
  if (labels.shape.length !== logits.shape.length - 1) {
    throw new LossError(
      `\`labels.shape.rank\` must equal \`logits.shape.rank - 1\`. Received: labels.shape=${pyShape(labels.shape)} of rank ${labels.shape.length} ` +
        `and logits.shape=${pyShape(logits.shape)} of rank ${logits.shape.length}`,
    );
  }
  if (!shapeEquals(labels.shape, logits.shape.slice(0, -1))) {
    throw new LossError(
      `\`labels.shape\` must equal \`logits.shape\` except for the last dimension. Received: labels.shape=${pyShape(labels.shape)} and logits.shape=${pyShape(logits.shape)}`,
    );
  }
  const layout = layoutAt(logits.shape, logits.shape.length - 1);
  checkTfLabels(labels, layout.classes);
  const losses = new Float64Array(positions(layout));
  const grad = want.grad ? new Float64Array(logits.size) : null;
  softmaxIndexLoss(logits.data, labels.data, layout, { weight: null, ignoreIndex: null, smoothing: 0 }, losses, grad);
  return rowResult(layout.positionShape, logits.shape, losses, grad, want.perSample);
};

/** TensorFlow's CPU check on sparse labels, with its message. */
export function checkTfLabels(labels: Tensor, classes: number): void {
  const d = labels.data;
  for (let i = 0; i < d.length; i++) {
    const y = d[i]!;
    if (y < 0 || y >= classes) {
      throw new LossError(
        `Received a label value of ${y} which is outside the valid range of [0, ${classes}).  Label values: ${Array.from(d as ArrayLike<number>).join(' ')}`,
      );
    }
  }
}

/** The implementations of this module, keyed by catalog id. */
export const tfImplementations: Record<string, ApiImpl> = {
  'tf.nn.sigmoid_cross_entropy_with_logits': sigmoidCrossEntropyWithLogits,
  'tf.nn.weighted_cross_entropy_with_logits': weightedCrossEntropyWithLogits,
  'tf.nn.softmax_cross_entropy_with_logits': softmaxCrossEntropyWithLogits,
  'tf.nn.sparse_softmax_cross_entropy_with_logits': sparseSoftmaxCrossEntropyWithLogits,
};
