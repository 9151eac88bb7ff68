/**
 * pytorch_metric_learning (2.x) losses with their default distance and reducer: ContrastiveLoss
 * and TripletMarginLoss (LpDistance on L2-normalised embeddings, AvgNonZeroReducer) and
 * NTXentLoss (CosineSimilarity, MeanReducer). Every pair or triplet is formed from the labels
 * of the batch, as lmu.get_all_pairs_indices / get_all_triplets_indices do.
 *
 * Gradients follow torch's autograd: F.normalize divides by max(‖e‖, 1e-12), torch.cdist's
 * backward is (u_i − u_j)/d_ij with 0 at d = 0, relu has gradient 0 at 0.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import type { Args } from '../args.js';
import { LossError, type Tensor, out, scalar } from '../tensor.js';

const NORMALIZE_EPS = 1e-12; // F.normalize's default eps

interface Batch {
  B: number;
  D: number;
  u: Float64Array;
  norm: Float64Array;
  labels: number[];
}

/** Checks what Loss Lens computes (the default distance/reducer, no miner, no reference set) and normalises. */
function batch(a: Args): Batch {
  for (const name of ['distance', 'reducer', 'embedding_regularizer']) {
    if (a.raw(name) !== null) throw new LossError(`Loss Lens computes ${a.api} with ${name}=None (the default) only`);
  }
  for (const name of ['indices_tuple', 'ref_emb', 'ref_labels']) {
    if (a.raw(name) !== null) throw new LossError(`Loss Lens computes ${a.api} from the labels of the batch only (${name} must be None)`);
  }
  const emb = a.tensor('embeddings');
  const labelsTensor = a.optTensor('labels');
  if (labelsTensor === null) throw new LossError('labels and indices_tuple cannot both be None');
  if (emb.shape.length !== 2) throw new LossError(`embeddings must be a 2D tensor of shape (batch_size, embedding_size), got ${emb.shape.length}D`);
  const [B, D] = emb.shape as [number, number];
  if (labelsTensor.shape.length !== 1 || labelsTensor.shape[0] !== B) {
    throw new LossError(`Number of embeddings must equal number of labels (got ${B} embeddings and labels of shape [${labelsTensor.shape.join(', ')}])`);
  }
  const e = emb.data;
  const u = new Float64Array(B * D);
  const norm = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += e[r * D + d]! * e[r * D + d]!;
    norm[r] = Math.sqrt(s);
    const n = Math.max(norm[r]!, NORMALIZE_EPS);
    for (let d = 0; d < D; d++) u[r * D + d] = e[r * D + d]! / n;
  }
  return { B, D, u, norm, labels: Array.from(labelsTensor.data as ArrayLike<number>, Number) };
}

/** Backward of F.normalize: (g − (g·u)·u)/‖e‖ above the eps floor, g/eps below it. */
function normalizeBackward(b: Batch, gu: Float64Array): Float64Array {
  const { B, D, u, norm } = b;
  const grad = new Float64Array(B * D);
  for (let r = 0; r < B; r++) {
    if (norm[r]! > NORMALIZE_EPS) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += gu[r * D + d]! * u[r * D + d]!;
      for (let d = 0; d < D; d++) grad[r * D + d] = (gu[r * D + d]! - dot * u[r * D + d]!) / norm[r]!;
    } else {
      for (let d = 0; d < D; d++) grad[r * D + d] = gu[r * D + d]! / NORMALIZE_EPS;
    }
  }
  return grad;
}

/** Euclidean distance matrix of the normalised rows (torch.cdist, p = 2). */
function distances(b: Batch): Float64Array {
  const { B, D, u } = b;
  const m = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) {
        const diff = u[i * D + d]! - u[j * D + d]!;
        s += diff * diff;
      }
      m[i * B + j] = Math.sqrt(s);
    }
  }
  return m;
}

/** Adds g·∂d_ij/∂u to the gradient of the normalised rows (both rows move). */
function addDistanceGrad(b: Batch, dist: Float64Array, gu: Float64Array, i: number, j: number, g: number): void {
  const { B, D, u } = b;
  const dij = dist[i * B + j]!;
  if (g === 0 || dij === 0) return;
  for (let d = 0; d < D; d++) {
    const v = (g * (u[i * D + d]! - u[j * D + d]!)) / dij;
    gu[i * D + d]! += v;
    gu[j * D + d]! -= v;
  }
}

/** AvgNonZeroReducer on one set of losses: the mean of the positive ones, 0 when there are none. */
function avgNonZero(losses: number[]): { value: number; count: number } {
  let s = 0;
  let count = 0;
  for (const l of losses) {
    if (l > 0) {
      s += l;
      count++;
    }
  }
  return { value: count > 0 ? s / count : 0, count };
}

function finish(b: Batch, value: number, gu: Float64Array | null, emb: Tensor): KernelResult {
  const result: KernelResult = { value: scalar(value) };
  if (gu !== null) result.grad = out(emb.shape, normalizeBackward(b, gu));
  return result;
}

