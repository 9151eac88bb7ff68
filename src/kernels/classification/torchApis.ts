/**
 * torch and torchvision classification losses: binary_cross_entropy, its with-logits form,
 * cross_entropy, nll_loss (and the deprecated NLLLoss2d), multilabel_soft_margin_loss and
 * torchvision.ops.sigmoid_focal_loss, computed as torch 1.13 / torchvision 0.14 compute them.
 */
import type { ApiImpl, KernelResult, Want } from '../api.js';
import { broadcastPair, torchSize } from '../pointwise.js';
import { checkTorchReduction, reduceTorch, reduceTorchSum, type TorchReduction } from '../reduce.js';
import { LossError, type Tensor, broadcastIndex, broadcastShapes, expandTo, numel, out, shapeEquals } from '../tensor.js';
import {
  logSigmoidCrossEntropy,
  torchBceWithLogits,
  torchBceWithLogitsSum,
  torchBinaryCrossEntropy,
  torchBinaryCrossEntropySum,
} from './binaryCrossEntropy.js';
import { softmaxIndexLoss, softmaxIndexSumPlain, softmaxProbabilityLoss } from './crossEntropy.js';
import { torchvisionFocal } from './focal.js';
import { type ClassLayout, layoutAt, positions, scaleByPosition, torchClassAxis, torchList, torchTypeName, toFloat64 } from './layout.js';
import { checkTorchIndexTargets, inPlaceOperand, nllIndexLoss, nllIndexSum, nllLayout, reduceWeightedMean, requireFloatInput } from './torchNll.js';
import { versionAtLeast } from './version.js';

/** Packs elementwise losses and their gradient into a result with torch's reduction applied. */
function reduceElementwise(
  losses: Float64Array,
  grad: Float64Array | null,
  shape: readonly number[],
  reduction: TorchReduction,
  want: Want,
): KernelResult {
  const reduced = reduceTorch(losses, shape, reduction);
  const result: KernelResult = { value: reduced.value };
  if (want.perSample) result.perSample = out(shape, losses);
  if (grad !== null) {
    const s = reduced.scale as number;
    if (s !== 1) for (let i = 0; i < grad.length; i++) grad[i]! *= s;
    result.grad = out(shape, grad);
  }
  return result;
}

/** The value of a 'mean' / 'sum' reduction computed in the loss loop itself. */
function fusedReduction(total: number, count: number, reduction: 'mean' | 'sum'): KernelResult {
  return { value: reduceTorchSum(total, count, reduction) };
}

// ------------------------------------------------------------------------------ binary_cross_entropy

/** F.binary_cross_entropy / nn.BCELoss. */
export const binaryCrossEntropy: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  const target = a.tensor('target');
  const weight = a.optTensor('weight');
  const reduction = checkTorchReduction(a.string('reduction'));
  if (!shapeEquals(input.shape, target.shape)) {
    throw new LossError(
      `Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}) is deprecated. ` +
        'Please ensure they have the same size.',
    );
  }
  requireFloatInput(input, 'input');
  if (target.dtype !== input.dtype) {
    throw new LossError(`Found dtype ${torchTypeName(target.dtype)} but expected ${torchTypeName(input.dtype)}`);
  }
  const w = weight === null ? null : inPlaceOperand(weight, input.shape);
  if (w === null && !want.grad && !want.perSample && reduction !== 'none') {
    return fusedReduction(torchBinaryCrossEntropySum(input.data, target.data, input.size), input.size, reduction);
  }
  const losses = new Float64Array(input.size);
  const grad = want.grad ? new Float64Array(input.size) : null;
  torchBinaryCrossEntropy(input.data, target.data, w, losses, grad);
  return reduceElementwise(losses, grad, input.shape, reduction, want);
};

/** F.binary_cross_entropy_with_logits / nn.BCEWithLogitsLoss. */
export const binaryCrossEntropyWithLogits: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  const target = a.tensor('target');
  const weight = a.optTensor('weight');
  const posWeight = a.optTensor('pos_weight');
  const reduction = checkTorchReduction(a.string('reduction'));
  if (!shapeEquals(input.shape, target.shape)) {
    throw new LossError(`Target size (${torchSize(target.shape)}) must be the same as input size (${torchSize(input.shape)})`);
  }
  requireFloatInput(input, 'input');
  if (target.dtype !== 'float32' && target.dtype !== 'float64') {
    throw new LossError(`result type ${torchTypeName(input.dtype)} can't be cast to the desired output type ${torchTypeName(target.dtype)}`);
  }
  const pw = posWeight === null ? null : inPlaceOperand(posWeight, input.shape);
  const w = weight === null ? null : inPlaceOperand(weight, input.shape);
  if (pw === null && w === null && !want.grad && !want.perSample && reduction !== 'none') {
    return fusedReduction(torchBceWithLogitsSum(input.data, target.data, input.size), input.size, reduction);
  }
  const losses = new Float64Array(input.size);
  const grad = want.grad ? new Float64Array(input.size) : null;
  torchBceWithLogits(input.data, target.data, pw, w, losses, grad);
  return reduceElementwise(losses, grad, input.shape, reduction, want);
};

