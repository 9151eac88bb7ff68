/**
 * segmentation_models_pytorch's LovaszLoss (Berman et al. 2018, smp's port of the reference
 * code) and MCCLoss.
 *
 * Lovász: binary and multilabel modes use the Lovász hinge on logits, errors 1 − x·(2y − 1)
 * sorted in decreasing order and dotted (after relu) with the Lovász extension's gradient of
 * the Jaccard loss at the sorted ground truth; multiclass applies softmax over dim 1 and the
 * Lovász-softmax, |fg − p_c| per present class, averaged over the present classes. With
 * per_image the loss is computed per element of the first dimension and averaged. The loss
 * is piecewise linear in the errors, so the gradient is the sorted weights scattered back
 * through the permutation (relu' and |·|' are 0 at 0, as in torch). Ties in the errors are
 * broken by position (stable order); torch's sort may order tied elements differently, which
 * changes how the gradient is shared between them but never the value.
 *
 * smp quirks kept: from_logits is accepted but ignored; a 3-D multiclass prediction is read
 * as single-class (N, 1, C, L) and raises "Sigmoid output possible only with 1 class"; with
 * every pixel ignored the multiclass loss is an empty (0, C) tensor, and per image an empty
 * image after a non-empty one fails torch's in-place add.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { LossError, type Tensor, out } from '../tensor.js';
import { checkMode } from './smpCommon.js';

/** Lovász extension gradient of the Jaccard loss w.r.t. errors sorted in decreasing order. */
function lovaszGrad(gtSorted: Float64Array): Float64Array {
  const n = gtSorted.length;
  let gts = 0;
  for (let i = 0; i < n; i++) gts += gtSorted[i]!;
  const jac = new Float64Array(n);
  let cumGt = 0;
  let cumNeg = 0;
  for (let i = 0; i < n; i++) {
    cumGt += gtSorted[i]!;
    cumNeg += 1 - gtSorted[i]!;
    jac[i] = 1 - (gts - cumGt) / (gts + cumNeg);
  }
  for (let i = n - 1; i >= 1; i--) jac[i] = jac[i]! - jac[i - 1]!;
  return jac;
}

/** Indices sorting `errors` in decreasing order; NaN first (torch sorts NaN as the largest), ties by position. */
function sortDescending(errors: Float64Array): Int32Array {
  const perm = Int32Array.from({ length: errors.length }, (_, i) => i);
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v);
  perm.sort((i, j) => {
    const a = errors[i]!;
    const b = errors[j]!;
    if (Number.isNaN(a) !== Number.isNaN(b)) return Number.isNaN(a) ? -1 : 1;
    const d = key(b) - key(a);
    return d !== 0 && !Number.isNaN(d) ? d : i - j;
  });
  return perm;
}

/** One Lovász hinge over flat logits/labels; accumulates scale·∂loss/∂logit into `grad` at `index`. */
function hingeFlat(x: Float64Array, y: Float64Array, index: Int32Array, grad: Float64Array | null, scale: number): number {
  const n = y.length;
  if (n === 0) return 0;
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) errors[i] = 1 - x[i]! * (2 * y[i]! - 1);
  const perm = sortDescending(errors);
  const gt = new Float64Array(n);
  for (let i = 0; i < n; i++) gt[i] = y[perm[i]!]!;
  const w = lovaszGrad(gt);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = errors[perm[i]!]!;
    loss += (e > 0 ? e : Number.isNaN(e) ? e : 0) * w[i]!;
  }
  if (grad !== null) {
    for (let i = 0; i < n; i++) {
      const k = perm[i]!;
      const e = errors[k]!;
      const sign = 2 * y[k]! - 1;
      // relu' is 1 above 0 (and NaN passes NaN), then ∂e/∂x = −sign.
      const dRelu = e > 0 ? 1 : Number.isNaN(e) ? NaN : 0;
      grad[index[k]!]! += -sign * w[i]! * dRelu * scale;
    }
  }
  return loss;
}

interface Piece {
  x: Float64Array;
  y: Float64Array;
  index: Int32Array;
}

