/**
 * PyTorch 1.13's elementwise margin-group losses: kl_div, hinge_embedding_loss,
 * soft_margin_loss and margin_ranking_loss, as their ATen kernels compute them.
 *
 * Each computes a loss per element of the broadcast operands, then torch's reduction. The
 * gradient is taken with respect to the first argument (`input`, or `input1` for the ranking
 * loss) and summed back over any broadcast dimension. clamp_min passes the gradient at a tie
 * (self ≥ min), as torch's clamp backward does.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import type { Args } from '../args.js';
import { type TorchReduction, checkTorchReduction, reduceTorch, reduceTorchSum } from '../reduce.js';
import { LossError, type NumericArray, broadcastShapes, numel, out, scalar, shapeEquals, sum } from '../tensor.js';
import { simdKlSum, simdSoftMarginSum } from '../wasm/simd.js';
import { TORCH_TYPE, gatherTo, isIntegral, relu, sumToShape, torchList, torchSizeRepr } from './common.js';

/** torch's UserWarning for kl_div's default 'mean' reduction (torch's text, sentences run together). */
const KL_MEAN_WARNING =
  "reduction: 'mean' divides the total loss by both the batch size and the support size." +
  "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
  "'mean' will be changed to behave the same as 'batchmean' in the next major release.";

/** True when the caller used the deprecated size_average/reduce pair (then kl_div does not warn). */
function usedLegacyReduction(a: Args): boolean {
  return (a.isGiven('size_average') && a.raw('size_average') !== null) || (a.isGiven('reduce') && a.raw('reduce') !== null);
}

/**
 * Reduces elementwise values the torch way and finishes the result: `local[i]` is
 * ∂values[i]/∂prediction at broadcast position i; it is scaled by the reduction and summed
 * back onto the prediction's own shape.
 */
function finish(
  values: Float64Array,
  shape: number[],
  reduction: TorchReduction,
  local: Float64Array | null,
  predictionShape: readonly number[],
  warnings: string[] = [],
): KernelResult {
  const reduced = reduceTorch(values, shape, reduction);
  const result: KernelResult = { value: reduced.value, perSample: out(shape, values) };
  if (warnings.length > 0) result.warnings = warnings;
  if (local !== null) {
    const s = reduced.scale as number;
    if (s !== 1) for (let i = 0; i < local.length; i++) local[i]! *= s;
    result.grad = out([...predictionShape], sumToShape(local, shape, predictionShape));
  }
  return result;
}

/**
 * True when only the reduced value is wanted and no operand broadcasts: then the loss is summed
 * in its loop and no element-sized buffer is allocated (a fresh 80 MB buffer costs more in page
 * faults than the arithmetic).
 */
function summedOnly(want: { grad: boolean; perSample: boolean }, reduction: string, ...shapes: (readonly number[])[]): boolean {
  if (want.grad || want.perSample || reduction === 'none') return false;
  return shapes.every((s) => shapeEquals(s, shapes[0]!));
}

/** The 'mean' / 'sum' value of a summed loss over n elements (mean of nothing is NaN, as in torch). */
function summedValue(total: number, n: number, reduction: TorchReduction, warnings: string[] = []): KernelResult {
  // summedOnly() has ruled out 'none'.
  const result: KernelResult = { value: reduceTorchSum(total, n, reduction === 'sum' ? 'sum' : 'mean') };
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}

/** torch's xlogy(x, x): 0 at x = 0, NaN for NaN or negative x. */
function xlogx(x: number): number {
  if (x !== x) return NaN;
  return x === 0 ? 0 : x * Math.log(x);
}

/**
 * kl_div / KLDivLoss on log-probability input: xlogy(t, t) − t·x (torch 1.13), or
 * exp(t)·(t − x) when log_target. 'batchmean' sums and divides by input.size(0) (not for 0-d
 * input); 'mean' divides by every element and warns.
 */
