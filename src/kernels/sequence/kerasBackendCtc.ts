/**
 * tf.keras.backend.ctc_batch_cost (Keras 2 / tf.keras ≤ 2.15): the CTC of the Keras OCR and
 * speech examples. y_pred holds softmax probabilities (B, T, C); Keras takes log(y_pred + 1e-7),
 * transposes to time-major and calls tf.compat.v1.nn.ctc_loss, whose CTCLoss op applies
 * log_softmax again and uses the LAST class as blank. Lengths are (B, 1) columns; the result is
 * a (B, 1) column of per-sequence losses.
 *
 * Gradient: the op's gradient with respect to its inputs z = log(p + ε) is softmax(z) − posterior
 * (the shared recursion's), chained through z: ∂ℓ/∂p = (softmax(z) − posterior) / (p + ε).
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { LossError, type Tensor, out } from '../tensor.js';
import { pyShape } from '../classification/layout.js';
import { ctcSequence, logSoftmaxRows } from './ctc.js';
import { intValues } from './lengths.js';

const EPSILON = 1e-7; // keras.backend.epsilon()

function column(t: Tensor, name: string, batch: number): Float64Array {
  // tf.squeeze(x, axis=-1) needs a trailing axis of size 1.
  if (t.shape.length === 0 || t.shape[t.shape.length - 1] !== 1) {
    throw new LossError(`Can not squeeze dim[${t.shape.length - 1}], expected a dimension of 1, got ${t.shape[t.shape.length - 1] ?? 'none'} (${name} must be a (batch, 1) column, shape ${pyShape(t.shape)})`);
  }
  if (t.size !== batch) throw new LossError(`${name} holds ${t.size} lengths for ${batch} sequences`);
  return intValues(t);
}

export const kerasCtcBatchCost: ApiImpl = (a, want) => {
  const yTrue = a.tensor('y_true');
  const yPred = a.tensor('y_pred');
  if (yPred.shape.length !== 3) throw new LossError(`y_pred must be (samples, time_steps, num_categories) softmax outputs, got shape ${pyShape(yPred.shape)}`);
  if (yTrue.shape.length !== 2) throw new LossError(`y_true must be (samples, max_string_length) labels, got shape ${pyShape(yTrue.shape)}`);
  const [B, T, C] = yPred.shape as [number, number, number];
  if (yTrue.shape[0] !== B) throw new LossError(`y_true holds ${yTrue.shape[0]} sequences but y_pred holds ${B}`);
  const inputLength = column(a.tensor('input_length'), 'input_length', B);
  const labelLength = column(a.tensor('label_length'), 'label_length', B);
  const S = yTrue.shape[1]!;
  const labels = intValues(yTrue);
  const blank = C - 1;
  for (let b = 0; b < B; b++) {
    const n = labelLength[b]!;
    const f = inputLength[b]!;
    if (n < 0 || n > S) throw new LossError(`label_length[${b}] = ${n} is outside [0, ${S}] (the labels' padded length)`);
    if (f < 0 || f > T) throw new LossError(`sequence_length(${b}) <= ${T} (input_length[${b}] = ${f} exceeds the time steps)`);
    const row = Array.from(labels.subarray(b * S, b * S + n)).join(',');
    for (let i = 0; i < n; i++) {
      const y = labels[b * S + i]!;
      if (y < 0) throw new LossError(`All labels must be nonnegative integers, batch: ${b} labels: ${row}`);
      if (y >= C) throw new LossError(`No label may be greater than num_classes. num_classes: ${C}, batch: ${b} labels: ${row}`);
    }
    // The CTCLoss op only checks labels ≤ frames; repeats that need more frames give +inf.
    if (f < n) {
      throw new LossError(
        `Not enough time for target transition sequence (required: ${n}, available: ${f})${b}You can turn this error into a warning by using the flag ignore_longer_outputs_than_inputs`,
      );
    }
  }
  const p = yPred.data;
  const z = new Float64Array(yPred.size);
  for (let i = 0; i < z.length; i++) z[i] = Math.log(p[i]! + EPSILON);
  const lp = logSoftmaxRows(z, B * T, C);
  const grad = want.grad ? new Float64Array(yPred.size) : null;
  const losses = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const seq = { lp, base: b * T * C, timeStride: C, frames: inputLength[b]!, labels, labelOffset: b * S, labelCount: labelLength[b]!, blank };
    losses[b] = ctcSequence(seq, grad, 1, C);
  }
  if (grad !== null) for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! / (p[i]! + EPSILON);
  const result: KernelResult = { value: out([B, 1], losses) };
  if (grad !== null) result.grad = out(yPred.shape, grad);
  if (want.perSample) result.perSample = out([B], losses);
  return result;
};