/** _flatten_binary_scores: both flattened, ignored labels dropped (torch's boolean-mask rules). */
function flattenBinary(pred: ArrayLike<number>, predOffset: number, predLen: number, labels: ArrayLike<number>, labelOffset: number, labelLen: number, ignore: number | null): Piece {
  if (ignore !== null && labelLen !== predLen) {
    throw new LossError(`IndexError: The shape of the mask [${labelLen}] at index 0 does not match the shape of the indexed tensor [${predLen}] at index 0`);
  }
  if (ignore === null && labelLen !== predLen) {
    throw new LossError(`RuntimeError: The size of tensor a (${predLen}) must match the size of tensor b (${labelLen}) at non-singleton dimension 0`);
  }
  const keep: number[] = [];
  for (let i = 0; i < labelLen; i++) if (ignore === null || labels[labelOffset + i] !== ignore) keep.push(i);
  const x = new Float64Array(keep.length);
  const y = new Float64Array(keep.length);
  const index = new Int32Array(keep.length);
  keep.forEach((i, k) => {
    x[k] = pred[predOffset + i]!;
    y[k] = labels[labelOffset + i]!;
    index[k] = predOffset + i;
  });
  return { x, y, index };
}

function softmaxDim1(x: Tensor): Float64Array {
  const shape = x.shape;
  const C = shape[1]!;
  const inner = shape.slice(2).reduce((a, b) => a * b, 1);
  const outer = shape[0]!;
  const p = new Float64Array(x.size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * C * inner + i;
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, x.data[base + c * inner]!);
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(x.data[base + c * inner]! - m);
      for (let c = 0; c < C; c++) p[base + c * inner] = Math.exp(x.data[base + c * inner]! - m) / s;
    }
  }
  return p;
}

/** _lovasz_softmax_flat over one group of pixels; null when the group is empty (smp returns probas * 0.0). */
function softmaxFlat(
  prob: Float64Array,
  pixelIndex: Int32Array,
  classStride: number,
  C: number,
  labels: Float64Array,
  gp: Float64Array | null,
  scale: number,
): number | null {
  const n = pixelIndex.length;
  if (n === 0 || C === 0) return null;
  const present: number[] = [];
  for (let c = 0; c < C; c++) {
    let any = false;
    for (let i = 0; i < n && !any; i++) any = labels[i] === c;
    if (any) present.push(c);
  }
  if (present.length > 0 && C === 1) throw new LossError('ValueError: Sigmoid output possible only with 1 class');
  let total = 0;
  for (const c of present) {
    const fg = new Float64Array(n);
    const errors = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      fg[i] = labels[i] === c ? 1 : 0;
      errors[i] = Math.abs(fg[i]! - prob[pixelIndex[i]! + c * classStride]!);
    }
    const perm = sortDescending(errors);
    const gt = new Float64Array(n);
    for (let i = 0; i < n; i++) gt[i] = fg[perm[i]!]!;
    const w = lovaszGrad(gt);
    for (let i = 0; i < n; i++) total += errors[perm[i]!]! * w[i]!;
    if (gp !== null) {
      const s = scale / present.length;
      for (let i = 0; i < n; i++) {
        const k = perm[i]!;
        const idx = pixelIndex[k]! + c * classStride;
        gp[idx]! += Math.sign(prob[idx]! - fg[k]!) * w[i]! * s;
      }
    }
  }
  return present.length === 0 ? 0 : total / present.length;
}

export const lovaszLoss: ApiImpl = (args, want) => {
  const mode = checkMode(args.string('mode'));
  const perImage = args.bool('per_image');
  const ignore = args.optInt('ignore_index');
  args.bool('from_logits'); // accepted and ignored by smp
  const yPred = args.tensor('y_pred');
  const yTrue = args.tensor('y_true');
  if (yPred.dtype !== 'float32' && yPred.dtype !== 'float64') {
    throw new LossError(`y_pred must be a floating-point tensor, but its dtype is ${yPred.dtype}`);
  }
  return mode === 'multiclass' ? lovaszSoftmax(yPred, yTrue, perImage, ignore, want) : lovaszHinge(yPred, yTrue, perImage, ignore, want);
};

function images(yPred: Tensor, yTrue: Tensor): number {
  if (yPred.shape.length === 0 || yTrue.shape.length === 0) throw new LossError('TypeError: iteration over a 0-d tensor');
  // zip() stops at the shorter of the two first dimensions.
  return Math.min(yPred.shape[0]!, yTrue.shape[0]!);
}

