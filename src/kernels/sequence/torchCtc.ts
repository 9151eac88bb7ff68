/**
 * torch.nn.CTCLoss / torch.nn.functional.ctc_loss as torch 1.13 computes them on the CPU:
 * argument checks in torch's order and wording, per-sequence negative log-likelihoods,
 * zero_infinity, and the 'mean' reduction that divides each loss by its clamped target length
 * before averaging over the batch.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { checkTorchReduction } from '../reduce.js';
import { LossError, out, scalar } from '../tensor.js';
import { torchTypeName } from '../classification/layout.js';
import { ctcSequence } from './ctc.js';
import { intValues, readLengths } from './lengths.js';

const WHERE = '(while checking arguments for ctc_loss_cpu)';

export const torchCtcLoss: ApiImpl = (a, want) => {
  const logProbs = a.tensor('log_probs');
  const targets = a.tensor('targets');
  const blank = a.int('blank');
  const reduction = checkTorchReduction(a.string('reduction'));
  const zeroInfinity = a.bool('zero_infinity');
  const inputLengths = readLengths(a.raw('input_lengths'), 'input_lengths');
  const targetLengths = readLengths(a.raw('target_lengths'), 'target_lengths');

  if (inputLengths.tensor !== targetLengths.tensor) {
    throw new LossError(
      'ctc_loss() received an invalid combination of arguments: input_lengths and target_lengths must both be tensors or both be tuples of ints',
    );
  }
  if (inputLengths.tensor) {
    if (!isIntegral(inputLengths.dtype)) throw new LossError('input_lengths must be integral');
    if (!isIntegral(targetLengths.dtype)) throw new LossError('target_lengths must be integral');
  }
  if (logProbs.dtype !== 'float32' && logProbs.dtype !== 'float64') {
    throw new LossError(`"ctc_loss_cpu" not implemented for '${torchTypeName(logProbs.dtype)}'`);
  }
  const batched = logProbs.shape.length === 3;
  const dims = batched ? 3 : logProbs.shape.length + 1;
  if (dims !== 3) {
    throw new LossError(`Expected 3-dimensional tensor, but got ${dims}-dimensional tensor for argument #1 'log_probs' ${WHERE}`);
  }
  if (targets.shape.length < 1 || targets.shape.length > 2) {
    throw new LossError(`Expected 1 to 2 dimensions, but got ${targets.shape.length}-dimensional tensor for argument #2 'targets' ${WHERE}`);
  }
  const T = logProbs.shape[0]!;
  const N = batched ? logProbs.shape[1]! : 1;
  const C = logProbs.shape[batched ? 2 : 1]!;
  if (!(blank >= 0 && blank < C)) throw new LossError('blank must be in label range');
  const il = inputLengths.values;
  const tl = targetLengths.values;
  if (il.length !== N) throw new LossError('input_lengths must be of size batch_size');
  if (tl.length !== N) throw new LossError('target_lengths must be of size batch_size');

  const labels = intValues(targets);
  const offsets = new Array<number>(N);
  let maxTarget = 0;
  for (let b = 0; b < N; b++) {
    if (tl[b]! < 0 || il[b]! < 0) {
      throw new LossError(`negative ${tl[b]! < 0 ? 'target' : 'input'} length ${tl[b]! < 0 ? tl[b] : il[b]} for sequence ${b}: torch does not check this and returns garbage; Loss Lens refuses it`);
    }
    if (tl[b]! > maxTarget) maxTarget = tl[b]!;
  }
  if (targets.shape.length === 1) {
    let pos = 0;
    for (let b = 0; b < N; b++) {
      offsets[b] = pos;
      pos += tl[b]!;
    }
    if (targets.shape[0] !== pos) {
      throw new LossError(`Expected tensor to have size ${pos} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets' ${WHERE}`);
    }
  } else {
    const stride = targets.shape[1]!;
    for (let b = 0; b < N; b++) offsets[b] = b * stride;
    if (targets.shape[0] !== N) {
      throw new LossError(`Expected tensor to have size ${N} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets' ${WHERE}`);
    }
    if (stride < maxTarget) {
      throw new LossError(
        `Expected tensor to have size at least ${maxTarget} at dimension 1, but got size ${stride} for argument #2 'targets' ${WHERE}`,
      );
    }
  }
  for (let b = 0; b < N; b++) {
    if (il[b]! > T) throw new LossError(`Expected input_lengths to have value at most ${T}, but got value ${il[b]} ${WHERE}`);
  }
  for (let b = 0; b < N; b++) {
    for (let i = 0; i < tl[b]!; i++) {
      const y = labels[offsets[b]! + i]!;
      if (y < 0 || y >= C) {
        throw new LossError(`target ${y} of sequence ${b} is outside [0, ${C}): torch reads out of bounds there (undefined result); Loss Lens refuses it`);
      }
    }
  }

  // ∂(reduced)/∂(per-sequence loss).
  const scales = new Float64Array(N);
  for (let b = 0; b < N; b++) scales[b] = reduction === 'mean' ? 1 / (N * Math.max(tl[b]!, 1)) : 1;
  const grad = want.grad ? new Float64Array(logProbs.size) : null;
  const losses = new Float64Array(N);
  for (let b = 0; b < N; b++) {
    const seq = { lp: logProbs.data, base: b * C, timeStride: N * C, frames: il[b]!, labels, labelOffset: offsets[b]!, labelCount: tl[b]!, blank };
    let nll = ctcSequence(seq, grad, scales[b]!, C);
    if (zeroInfinity && nll === Infinity) {
      nll = 0;
      if (grad !== null) for (let t = 0; t < il[b]!; t++) grad.fill(0, t * N * C + b * C, t * N * C + (b + 1) * C);
    }
    losses[b] = nll;
  }

  let value;
  if (reduction === 'none') value = batched ? out([N], losses) : scalar(losses[0]!);
  else if (reduction === 'sum') value = scalar(sumOf(losses));
  else {
    let s = 0;
    for (let b = 0; b < N; b++) s += losses[b]! / Math.max(tl[b]!, 1);
    value = scalar(s / N);
  }
  const result: KernelResult = { value };
  if (grad !== null) result.grad = out(logProbs.shape, grad);
  if (want.perSample) result.perSample = batched ? out([N], losses) : scalar(losses[0]!);
  return result;
};

function isIntegral(dtype: string | undefined): boolean {
  return dtype === 'int32' || dtype === 'int64';
}

function sumOf(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}