const klDiv: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  const target = a.tensor('target');
  const rawReduction = a.string('reduction');
  if (isIntegral(input) || isIntegral(target)) throw new LossError('kl_div: Integral inputs not supported.');
  const logTarget = a.bool('log_target');
  const legacy = usedLegacyReduction(a);
  const shape = broadcastShapes(input.shape, target.shape);
  const warnings = !legacy && rawReduction === 'mean' ? [KL_MEAN_WARNING] : [];
  if (summedOnly(want, rawReduction, input.shape, target.shape)) {
    const total = klDivSum(input.data, target.data, input.size, logTarget);
    if (rawReduction !== 'batchmean') return summedValue(total, input.size, checkTorchReduction(rawReduction), warnings);
    return { value: scalar(total / (input.shape.length === 0 ? 1 : input.shape[0]!)) };
  }
  const x = gatherTo(input, shape);
  const t = gatherTo(target, shape);
  const n = x.length;
  const values = new Float64Array(n);
  const local = want.grad ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    if (logTarget) {
      const p = Math.exp(ti);
      values[i] = p * (ti - x[i]!);
      if (local !== null) local[i] = -p;
    } else {
      values[i] = xlogx(ti) - ti * x[i]!;
      if (local !== null) local[i] = -ti;
    }
  }
  if (rawReduction !== 'batchmean') {
    return finish(values, shape, checkTorchReduction(rawReduction), local, input.shape, warnings);
  }
  // batchmean: the sum divided by the input's first dimension (a 0-d input is not divided).
  const divisor = input.shape.length === 0 ? 1 : input.shape[0]!;
  const result: KernelResult = { value: scalar(sum(values) / divisor), perSample: out(shape, values) };
  if (local !== null) {
    for (let i = 0; i < n; i++) local[i]! /= divisor;
    result.grad = out([...input.shape], sumToShape(local, shape, input.shape));
  }
  return result;
};

/** Σ of kl_div's pointwise terms over same-shaped operands: SIMD when it serves, else this loop. */
function klDivSum(x: NumericArray, t: NumericArray, n: number, logTarget: boolean): number {
  const fast = simdKlSum(x, t, n, logTarget);
  if (fast !== null) return fast;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    total += logTarget ? Math.exp(ti) * (ti - x[i]!) : xlogx(ti) - ti * x[i]!;
  }
  return total;
}

/**
 * hinge_embedding_loss / HingeEmbeddingLoss: [y ≠ 1]·max(0, margin − x) + [y ≠ −1]·x, so a
 * label other than ±1 gets both terms. An integer input keeps torch's integer arithmetic (the
 * margin is truncated) and cannot be averaged.
 */
const hingeEmbeddingLoss: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  const target = a.tensor('target');
  const reduction = checkTorchReduction(a.string('reduction'));
  let margin = a.number('margin');
  if (isIntegral(input)) {
    if (reduction === 'mean') {
      throw new LossError(
        `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${TORCH_TYPE[input.dtype]}`,
      );
    }
    margin = Math.trunc(margin);
  }
  const shape = broadcastShapes(input.shape, target.shape);
  if (summedOnly(want, reduction, input.shape, target.shape)) {
    return summedValue(hingeEmbeddingSum(input.data, target.data, input.size, margin), input.size, reduction);
  }
  const x = gatherTo(input, shape);
  const t = gatherTo(target, shape);
  const n = x.length;
  const values = new Float64Array(n);
  const local = want.grad ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const ti = t[i]!;
    let v = 0;
    let g = 0;
    if (ti !== 1) {
      const z = margin - xi;
      v += relu(z);
      if (z >= 0) g -= 1;
    }
    if (ti !== -1) {
      v += xi;
      g += 1;
    }
    values[i] = v;
    if (local !== null) local[i] = g;
  }
  return finish(values, shape, reduction, local, input.shape);
};

/**
 * Σ of hinge_embedding_loss over same-shaped operands. The common ±1 labels pick one term
 * without a branch (random labels mispredict): k = [y = 1] gives k·x + (1 − k)·max(0, margin − x),
 * exact for finite x; anything else (another label, a non-finite sum) takes the literal loop.
 */
function hingeEmbeddingSum(x: NumericArray, t: NumericArray, n: number, margin: number): number {
  let total = 0;
  let i = 0;
  for (; i < n; i++) {
    const ti = t[i]!;
    if (ti !== 1 && ti !== -1) break;
    const xi = x[i]!;
    const z = margin - xi;
    const k = +(ti === 1);
    total += k * xi + (1 - k) * (z > 0 ? z : 0);
  }
  if (i === n && Number.isFinite(total)) return total;
  total = 0;
  for (let j = 0; j < n; j++) {
    const xi = x[j]!;
    const ti = t[j]!;
    let v = 0;
    if (ti !== 1) v += relu(margin - xi);
    if (ti !== -1) v += xi;
    total += v;
  }
  return total;
}

