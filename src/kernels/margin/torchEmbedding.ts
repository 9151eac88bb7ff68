/**
 * PyTorch 1.13's embedding losses: cosine_embedding_loss, triplet_margin_loss and
 * triplet_margin_with_distance_loss (with its default distance, pairwise_distance; a Python
 * distance_function is refused by the binder).
 *
 * Gradients are taken with respect to the first argument (input1 / anchor).
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { type TorchReduction, checkTorchReduction, reduceTorch } from '../reduce.js';
import { LossError, type Tensor, broadcastIndex, broadcastShapes, numel, out } from '../tensor.js';
import { gatherTo, relu, sumToShape, torchList } from './common.js';
import { type PairDistance, pairwiseDistance, pairwiseDistanceGrad } from './pairwiseDistance.js';

/** ATen's EPSILON added to each squared norm in cosine_embedding_loss. */
const COSINE_EPSILON = 1e-12;

/** Σ over the last dimension of x·x for each row of a tensor's own shape. */
function rowSquares(data: ArrayLike<number>, rows: number, width: number): Float64Array {
  const m = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = r * width, end = d + width; d < end; d++) s += data[d]! * data[d]!;
    m[r] = s + COSINE_EPSILON;
  }
  return m;
}

/**
 * cosine_embedding_loss / CosineEmbeddingLoss: cos = Σx₁x₂ / √((Σx₁² + ε)(Σx₂² + ε)), then
 * 1 − cos for y = 1, max(0, cos − margin) for y = −1 and 0 for any other label.
 */
const cosineEmbeddingLoss: ApiImpl = (a, want) => {
  const x1 = a.tensor('input1');
  const x2 = a.tensor('input2');
  const target = a.tensor('target');
  const margin = a.number('margin');
  const reduction = checkTorchReduction(a.string('reduction'));
  const td = target.shape.length;
  if (td !== 0 && td !== 1) throw new LossError('0D or 1D target tensor expected, multi-target not supported');
  const want2 = td === 1 ? 2 : 1;
  if (x1.shape.length !== want2 || x2.shape.length !== want2) {
    throw new LossError(
      `${td}D target tensor expects ${want2}D input tensors, but found inputs with sizes ${torchList(x1.shape)} and ${torchList(x2.shape)}.`,
    );
  }
  // (x1 * x2) broadcasts; the squared norms are taken over each input's own rows.
  const full = broadcastShapes(x1.shape, x2.shape);
  const width = full[full.length - 1]!;
  const cosShape = full.slice(0, -1);
  const rows = numel(cosShape);
  const w1 = x1.shape[x1.shape.length - 1]!;
  const w2 = x2.shape[x2.shape.length - 1]!;
  const m1 = rowSquares(x1.data, numel(x1.shape.slice(0, -1)), w1);
  const m2 = rowSquares(x2.data, numel(x2.shape.slice(0, -1)), w2);
  const r1 = broadcastIndex(x1.shape.slice(0, -1), cosShape);
  const r2 = broadcastIndex(x2.shape.slice(0, -1), cosShape);
  const a1 = gatherTo(x1, full);
  const a2 = gatherTo(x2, full);
  const cos = new Float64Array(rows);
  const denom = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let p = 0;
    for (let d = r * width, end = d + width; d < end; d++) p += a1[d]! * a2[d]!;
    denom[r] = Math.sqrt(m1[r1 ? r1[r]! : r]! * m2[r2 ? r2[r]! : r]!);
    cos[r] = p / denom[r]!;
  }
  const outShape = broadcastShapes(target.shape, cosShape);
  const ci = broadcastIndex(cosShape, outShape);
  const t = gatherTo(target, outShape);
  const n = numel(outShape);
  const values = new Float64Array(n);
  // ∂value/∂cos for each output element, before the reduction.
  const dcos = want.grad ? new Float64Array(n) : null;
  for (let k = 0; k < n; k++) {
    const c = cos[ci ? ci[k]! : k]!;
    const y = t[k]!;
    if (y === 1) {
      values[k] = 1 - c;
      if (dcos !== null) dcos[k] = -1;
    } else if (y === -1) {
      const z = c - margin;
      values[k] = relu(z);
      if (dcos !== null) dcos[k] = z >= 0 ? 1 : 0;
    }
  }
  const reduced = reduceTorch(values, outShape, reduction);
  const result: KernelResult = { value: reduced.value, perSample: out(outShape, values) };
  if (dcos !== null) {
    const s = reduced.scale as number;
    const perRow = sumToShape(dcos, outShape, cosShape);
    // From the dot product (over the broadcast operands) and from Σx₁² (over x₁'s own rows).
    const gFull = new Float64Array(numel(full));
    const gOwn = new Float64Array(x1.size);
    for (let r = 0; r < rows; r++) {
      // Rows with a zero coefficient are not skipped: torch multiplies through, so 0·inf stays NaN.
      const c = perRow[r]! * s;
      const inv = c / denom[r]!;
      for (let d = r * width, end = d + width; d < end; d++) gFull[d] = inv * a2[d]!;
      const row1 = r1 ? r1[r]! : r;
      const k = (-c * cos[r]!) / m1[row1]!;
      for (let d = row1 * w1, end = d + w1; d < end; d++) gOwn[d] += k * x1.data[d]!;
    }
    const grad = sumToShape(gFull, full, x1.shape);
    for (let i = 0; i < grad.length; i++) gOwn[i] += grad[i]!;
    result.grad = out([...x1.shape], gOwn);
  }
  return result;
};