function lovaszHinge(yPred: Tensor, yTrue: Tensor, perImage: boolean, ignore: number | null, want: { grad: boolean; perSample: boolean }): KernelResult {
  const grad = want.grad ? new Float64Array(yPred.size) : null;
  if (!perImage) {
    const piece = flattenBinary(yPred.data, 0, yPred.size, yTrue.data, 0, yTrue.size, ignore);
    const value = hingeFlat(piece.x, piece.y, piece.index, grad, 1);
    const r: KernelResult = { value: out([], Float64Array.of(value)) };
    if (grad !== null) r.grad = out(yPred.shape, grad);
    return r;
  }
  const B = images(yPred, yTrue);
  const predLen = yPred.shape[0]! === 0 ? 0 : yPred.size / yPred.shape[0]!;
  const labelLen = yTrue.shape[0]! === 0 ? 0 : yTrue.size / yTrue.shape[0]!;
  const per = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const piece = flattenBinary(yPred.data, b * predLen, predLen, yTrue.data, b * labelLen, labelLen, ignore);
    per[b] = hingeFlat(piece.x, piece.y, piece.index, grad, 1 / B);
  }
  let s = 0;
  for (let b = 0; b < B; b++) s += per[b]!;
  const r: KernelResult = { value: out([], Float64Array.of(B === 0 ? 0 : s / B)) };
  if (want.perSample) r.perSample = out([B], per);
  if (grad !== null) r.grad = out(yPred.shape, grad);
  return r;
}

function lovaszSoftmax(yPred: Tensor, yTrue: Tensor, perImage: boolean, ignore: number | null, want: { grad: boolean; perSample: boolean }): KernelResult {
  if (yPred.shape.length < 2) throw new LossError('IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)');
  const prob = softmaxDim1(yPred);
  // _flatten_probas reads a 3-D input as (B, 1, H, W): one class, the old class axis becomes a pixel axis.
  const threeD = yPred.shape.length === 3;
  const C = threeD ? 1 : yPred.shape[1]!;
  const B = yPred.shape[0]!;
  const inner = threeD ? yPred.shape[1]! * yPred.shape[2]! : yPred.shape.slice(2).reduce((a, b) => a * b, 1);
  const classStride = threeD ? 0 : inner;
  const labels = yTrue.data;
  const gp = want.grad ? new Float64Array(yPred.size) : null;

  /** Pixels of images [from, to), in (b, spatial) order, with their flat offsets into prob at class 0. */
  const group = (from: number, to: number, labelFrom: number, labelTo: number, scale: number): number | null => {
    const pixels = (to - from) * inner;
    const labelCount = labelTo - labelFrom;
    if (ignore !== null && labelCount !== pixels) {
      throw new LossError(`IndexError: The shape of the mask [${labelCount}] at index 0 does not match the shape of the indexed tensor [${pixels}, ${C}] at index 0`);
    }
    if (ignore === null && labelCount !== pixels && pixels > 0) {
      throw new LossError(`RuntimeError: The size of tensor a (${labelCount}) must match the size of tensor b (${pixels}) at non-singleton dimension 0`);
    }
    const idx: number[] = [];
    const lab: number[] = [];
    for (let q = 0; q < pixels; q++) {
      const v = labels[labelFrom + q]!;
      if (ignore !== null && v === ignore) continue;
      const b = from + Math.floor(q / inner);
      const s = q % inner;
      idx.push(threeD ? b * inner + s : b * C * inner + s);
      lab.push(v);
    }
    return softmaxFlat(prob, Int32Array.from(idx), classStride, C, Float64Array.from(lab), gp, scale);
  };

  const finish = (value: Float64Array, shape: number[], per?: Float64Array): KernelResult => {
    const r: KernelResult = { value: out(shape, value) };
    if (per !== undefined && want.perSample) r.perSample = out([per.length], per);
    // An empty result sums to 0: nothing flows back, whatever the other images contributed.
    if (gp !== null) r.grad = out(yPred.shape, value.length === 0 ? new Float64Array(yPred.size) : softmaxBackward(prob, gp, yPred.shape));
    return r;
  };

  if (!perImage) {
    const v = group(0, B, 0, yTrue.size, 1);
    return v === null ? finish(new Float64Array(0), [0, C]) : finish(Float64Array.of(v), []);
  }
  const nImages = images(yPred, yTrue);
  const labelLen = yTrue.shape[0]! === 0 ? 0 : yTrue.size / yTrue.shape[0]!;
  const per = new Float64Array(nImages);
  let empty = false;
  for (let b = 0; b < nImages; b++) {
    const v = group(b, b + 1, b * labelLen, (b + 1) * labelLen, 1 / nImages);
    if (v === null) {
      // acc += v in smp's mean(): an empty (0, C) result cannot be added in place into a scalar.
      if (b > 0 && !empty) throw new LossError(`RuntimeError: output with shape [] doesn't match the broadcast shape [0, ${C}]`);
      empty = true;
    } else {
      per[b] = v;
    }
  }
  if (empty) return finish(new Float64Array(0), [0, C]);
  let s = 0;
  for (let b = 0; b < nImages; b++) s += per[b]!;
  return finish(Float64Array.of(nImages === 0 ? 0 : s / nImages), [], per);
}