// ------------------------------------------------------------------------------------ cross_entropy

/** F.cross_entropy / nn.CrossEntropyLoss: class-index or class-probability targets. */
export const crossEntropy: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  const target = a.tensor('target');
  const weight = a.optTensor('weight');
  const ignoreIndex = a.int('ignore_index');
  const reduction = checkTorchReduction(a.string('reduction'));
  const smoothing = a.number('label_smoothing');
  requireFloatInput(input, 'input');
  if (shapeEquals(input.shape, target.shape)) {
    // torch assumes class probabilities when the shapes agree.
    if (target.dtype !== 'float32' && target.dtype !== 'float64') {
      throw new LossError(`Expected floating point type for target with class probabilities, got ${torchTypeName(target.dtype)}`);
    }
    if (ignoreIndex >= 0) throw new LossError('ignore_index is not supported for floating point target');
    checkSmoothing(smoothing);
    return crossEntropyProbabilities(input, target, weight, reduction, smoothing > 0 ? smoothing : 0, want);
  }
  checkSmoothing(smoothing);
  return negativeLogLikelihood(input, target, weight, ignoreIndex, reduction, smoothing > 0 ? smoothing : 0, true, want);
};

function checkSmoothing(smoothing: number): void {
  // torch only checks (and applies) smoothing when it is positive; a negative value is ignored.
  if (smoothing > 0 && smoothing > 1) throw new LossError(`label_smoothing must be between 0.0 and 1.0. Got: ${smoothing}`);
}

function crossEntropyProbabilities(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  reduction: TorchReduction,
  smoothing: number,
  want: Want,
): KernelResult {
  const layout = layoutAt(input.shape, torchClassAxis(input.shape.length));
  const C = layout.classes;
  if (weight !== null && (weight.shape.length !== 1 || weight.size !== C)) {
    throw new LossError(
      `cross_entropy: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${torchList(weight.shape)}`,
    );
  }
  const losses = new Float64Array(positions(layout));
  const grad = want.grad ? new Float64Array(input.size) : null;
  softmaxProbabilityLoss(
    input.data,
    target.data,
    layout,
    { weight: weight === null ? null : toFloat64(weight), smoothing, skipZeroTargets: false, gradient: 'exact' },
    losses,
    grad,
  );
  // The mean divides by the number of positions (numel / C), never by the weights.
  let value;
  let scale: number;
  if (reduction === 'none') {
    value = out(layout.positionShape, losses);
    scale = 1;
  } else {
    let s = 0;
    for (let i = 0; i < losses.length; i++) s += losses[i]!;
    const count = input.size === 0 ? NaN : input.size / C;
    value = out([], Float64Array.of(reduction === 'sum' ? s : s / count));
    scale = reduction === 'sum' ? 1 : 1 / count;
  }
  const result: KernelResult = { value };
  if (want.perSample) result.perSample = out(layout.positionShape, losses);
  if (grad !== null) {
    if (scale !== 1) for (let i = 0; i < grad.length; i++) grad[i]! *= scale;
    result.grad = out(input.shape, grad);
  }
  return result;
}

// ----------------------------------------------------------------------------------------- nll_loss

/** F.nll_loss / nn.NLLLoss: the input holds log-probabilities and is used as given. */
export const nllLoss: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  requireFloatInput(input, 'input');
  return negativeLogLikelihood(
    input,
    a.tensor('target'),
    a.optTensor('weight'),
    a.int('ignore_index'),
    checkTorchReduction(a.string('reduction')),
    0,
    false,
    want,
  );
};

/** nn.NLLLoss2d: NLLLoss under its deprecated name, with the warning torch prints at construction. */
export const nllLoss2d: ApiImpl = (a, want) => {
  const result = nllLoss(a, want);
  result.warnings = [
    'NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see ' +
      'https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.',
    ...(result.warnings ?? []),
  ];
  return result;
};