const contrastiveLoss: ApiImpl = (a, want) => {
  const b = batch(a);
  const posMargin = a.number('pos_margin');
  const negMargin = a.number('neg_margin');
  const { B, labels } = b;
  const dist = distances(b);
  const pos: Array<[number, number, number]> = [];
  const neg: Array<[number, number, number]> = [];
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      if (i === j) continue;
      const d = dist[i * B + j]!;
      if (labels[i] === labels[j]) pos.push([i, j, Math.max(d - posMargin, 0)]);
      else neg.push([i, j, Math.max(negMargin - d, 0)]);
    }
  }
  const p = avgNonZero(pos.map((x) => x[2]));
  const n = avgNonZero(neg.map((x) => x[2]));
  let gu: Float64Array | null = null;
  if (want.grad) {
    gu = new Float64Array(b.u.length);
    for (const [i, j, l] of pos) if (l > 0) addDistanceGrad(b, dist, gu, i, j, 1 / p.count);
    for (const [i, j, l] of neg) if (l > 0) addDistanceGrad(b, dist, gu, i, j, -1 / n.count);
  }
  return finish(b, p.value + n.value, gu, a.tensor('embeddings'));
};

function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

const tripletMarginLoss: ApiImpl = (a, want) => {
  const b = batch(a);
  if (a.raw('triplets_per_anchor') !== 'all') {
    throw new LossError("Loss Lens computes triplets_per_anchor='all' only (an int samples triplets at random)");
  }
  const margin = a.number('margin');
  const swap = a.bool('swap');
  const smooth = a.bool('smooth_loss');
  const { B, labels } = b;
  const dist = distances(b);
  const losses: number[] = [];
  const triplets: Array<[number, number, number, number, boolean]> = []; // a, p, n, violation, negative from p
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      if (j === i || labels[j] !== labels[i]) continue;
      for (let k = 0; k < B; k++) {
        if (labels[k] === labels[i]) continue;
        const an = dist[i * B + k]!;
        const pn = dist[j * B + k]!;
        const fromP = swap && pn < an;
        const v = dist[i * B + j]! - (fromP ? pn : an) + margin;
        losses.push(smooth ? softplus(v) : Math.max(v, 0));
        triplets.push([i, j, k, v, fromP]);
      }
    }
  }
  const r = avgNonZero(losses);
  let gu: Float64Array | null = null;
  if (want.grad) {
    gu = new Float64Array(b.u.length);
    triplets.forEach(([i, j, k, v, fromP], t) => {
      if (!(losses[t]! > 0)) return;
      const g = (smooth ? (v > 20 ? 1 : 1 / (1 + Math.exp(-v))) : v > 0 ? 1 : 0) / r.count;
      addDistanceGrad(b, dist, gu!, i, j, g);
      if (fromP) addDistanceGrad(b, dist, gu!, j, k, -g);
      else addDistanceGrad(b, dist, gu!, i, k, -g);
    });
  }
  return finish(b, r.value, gu, a.tensor('embeddings'));
};

/** torch.finfo(dtype).tiny, added inside NT-Xent's log. */
function tiny(t: Tensor): number {
  return t.dtype === 'float32' ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
}

const ntxentLoss: ApiImpl = (a, want) => {
  const b = batch(a);
  const emb = a.tensor('embeddings');
  const tau = a.number('temperature');
  const { B, D, u, labels } = b;
  const S = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += u[i * D + d]! * u[j * D + d]!;
      S[i * B + j] = s;
    }
  }
  const pairs: Array<[number, number]> = [];
  let negCount = 0;
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      if (i === j) continue;
      if (labels[i] === labels[j]) pairs.push([i, j]);
      else negCount++;
    }
  }
  if (pairs.length === 0 || negCount === 0) return finish(b, 0, want.grad ? new Float64Array(u.length) : null, emb);
  const small = tiny(emb);
  let total = 0;
  const dS = want.grad ? new Float64Array(B * B) : null;
  for (const [i, j] of pairs) {
    const xp = S[i * B + j]! / tau;
    let maxVal = xp;
    for (let k = 0; k < B; k++) if (labels[k] !== labels[i]) maxVal = Math.max(maxVal, S[i * B + k]! / tau);
    const num = Math.exp(xp - maxVal);
    let den = num;
    for (let k = 0; k < B; k++) if (labels[k] !== labels[i]) den += Math.exp(S[i * B + k]! / tau - maxVal);
    const ratio = num / den;
    total += -Math.log(ratio + small);
    if (dS !== null) {
      // −log(r + tiny): ∂/∂x_p = −r(1 − r)/(r + tiny), ∂/∂x_n = r·q_n/(r + tiny); mean over pairs; x = S/τ.
      const c = ratio / (ratio + small) / pairs.length / tau;
      dS[i * B + j]! += -c * (1 - ratio);
      for (let k = 0; k < B; k++) if (labels[k] !== labels[i]) dS[i * B + k]! += (c * Math.exp(S[i * B + k]! / tau - maxVal)) / den;
    }
  }
  let gu: Float64Array | null = null;
  if (dS !== null) {
    gu = new Float64Array(u.length);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < B; j++) {
        const c = dS[i * B + j]! + dS[j * B + i]!;
        if (c === 0) continue;
        for (let d = 0; d < D; d++) gu[i * D + d]! += c * u[j * D + d]!;
      }
    }
  }
  return finish(b, total / pairs.length, gu, emb);
};

export const pmlImplementations: Record<string, ApiImpl> = {
  'pytorch_metric_learning.losses.ContrastiveLoss': contrastiveLoss,
  'pytorch_metric_learning.losses.TripletMarginLoss': tripletMarginLoss,
  'pytorch_metric_learning.losses.NTXentLoss': ntxentLoss,
};
