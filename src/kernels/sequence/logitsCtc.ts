/**
 * CTC on logits with dense, padded labels: tf.nn.ctc_loss (TF2's ctc_loss_v3 on dense labels,
 * i.e. ctc_loss_dense) and Keras 3's CTC / ctc, which call it through keras.ops.ctc_loss on the
 * TensorFlow backend. log_softmax is applied over the classes; the recursion and its gradient
 * are the shared float64 ones, so the gradient is the exact one with respect to the logits.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { checkKerasReduction, reduceKeras, scaleAt } from '../reduce.js';
import { LossError, type Tensor, out } from '../tensor.js';
import { pyShape } from '../classification/layout.js';
import { ctcSequence, logSoftmaxRows } from './ctc.js';
import { intValues, requireIntTensor } from './lengths.js';

interface DenseCtc {
  logits: Tensor;
  timeMajor: boolean;
  /** (B, S) label rows, used up to each row's label length. */
  labels: Float64Array;
  labelStride: number;
  labelLengths: ArrayLike<number>;
  logitLengths: ArrayLike<number>;
  blank: number;
}

/** Per-sequence losses and, optionally, ∂(Σ scaleᵦ·lossᵦ)/∂logits. */
function denseCtc(p: DenseCtc, scales: ((b: number) => number) | null): { losses: Float64Array; grad: Float64Array | null } {
  const { logits, timeMajor } = p;
  const [d0, d1, C] = logits.shape as [number, number, number];
  const T = timeMajor ? d0 : d1;
  const B = timeMajor ? d1 : d0;
  const lp = logSoftmaxRows(logits.data, d0 * d1, C);
  // TensorFlow moves the blank to class 0 and shifts labels below it up by one; a label equal to
  // a non-zero blank_index therefore lands on class blank_index − 1.
  const mapped = new Float64Array(p.labels.length);
  for (let i = 0; i < mapped.length; i++) {
    const y = p.labels[i]!;
    mapped[i] = p.blank > 0 && y === p.blank ? p.blank - 1 : y;
  }
  const grad = scales === null ? null : new Float64Array(logits.size);
  const losses = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const base = timeMajor ? b * C : b * T * C;
    const timeStride = timeMajor ? B * C : C;
    const seq = {
      lp,
      base,
      timeStride,
      frames: p.logitLengths[b]!,
      labels: mapped,
      labelOffset: b * p.labelStride,
      labelCount: p.labelLengths[b]!,
      blank: p.blank,
    };
    losses[b] = ctcSequence(seq, grad, scales === null ? 1 : scales(b), C);
  }
  return { losses, grad };
}

function checkDenseArguments(p: DenseCtc, api: string): void {
  const [d0, d1, C] = p.logits.shape as [number, number, number];
  const T = p.timeMajor ? d0 : d1;
  const B = p.timeMajor ? d1 : d0;
  if (p.labelLengths.length !== B || p.logitLengths.length !== B) {
    throw new LossError(`${api}: label_length and logit_length must hold one length per sequence (batch size ${B})`);
  }
  for (let b = 0; b < B; b++) {
    const n = p.labelLengths[b]!;
    const f = p.logitLengths[b]!;
    if (n < 0 || n > p.labelStride) throw new LossError(`${api}: label_length[${b}] = ${n} is outside [0, ${p.labelStride}] (the labels' padded length)`);
    if (f < 0 || f > T) throw new LossError(`${api}: logit_length[${b}] = ${f} is outside [0, ${T}] (the logits' time dimension)`);
    for (let i = 0; i < n; i++) {
      const y = p.labels[b * p.labelStride + i]!;
      if (y < 0 || y >= C) {
        throw new LossError(`${api}: label ${y} of sequence ${b} is outside [0, ${C}) (TensorFlow's result is undefined there; Loss Lens refuses it)`);
      }
    }
  }
}

// ------------------------------------------------------------------------------------ tf.nn