/** nll_loss_nd on log-probabilities, or (`softmax`) cross_entropy's log_softmax + nll_loss. */
function negativeLogLikelihood(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  ignoreIndex: number,
  reduction: TorchReduction,
  smoothing: number,
  softmax: boolean,
  want: Want,
): KernelResult {
  const layout = nllLayout(input, target, weight);
  checkTorchIndexTargets(input, target, weight, layout.classes, ignoreIndex);
  if (!want.perSample && !want.grad && reduction !== 'none') {
    const fused = softmax
      ? layout.inner === 1 && weight === null && smoothing === 0
        ? softmaxIndexSumPlain(input.data, target.data, layout.outer, layout.classes, ignoreIndex)
        : null
      : nllIndexSum(input.data, target.data, layout, weight === null ? null : toFloat64(weight), ignoreIndex);
    // Same value as reduceWeightedMean over the buffer: the sum, or the sum over Σ w (NaN when 0/0).
    if (fused !== null) return { value: reduceTorchSum(fused.total, fused.weight, reduction) };
  }
  const losses = new Float64Array(positions(layout));
  const grad = want.grad ? new Float64Array(input.size) : null;
  const w = weight === null ? null : toFloat64(weight);
  const totalWeight = softmax
    ? softmaxIndexLoss(input.data, target.data, layout, { weight: w, ignoreIndex, smoothing }, losses, grad)
    : nllIndexLoss(input.data, target.data, layout, w, ignoreIndex, losses, grad);
  const reduced = reduceWeightedMean(losses, layout.positionShape, reduction, totalWeight);
  const result: KernelResult = { value: reduced.value };
  if (want.perSample) result.perSample = out(layout.positionShape, losses);
  if (grad !== null) {
    scaleByPosition(grad, layout, reduced.scale);
    // torch writes 0 for ignored positions; scaling them by 1/0 (everything ignored) would give NaN.
    if (!Number.isFinite(reduced.scale)) zeroIgnored(grad, target.data, layout, ignoreIndex);
    result.grad = out(input.shape, grad);
  }
  return result;
}

function zeroIgnored(grad: Float64Array, labels: ArrayLike<number>, layout: ClassLayout, ignoreIndex: number): void {
  const { outer, classes, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      if (labels[o * inner + i] !== ignoreIndex) continue;
      for (let c = 0; c < classes; c++) grad[(o * classes + c) * inner + i] = 0;
    }
  }
}

// ------------------------------------------------------------------------ multilabel_soft_margin_loss

/**
 * F.multilabel_soft_margin_loss: −[y·log σ(x) + (1 − y)·log σ(−x)], times weight, summed over
 * the input's last dimension and divided by its size C, then reduced. Target and weight
 * broadcast (torch does not insist on equal shapes here).
 */
export const multilabelSoftMarginLoss: ApiImpl = (a, want) => {
  const input = a.tensor('input');
  const target = a.tensor('target');
  const weight = a.optTensor('weight');
  const reduction = a.string('reduction');
  requireFloatInput(input, 'input');
  if (input.shape.length === 0) throw new LossError('Dimension specified as -1 but tensor has no dimensions');
  const b = broadcastPair(input, target);
  const losses = new Float64Array(b.x.length);
  const grad = want.grad ? new Float64Array(b.x.length) : null;
  logSigmoidCrossEntropy(b.x, b.y, losses, grad);
  if (weight === null) return finishMultilabel(losses, grad, b.shape, input, b.xIndex, reduction, want);
  // loss * weight is not in place, so the weight may enlarge the result.
  const shape = broadcastShapes(b.shape, weight.shape);
  const lossAt = broadcastIndex(b.shape, shape);
  const w = expandTo(weight, shape);
  const weighted = new Float64Array(numel(shape));
  const weightedGrad = grad === null ? null : new Float64Array(weighted.length);
  for (let i = 0; i < weighted.length; i++) {
    const j = lossAt === undefined ? i : lossAt[i]!;
    weighted[i] = losses[j]! * w[i]!;
    if (weightedGrad !== null) weightedGrad[i] = grad![j]! * w[i]!;
  }
  return finishMultilabel(weighted, weightedGrad, shape, input, composeIndex(b.xIndex, lossAt, weighted.length), reduction, want);
};

/** Maps result elements to prediction elements through two successive broadcasts. */
function composeIndex(first: Int32Array | undefined, second: Int32Array | undefined, size: number): Int32Array | undefined {
  if (second === undefined) return first;
  const idx = new Int32Array(size);
  for (let i = 0; i < size; i++) idx[i] = first === undefined ? second[i]! : first[second[i]!]!;
  return idx;
}

