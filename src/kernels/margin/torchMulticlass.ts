/**
 * PyTorch 1.13's multi-class margin losses, as their CPU kernels compute them:
 *
 *  - multi_margin_loss: per sample Σ_{j≠y} w[y]·max(0, margin − x_y + x_j)^p / C, where the
 *    weight multiplies after the power and C counts the true class too;
 *  - multilabel_margin_loss: per sample Σ_{targets t} Σ_{non-targets j} max(0, 1 − x_t + x_j) / C,
 *    targets read up to the first −1 (a repeated target counts twice).
 *
 * Both test `z > 0`, so a NaN score is silently skipped. The batch 'mean' divides by the number
 * of samples. torch 1.13 returns an uninitialised number for 'mean'/'sum' of an empty batch;
 * Loss Lens gives NaN and 0 instead.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { checkTorchReduction } from '../reduce.js';
import { LossError, type Tensor, out, scalar } from '../tensor.js';
import { TORCH_TYPE, isIntegral, torchList } from './common.js';

/** The (frames, classes) view of a 0-, 1- or 2-D input, with torch's shape check. */
function frames(input: Tensor): { nframe: number; dim: number } {
  const nd = input.shape.length;
  const ok = (nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0;
  if (!ok) {
    throw new LossError(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${torchList(input.shape)}`);
  }
  return { nframe: nd <= 1 ? 1 : input.shape[0]!, dim: nd === 0 ? 1 : input.shape[nd - 1]! };
}

function requireLong(t: Tensor): void {
  if (t.dtype !== 'int64') throw new LossError(`expected scalar type Long but found ${TORCH_TYPE[t.dtype]}`);
}

/** Batch reduction of per-frame losses; ∂/∂frame value is returned as `scale`. */
function reduceFrames(values: Float64Array, noneShape: number[], reduction: 'none' | 'mean' | 'sum'): { value: KernelResult['value']; scale: number } {
  if (reduction === 'none') return { value: out(noneShape, values), scale: 1 };
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  if (reduction === 'sum') return { value: scalar(s), scale: 1 };
  return { value: scalar(s / values.length), scale: 1 / values.length };
}

/** multi_margin_loss / MultiMarginLoss. */
const multiMarginLoss: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  const target = a.tensor('target');
  const weight = a.optTensor('weight');
  const p = a.int('p');
  const margin = a.number('margin');
  const reduction = checkTorchReduction(a.string('reduction'));
  if (p !== 1 && p !== 2) throw new LossError('only p == 1 and p == 2 supported');
  if (weight !== null && weight.shape.length !== 1) throw new LossError('weight must be one-dimensional');
  const { nframe, dim } = frames(input);
  if (target.shape.length > 1 || target.size !== nframe) throw new LossError(`inconsistent target size, got: ${torchList(target.shape)}`);
  if (isIntegral(input)) throw new LossError(`"multi_margin_loss_cpu_kernel" not implemented for '${TORCH_TYPE[input.dtype]}'`);
  requireLong(target);
  if (weight !== null && weight.dtype !== input.dtype) {
    throw new LossError(`expected scalar type ${TORCH_TYPE[input.dtype]} but found ${TORCH_TYPE[weight.dtype]}`);
  }
  const x = input.data;
  const y = target.data;
  const w = weight?.data ?? null;
  const values = new Float64Array(nframe);
  for (let f = 0; f < nframe; f++) {
    const label = y[f]!;
    if (label < 0 || label >= dim) throw new LossError('target out of range');
    // torch reads weight[target] without checking the weight's length; Loss Lens refuses to read past it.
    if (w !== null && label >= w.length) {
      throw new LossError(`weight has ${w.length} elements, so target ${label} reads past its end (torch would read uninitialised memory)`);
    }
    const row = f * dim;
    const xy = x[row + label]!;
    const wy = w === null ? 1 : w[label]!;
    let s = 0;
    for (let d = 0; d < dim; d++) {
      if (d === label) continue;
      const z = margin - xy + x[row + d]!;
      if (z > 0) s += (p === 1 ? z : z * z) * wy;
    }
    values[f] = s / dim;
  }
  const reduced = reduceFrames(values, target.shape.length > 0 ? [nframe] : [], reduction);
  const result: KernelResult = { value: reduced.value, perSample: out(target.shape.length > 0 ? [nframe] : [], values) };
  if (want.grad) {
    const grad = new Float64Array(input.size);
    const g = reduced.scale / dim;
    for (let f = 0; f < nframe; f++) {
      const label = y[f]!;
      const row = f * dim;
      const xy = x[row + label]!;
      const wy = w === null ? 1 : w[label]!;
      for (let d = 0; d < dim; d++) {
        if (d === label) continue;
        const z = margin - xy + x[row + d]!;
        if (!(z > 0)) continue;
        const h = (p === 1 ? g : 2 * g * z) * wy;
        grad[row + d] += h;
        grad[row + label] -= h;
      }
    }
    result.grad = out([...input.shape], grad);
  }
  return result;
};

/** multilabel_margin_loss / MultiLabelMarginLoss. */
const multilabelMarginLoss: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  const target = a.tensor('target');
  const reduction = checkTorchReduction(a.string('reduction'));
  const { nframe, dim } = frames(input);
  const nd = input.shape.length;
  const targetOk =
    nd <= 1
      ? target.shape.length <= 1 && target.size === dim
      : target.shape.length === 2 && target.shape[0] === nframe && target.shape[1] === dim;
  if (!targetOk) throw new LossError(`inconsistent size ${torchList(target.shape)} for argument #2 'target'`);
  requireLong(target);
  const y = target.data;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! < -1 || y[i]! >= dim) throw new LossError("argument #2 'target' is out of range");
  }
  if (isIntegral(input)) throw new LossError(`"multilabel_margin_loss_forward_out_frame" not implemented for '${TORCH_TYPE[input.dtype]}'`);
  const x = input.data;
  const values = new Float64Array(nframe);
  const isTarget = new Uint8Array(dim);
  // Targets of one frame: the entries before the first −1.
  const count = (row: number): number => {
    let k = 0;
    while (k < dim && y[row + k]! >= 0) k++;
    return k;
  };
  for (let f = 0; f < nframe; f++) {
    const row = f * dim;
    const k = count(row);
    isTarget.fill(0);
    for (let j = 0; j < k; j++) isTarget[y[row + j]!] = 1;
    let s = 0;
    for (let j = 0; j < k; j++) {
      const xt = x[row + y[row + j]!]!;
      for (let d = 0; d < dim; d++) {
        if (isTarget[d]) continue;
        const z = 1 - xt + x[row + d]!;
        if (z > 0) s += z;
      }
    }
    values[f] = s / dim;
  }
  const noneShape = nd <= 1 ? [] : [nframe];
  const reduced = reduceFrames(values, noneShape, reduction);
  const result: KernelResult = { value: reduced.value, perSample: out(noneShape, values) };
  if (want.grad) {
    const grad = new Float64Array(input.size);
    const g = reduced.scale / dim;
    for (let f = 0; f < nframe; f++) {
      const row = f * dim;
      const k = count(row);
      isTarget.fill(0);
      for (let j = 0; j < k; j++) isTarget[y[row + j]!] = 1;
      for (let j = 0; j < k; j++) {
        const t = y[row + j]!;
        const xt = x[row + t]!;
        for (let d = 0; d < dim; d++) {
          if (isTarget[d]) continue;
          if (1 - xt + x[row + d]! > 0) {
            grad[row + t] -= g;
            grad[row + d] += g;
          }
        }
      }
    }
    result.grad = out([...input.shape], grad);
  }
  return result;
};

/** The implementations of this module, keyed by catalog id. */
export const torchMulticlassImplementations: Record<string, ApiImpl> = {
  'torch.nn.MultiMarginLoss': multiMarginLoss,
  'torch.nn.functional.multi_margin_loss': multiMarginLoss,
  'torch.nn.MultiLabelMarginLoss': multilabelMarginLoss,
  'torch.nn.functional.multilabel_margin_loss': multilabelMarginLoss,
};