/** tf.nn.ctc_loss with dense labels (TF2). */
export const tfCtcLoss: ApiImpl = (a, want) => {
  const labels = a.tensor('labels');
  const logits = a.tensor('logits');
  const labelLength = a.optTensor('label_length');
  const logitLength = a.tensor('logit_length');
  const timeMajor = a.bool('logits_time_major');
  const blankIndex = a.optInt('blank_index');
  if (a.raw('unique') !== null) {
    throw new LossError('unique must be None here: it only selects a faster TPU algorithm (ctc_unique_labels) and does not change the result');
  }
  if (labelLength === null) throw new LossError('Argument `label_length` must be provided for dense labels (only SparseTensor labels may omit it)');
  if (logits.shape.length !== 3) throw new LossError(`logits must have rank 3 ([frames, batch, classes] or [batch, frames, classes]), got shape ${pyShape(logits.shape)}`);
  if (logits.dtype !== 'float32') {
    // float16/bfloat16 are cast to float32 inside; float64 meets the float32 transition matrices of
    // ctc_loss_dense and fails (which is why Keras casts float64 logits to float32 before calling it).
    throw new LossError(
      `tf.nn.ctc_loss needs float32 logits, got ${logits.dtype}: the dense implementation combines them with float32 state-transition matrices (cast with tf.cast(logits, tf.float32), as Keras does)`,
    );
  }
  if (labels.shape.length !== 2) throw new LossError(`dense labels must have shape [batch, max_label_length], got ${pyShape(labels.shape)}`);
  requireIntTensor(labels, 'labels');
  const C = logits.shape[2]!;
  let blank = blankIndex ?? 0;
  if (blank < 0) blank += C;
  if (blank < 0 || blank >= C) throw new LossError(`blank_index ${blankIndex} is outside the ${C} classes`);
  const B = timeMajorBatch(logits, timeMajor);
  if (labels.shape[0] !== B) throw new LossError(`labels hold ${labels.shape[0]} sequences but the logits hold ${B}`);
  const p: DenseCtc = {
    logits,
    timeMajor,
    labels: intValues(labels),
    labelStride: labels.shape[1]!,
    labelLengths: intValues(labelLength),
    logitLengths: intValues(logitLength),
    blank,
  };
  checkDenseArguments(p, 'tf.nn.ctc_loss');
  const { losses, grad } = denseCtc(p, want.grad ? () => 1 : null);
  const result: KernelResult = { value: out([B], losses) };
  if (grad !== null) result.grad = out(logits.shape, grad);
  if (want.perSample) result.perSample = out([B], losses);
  return result;
};

function timeMajorBatch(logits: Tensor, timeMajor: boolean): number {
  return timeMajor ? logits.shape[1]! : logits.shape[0]!;
}

// ------------------------------------------------------------------------------------ Keras

/** keras.losses.ctc: y_true (B, S) with 0 as blank and padding, y_pred (B, T, C) logits. */
function kerasCtcValues(yTrue: Tensor, yPred: Tensor, scales: ((b: number) => number) | null) {
  if (yTrue.shape.length !== 2) {
    throw new LossError(
      `Targets \`y_true\` are expected to be a tensor of shape \`(batch_size, max_length)\` in integer format. Received: y_true.shape=${pyShape(yTrue.shape)}`,
    );
  }
  if (yPred.shape.length !== 3) {
    throw new LossError(
      `Logits \`y_pred\` are expected to be a tensor of shape \`(batch_size, max_length, num_classes)\`. Received: y_pred.shape=${pyShape(yPred.shape)}`,
    );
  }
  const [B, T] = yPred.shape as [number, number, number];
  if (yTrue.shape[0] !== B) throw new LossError(`y_true holds ${yTrue.shape[0]} sequences but y_pred holds ${B}`);
  const labels = intValues(yTrue);
  const S = yTrue.shape[1]!;
  const labelLengths = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let n = 0;
    for (let i = 0; i < S; i++) if (labels[b * S + i] !== 0) n++;
    labelLengths[b] = n;
  }
  const p: DenseCtc = { logits: yPred, timeMajor: false, labels, labelStride: S, labelLengths, logitLengths: new Float64Array(B).fill(T), blank: 0 };
  checkDenseArguments(p, 'keras.losses.ctc');
  return denseCtc(p, scales);
}

/** keras.losses.ctc: the per-sequence losses, unreduced. */
export const kerasCtc: ApiImpl = (a, want) => {
  const yTrue = a.tensor('y_true');
  const yPred = a.tensor('y_pred');
  const { losses, grad } = kerasCtcValues(yTrue, yPred, want.grad ? () => 1 : null);
  const result: KernelResult = { value: out([losses.length], losses) };
  if (grad !== null) result.grad = out(yPred.shape, grad);
  if (want.perSample) result.perSample = out([losses.length], losses);
  return result;
};

/** keras.losses.CTC and loss='ctc': the function's losses, then sample_weight and the Keras reduction. */
export const kerasCtcClass: ApiImpl = (a, want) => {
  const reduction = checkKerasReduction(a.has('reduction') ? a.raw('reduction') : 'sum_over_batch_size');
  const yTrue = a.tensor('y_true');
  let yPred = a.tensor('y_pred');
  const sampleWeight = a.optTensor('sample_weight');
  // LossFunctionWrapper.call squeezes a trailing 1 from the side with one more axis first.
  if (yPred.shape.length === yTrue.shape.length + 1 && yPred.shape[yPred.shape.length - 1] === 1) {
    yPred = { ...yPred, shape: yPred.shape.slice(0, -1) };
  }
  const plain = kerasCtcValues(yTrue, yPred, null);
  const reduced = reduceKeras(plain.losses, [plain.losses.length], reduction, sampleWeight);
  const result: KernelResult = { value: reduced.value };
  if (want.grad) {
    const { grad } = kerasCtcValues(yTrue, yPred, (b) => scaleAt(reduced, b));
    result.grad = out(a.tensor('y_pred').shape, grad!);
  }
  if (want.perSample) result.perSample = out([plain.losses.length], plain.losses);
  return result;
};