/**
 * soft_margin_loss / SoftMarginLoss: log(1 + exp(−y·x)) computed naively, as torch does, so
 * −y·x beyond ~709 overflows to inf (and its gradient to NaN). The output has the input's
 * shape: the target may broadcast to it but not enlarge it.
 */
const softMarginLoss: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  const target = a.tensor('target');
  const reduction = checkTorchReduction(a.string('reduction'));
  const shape = broadcastShapes(input.shape, target.shape);
  if (!shapeEquals(shape, input.shape)) {
    throw new LossError(`output with shape ${torchList(input.shape)} doesn't match the broadcast shape ${torchList(shape)}`);
  }
  if (isIntegral(input)) {
    const resultType = isIntegral(target) ? 'Float' : TORCH_TYPE[target.dtype];
    throw new LossError(`result type ${resultType} can't be cast to the desired output type ${TORCH_TYPE[input.dtype]}`);
  }
  if (summedOnly(want, reduction, input.shape, target.shape)) {
    return summedValue(softMarginSum(input.data, target.data, input.size), input.size, reduction);
  }
  const x = input.data;
  const t = gatherTo(target, shape);
  const n = input.size;
  const values = new Float64Array(n);
  const local = want.grad ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    const z = Math.exp(-x[i]! * ti);
    values[i] = Math.log(1 + z);
    // torch's backward: −y·z/(1 + z), NaN once z overflows (inf/inf).
    if (local !== null) local[i] = (-ti * z) / (1 + z);
  }
  return finish(values, shape, reduction, local, input.shape);
};

/** Σ log(1 + exp(−y·x)) over same-shaped operands: SIMD when it serves, else this loop. */
function softMarginSum(x: NumericArray, t: NumericArray, n: number): number {
  const fast = simdSoftMarginSum(x, t, n);
  if (fast !== null) return fast;
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.log(1 + Math.exp(-x[i]! * t[i]!));
  return total;
}

/**
 * margin_ranking_loss / MarginRankingLoss: max(0, −y·(x₁ − x₂) + margin). All three tensors
 * must have the same number of dimensions; equal-rank tensors broadcast (torch 1.13).
 */
const marginRankingLoss: ApiImpl = (a, want) => {
  const input1 = a.tensor('input1');
  const input2 = a.tensor('input2');
  const target = a.tensor('target');
  const reduction = checkTorchReduction(a.string('reduction'));
  const margin = a.number('margin');
  const d = target.shape.length;
  if (input1.shape.length !== d || input2.shape.length !== d) {
    throw new LossError(
      'margin_ranking_loss : All input tensors should have same dimension but got sizes: ' +
        `input1: ${torchSizeRepr(input1.shape)}, input2: ${torchSizeRepr(input2.shape)}, target: ${torchSizeRepr(target.shape)} `,
    );
  }
  const shape = broadcastShapes(broadcastShapes(target.shape, input1.shape), input2.shape);
  const x1 = gatherTo(input1, shape);
  const x2 = gatherTo(input2, shape);
  const t = gatherTo(target, shape);
  const n = numel(shape);
  const values = new Float64Array(n);
  const local = want.grad ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    const z = -ti * (x1[i]! - x2[i]!) + margin;
    values[i] = relu(z);
    if (local !== null) local[i] = z >= 0 ? -ti : 0;
  }
  return finish(values, shape, reduction, local, input1.shape);
};

/** The implementations of this module, keyed by catalog id. */
export const torchElementwiseImplementations: Record<string, ApiImpl> = {
  'torch.nn.KLDivLoss': klDiv,
  'torch.nn.functional.kl_div': klDiv,
  'torch.nn.HingeEmbeddingLoss': hingeEmbeddingLoss,
  'torch.nn.functional.hinge_embedding_loss': hingeEmbeddingLoss,
  'torch.nn.SoftMarginLoss': softMarginLoss,
  'torch.nn.functional.soft_margin_loss': softMarginLoss,
  'torch.nn.MarginRankingLoss': marginRankingLoss,
  'torch.nn.functional.margin_ranking_loss': marginRankingLoss,
};