/**
 * The anchor-positive distance and the negative distance: d(a, n), or min(d(a, n), d(p, n)) with
 * swap (torch.min shares the gradient equally at a tie; d(p, n) does not involve the anchor).
 */
interface Triplet {
  pos: PairDistance;
  neg: PairDistance;
  /** Shape and values of d_neg after the optional swap. */
  negShape: number[];
  negValues: Float64Array;
  /** Share of the negative-distance gradient that reaches d(a, n) (1, ½ at a tie, 0 when the swap wins). */
  negShare: Float64Array;
}

interface TripletInputs {
  anchor: Tensor;
  positive: Tensor;
  negative: Tensor;
}

/** A float64 buffer viewed as a tensor of `shape` (for broadcasting intermediate results). */
function view(shape: number[], data: Float64Array): Tensor {
  return { shape, dtype: 'float64', data, size: data.length };
}

function tripletDistances({ anchor, positive, negative }: TripletInputs, p: number, eps: number, swap: boolean): Triplet {
  const pos = pairwiseDistance(anchor, positive, p, eps);
  const neg = pairwiseDistance(anchor, negative, p, eps);
  if (!swap) return { pos, neg, negShape: neg.shape, negValues: neg.dist, negShare: new Float64Array(neg.dist.length).fill(1) };
  const sw = pairwiseDistance(positive, negative, p, eps);
  const negShape = broadcastShapes(neg.shape, sw.shape);
  const dn = gatherTo(view(neg.shape, neg.dist), negShape);
  const ds = gatherTo(view(sw.shape, sw.dist), negShape);
  const m = numel(negShape);
  const negValues = new Float64Array(m);
  const negShare = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const u = dn[i]!;
    const v = ds[i]!;
    negValues[i] = u !== u || v !== v ? NaN : Math.min(u, v);
    negShare[i] = u < v ? 1 : u === v ? 0.5 : 0;
  }
  return { pos, neg, negShape, negValues, negShare };
}

/**
 * max(margin + d(a, p) − d_neg, 0) over the broadcast distances, torch's reduction, and the
 * anchor gradient (clamp passes it at a tie).
 */