function softmaxBackward(prob: Float64Array, gp: Float64Array, shape: readonly number[]): Float64Array {
  const C = shape[1]!;
  const inner = shape.slice(2).reduce((a, b) => a * b, 1);
  const outer = shape[0]!;
  const gx = new Float64Array(gp.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * C * inner + i;
      let dot = 0;
      for (let c = 0; c < C; c++) dot += gp[base + c * inner]! * prob[base + c * inner]!;
      for (let c = 0; c < C; c++) {
        const k = base + c * inner;
        gx[k] = prob[k]! * (gp[k]! - dot);
      }
    }
  }
  return gx;
}

/** MCCLoss: 1 − MCC of soft counts over the whole batch, each count + eps; y_pred used as given (no activation). */
export const mccLoss: ApiImpl = (args, want) => {
  const eps = args.number('eps');
  const yPred = args.tensor('y_pred');
  const yTrue = args.tensor('y_true');
  if (yPred.shape.length === 0 || yTrue.shape.length === 0) throw new LossError('IndexError: dimension specified as 0 but tensor has no dimensions');
  if (yTrue.shape[0] !== yPred.shape[0]) {
    throw new LossError(`AssertionError: y_true.size(0) == y_pred.size(0) failed (${yTrue.shape[0]} vs ${yPred.shape[0]})`);
  }
  const N = yTrue.shape[0]!;
  if (N === 0) {
    throw new LossError('RuntimeError: cannot reshape tensor of 0 elements into shape [0, 1, -1] because the unspecified dimension size -1 can be any value and is ambiguous');
  }
  const P = yPred.size / N;
  const Q = yTrue.size / N;
  if (P !== Q) throw new LossError(`RuntimeError: The size of tensor a (${P}) must match the size of tensor b (${Q}) at non-singleton dimension 2`);
  const p = yPred.data;
  const t = yTrue.data;
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < yPred.size; i++) {
    const pv = p[i]!;
    const tv = t[i]!;
    tp += pv * tv;
    tn += (1 - pv) * (1 - tv);
    fp += pv * (1 - tv);
    fn += (1 - pv) * tv;
  }
  tp += eps;
  tn += eps;
  fp += eps;
  fn += eps;
  const numerator = tp * tn - fp * fn;
  const A = tp + fp;
  const B = tp + fn;
  const Cc = tn + fp;
  const D = tn + fn;
  const denominator = Math.sqrt(A * B * Cc * D);
  const mcc = numerator / denominator;
  const result: KernelResult = { value: out([], Float64Array.of(1 - mcc)) };
  if (want.grad) {
    const g = new Float64Array(yPred.size);
    // d(A·B·C·D)/dp = B·C·(D − A): A = tp + fp grows by 1 and D = tn + fn shrinks by 1 per unit of p.
    const dDen = (B * Cc * (D - A)) / (2 * denominator);
    for (let i = 0; i < yPred.size; i++) {
      const tv = t[i]!;
      const dNum = tn * tv - tp * (1 - tv) - fn * (1 - tv) + fp * tv;
      g[i] = -(dNum * denominator - numerator * dDen) / (denominator * denominator);
    }
    result.grad = out(yPred.shape, g);
  }
  return result;
};