function finishMultilabel(
  losses: Float64Array,
  grad: Float64Array | null,
  shape: readonly number[],
  input: Tensor,
  xIndex: Int32Array | undefined,
  reduction: string,
  want: Want,
): KernelResult {
  // torch sums over dim input.dim() − 1 of the (possibly broadcast) loss and divides by the input's C.
  const axis = input.shape.length - 1;
  const C = input.shape[axis]!;
  const layout = layoutAt(shape, axis);
  const perSample = new Float64Array(positions(layout));
  for (let o = 0; o < layout.outer; o++) {
    for (let i = 0; i < layout.inner; i++) {
      let s = 0;
      for (let c = 0; c < layout.classes; c++) s += losses[(o * layout.classes + c) * layout.inner + i]!;
      perSample[o * layout.inner + i] = s / C;
    }
  }
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new LossError(`${reduction} is not valid`);
  const reduced = reduceTorch(perSample, layout.positionShape, reduction);
  const result: KernelResult = { value: reduced.value };
  if (want.perSample) result.perSample = out(layout.positionShape, perSample);
  if (grad !== null) {
    const s = (reduced.scale as number) / C;
    for (let i = 0; i < grad.length; i++) grad[i]! *= s;
    const g = xIndex === undefined ? grad : accumulate(grad, xIndex, input.size);
    result.grad = out(input.shape, g);
  }
  return result;
}

function accumulate(grad: Float64Array, index: Int32Array, size: number): Float64Array {
  const g = new Float64Array(size);
  for (let i = 0; i < grad.length; i++) g[index[i]!] += grad[i]!;
  return g;
}

// -------------------------------------------------------------------------------- torchvision focal

/**
 * torchvision.ops.sigmoid_focal_loss. torchvision 0.14 (the reference) returns the unreduced
 * losses for any reduction other than 'mean' or 'sum'; from 0.15 an unknown reduction raises.
 */
export const torchvisionSigmoidFocalLoss: ApiImpl = (a, want) => {
  const inputs = a.tensor('inputs');
  const targets = a.tensor('targets');
  const alpha = a.number('alpha');
  const gamma = a.number('gamma');
  const reduction = a.string('reduction');
  if (!shapeEquals(inputs.shape, targets.shape)) {
    throw new LossError(`Target size (${torchSize(targets.shape)}) must be the same as input size (${torchSize(inputs.shape)})`);
  }
  requireFloatInput(inputs, 'inputs');
  if (targets.dtype !== 'float32' && targets.dtype !== 'float64') {
    throw new LossError(
      `result type ${torchTypeName(inputs.dtype)} can't be cast to the desired output type ${torchTypeName(targets.dtype)}`,
    );
  }
  const known = reduction === 'none' || reduction === 'mean' || reduction === 'sum';
  if (!known && a.version !== undefined && versionAtLeast(a.version, '0.15')) {
    throw new LossError(`Invalid Value for arg 'reduction': '${reduction} \n Supported reduction modes: 'none', 'mean', 'sum'`);
  }
  const losses = new Float64Array(inputs.size);
  const grad = want.grad ? new Float64Array(inputs.size) : null;
  torchvisionFocal(inputs.data, targets.data, alpha, gamma, losses, grad);
  return reduceElementwise(losses, grad, inputs.shape, known ? (reduction as TorchReduction) : 'none', want);
};

/** The implementations of this module, keyed by catalog id. */
export const torchImplementations: Record<string, ApiImpl> = {
  'torch.nn.BCELoss': binaryCrossEntropy,
  'torch.nn.functional.binary_cross_entropy': binaryCrossEntropy,
  'torch.nn.BCEWithLogitsLoss': binaryCrossEntropyWithLogits,
  'torch.nn.functional.binary_cross_entropy_with_logits': binaryCrossEntropyWithLogits,
  'torch.nn.CrossEntropyLoss': crossEntropy,
  'torch.nn.functional.cross_entropy': crossEntropy,
  'torch.nn.NLLLoss': nllLoss,
  'torch.nn.functional.nll_loss': nllLoss,
  'torch.nn.NLLLoss2d': nllLoss2d,
  'torch.nn.MultiLabelSoftMarginLoss': multilabelSoftMarginLoss,
  'torch.nn.functional.multilabel_soft_margin_loss': multilabelSoftMarginLoss,
  'torchvision.ops.sigmoid_focal_loss': torchvisionSigmoidFocalLoss,
};