function tripletLoss(
  tensors: TripletInputs,
  margin: number,
  p: number,
  eps: number,
  swap: boolean,
  reduction: TorchReduction,
  wantGrad: boolean,
): KernelResult {
  const tr = tripletDistances(tensors, p, eps, swap);
  const shape = broadcastShapes(tr.pos.shape, tr.negShape);
  const dp = gatherTo(view(tr.pos.shape, tr.pos.dist), shape);
  const dn = gatherTo(view(tr.negShape, tr.negValues), shape);
  const n = numel(shape);
  const values = new Float64Array(n);
  const active = wantGrad ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const z = margin + dp[i]! - dn[i]!;
    values[i] = relu(z);
    if (active !== null) active[i] = z >= 0 ? 1 : 0;
  }
  const reduced = reduceTorch(values, shape, reduction);
  const result: KernelResult = { value: reduced.value, perSample: out(shape, values) };
  if (active !== null) {
    const s = reduced.scale as number;
    for (let i = 0; i < n; i++) active[i]! *= s;
    const upPos = sumToShape(active, shape, tr.pos.shape);
    const upNegAll = sumToShape(active, shape, tr.negShape);
    const upNeg = new Float64Array(upNegAll.length);
    for (let i = 0; i < upNeg.length; i++) upNeg[i] = -upNegAll[i]! * tr.negShare[i]!;
    const upNegOwn = sumToShape(upNeg, tr.negShape, tr.neg.shape);
    const anchorShape = tensors.anchor.shape;
    const g = pairwiseDistanceGrad(tr.pos, upPos, anchorShape);
    const gn = pairwiseDistanceGrad(tr.neg, upNegOwn, anchorShape);
    for (let i = 0; i < g.length; i++) g[i] += gn[i]!;
    result.grad = out([...anchorShape], g);
  }
  return result;
}

/** triplet_margin_loss / TripletMarginLoss: ε is added to the difference vector inside the norm. */
const tripletMarginLoss: ApiImpl = (a, want) => {
  const anchor = a.tensor('anchor');
  const positive = a.tensor('positive');
  const negative = a.tensor('negative');
  const reduction = checkTorchReduction(a.string('reduction'));
  const [da, dp, dn] = [anchor.shape.length, positive.shape.length, negative.shape.length];
  if (da !== dp || dp !== dn) throw new LossError(`All inputs should have same dimension but got ${da}D, ${dp}D and ${dn}D inputs.`);
  return tripletLoss({ anchor, positive, negative }, a.number('margin'), a.number('p'), a.number('eps'), a.bool('swap'), reduction, want.grad);
};

/**
 * triplet_margin_with_distance_loss / TripletMarginWithDistanceLoss with the default distance
 * (pairwise_distance, p = 2, ε = 1e-6). Unlike triplet_margin_loss it does not require equal
 * ranks: the distances broadcast.
 */
const tripletMarginWithDistanceLoss: ApiImpl = (a, want) => {
  const anchor = a.tensor('anchor');
  const positive = a.tensor('positive');
  const negative = a.tensor('negative');
  const reduction = checkTorchReduction(a.string('reduction'));
  return tripletLoss({ anchor, positive, negative }, a.number('margin'), 2, 1e-6, a.bool('swap'), reduction, want.grad);
};

/** The implementations of this module, keyed by catalog id. */
export const torchEmbeddingImplementations: Record<string, ApiImpl> = {
  'torch.nn.CosineEmbeddingLoss': cosineEmbeddingLoss,
  'torch.nn.functional.cosine_embedding_loss': cosineEmbeddingLoss,
  'torch.nn.TripletMarginLoss': tripletMarginLoss,
  'torch.nn.functional.triplet_margin_loss': tripletMarginLoss,
  'torch.nn.TripletMarginWithDistanceLoss': tripletMarginWithDistanceLoss,
  'torch.nn.functional.triplet_margin_with_distance_loss': tripletMarginWithDistanceLoss,
};
