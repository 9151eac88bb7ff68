/**
 * TensorFlow Addons' batch-mining metric-learning losses (0.23, the final release, on tf.keras 2):
 * triplet_semihard_loss, triplet_hard_loss and lifted_struct_loss, and the classes that wrap them
 * (LossFunctionWrapper with Reduction.NONE, so the scalar loss is only multiplied by a
 * sample_weight).
 *
 * The steps follow TF Addons' graph, because its tricks show in the numbers (two sums are
 * regrouped to avoid O(B³) work, which changes only the last bits; see semihard and lifted):
 *  - pairwise_distance: ‖f_i‖² + ‖f_j‖² − 2 f_i·f_j clamped at 0, square root with 1e-16 added
 *    where the clamp hit (and the result zeroed there), the diagonal set to 0;
 *  - angular_distance: 1 − cosine of the l2_normalize'd rows, floored at 1e-16 (diagonal kept);
 *  - the masked maximum/minimum shift the row by its plain minimum/maximum and multiply by the
 *    mask, so a row with nothing selected yields that plain minimum/maximum;
 *  - the means divide by the number of positive pairs or anchors without a guard: no positive
 *    pair at all (or an empty batch) gives NaN;
 *  - max/min propagate NaN, as TensorFlow's do since 2.4.
 * Gradients follow TensorFlow's registered gradients: maximum(x, c) passes the gradient where
 * x ≥ c, reduce_max/reduce_min share it evenly between tied elements, tf.where routes it to the
 * selected branch.
 */
import type { ApiImpl, KernelResult, Want } from '../api.js';
import type { Args } from '../args.js';
import { reduceKeras2 } from '../regression/keras2.js';
import { LossError, type Tensor, out, scalar } from '../tensor.js';
// tf.math.maximum(x, 0.0): NaN stays NaN, as common.ts' relu keeps it.
import { relu } from './common.js';

type Metric = 'L2' | 'squared-L2' | 'angular';

/** TensorFlow's maximum/minimum: NaN wins. */
function tfMax(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a >= b ? a : b;
}

function tfMin(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a <= b ? a : b;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** TensorFlow's static-shape error for a binary op whose operands do not broadcast. */
function dimsError(op: string, a: readonly number[], b: readonly number[]): LossError {
  let da = a[0]!;
  let db = b[0]!;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && a[i] !== 1 && b[i] !== 1) {
      da = a[i]!;
      db = b[i]!;
      break;
    }
  }
  return new LossError(
    `Dimensions must be equal, but are ${da} and ${db} for '${op}' with input shapes: ${shapeText(a)}, ${shapeText(b)} ` +
      '(the labels and the embeddings must have the same batch size)',
  );
}

/** The labels after tf.reshape(labels, [tf.shape(labels)[0], 1]), as numbers. */
function readLabels(labels: Tensor): number[] {
  if (labels.shape.length === 0) throw new LossError('slice index 0 of dimension 0 out of bounds (labels must be 1-D, shape (batch,))');
  const n = labels.shape[0]!;
  if (labels.size !== n) {
    throw new LossError(
      `Cannot reshape a tensor with ${labels.size} elements to shape [${n},1] (${n} elements) (labels must have shape (batch,) or (batch, 1))`,
    );
  }
  return Array.from({ length: n }, (_, i) => Number(labels.data[i]));
}

interface Embeddings {
  n: number;
  dim: number;
  x: Float64Array;
}

function readEmbeddings(emb: Tensor): Embeddings {
  const r = emb.shape.length;
  if (r < 2) throw new LossError(`Invalid reduction dimension 1 for input with ${r} dimensions (embeddings must be 2-D, shape (batch, dim))`);
  if (r > 2) throw new LossError(`embeddings must be a 2-D tensor of shape (batch, dim), got shape ${shapeText(emb.shape)}`);
  const [n, dim] = emb.shape as [number, number];
  return { n, dim, x: Float64Array.from(emb.data as ArrayLike<number>) };
}

function parseMetric(raw: unknown): Metric {
  if (raw === 'L2' || raw === 'squared-L2' || raw === 'angular') return raw;
  throw new LossError(
    `'str' object is not callable: TF Addons calls any distance_metric other than 'L2', 'squared-L2' or 'angular' as a function ` +
      `(got ${JSON.stringify(raw)}); a custom distance callable cannot be given as data, so Loss Lens computes the three named metrics only`,
  );
}

interface Distances {
  /** (n × n) distance matrix. */
  d: Float64Array;
  /** ∂(Σ g·d)/∂embeddings for an upstream gradient g over d. */
  backward(g: Float64Array): Float64Array;
}

/** metric_learning.pairwise_distance(feature, squared). */
function pairwiseDistance(e: Embeddings, squared: boolean): Distances {
  const { n, dim, x } = e;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += x[i * dim + k]! * x[i * dim + k]!;
    sq[i] = s;
  }
  const pds = new Float64Array(n * n);
  const root = new Float64Array(n * n);
  const masked = new Uint8Array(n * n);
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += x[i * dim + k]! * x[j * dim + k]!;
      const p = sq[i]! + sq[j]! - 2 * dot;
      const c = relu(p);
      const err = c <= 0;
      const v = squared ? c : Math.sqrt(c + (err ? 1e-16 : 0));
      pds[i * n + j] = p;
      root[i * n + j] = v;
      masked[i * n + j] = err ? 1 : 0;
      d[i * n + j] = v * (err ? 0 : 1) * (i === j ? 0 : 1);
    }
  }
  const backward = (g: Float64Array): Float64Array => {
    // ∂/∂pds, then pds_ij = sq_i + sq_j − 2 f_i·f_j.
    const gp = new Float64Array(n * n);
    for (let q = 0; q < n * n; q++) {
      const i = Math.floor(q / n);
      const through = g[q]! * (q % n === i ? 0 : 1) * (masked[q] ? 0 : 1);
      const gc = squared ? through : (through * 0.5) / root[q]!;
      gp[q] = pds[q]! >= 0 ? gc : 0;
    }
    const gx = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) {
      let gsq = 0;
      for (let j = 0; j < n; j++) gsq += gp[i * n + j]! + gp[j * n + i]!;
      for (let k = 0; k < dim; k++) {
        let s = 2 * x[i * dim + k]! * gsq;
        for (let j = 0; j < n; j++) s -= 2 * (gp[i * n + j]! + gp[j * n + i]!) * x[j * dim + k]!;
        gx[i * dim + k] = s;
      }
    }
    return gx;
  };
  return { d, backward };
}

/** metric_learning.angular_distance: max(1 − F Fᵀ, 1e-16), F = l2_normalize(feature, axis=1). */
function angularDistance(e: Embeddings): Distances {
  const { n, dim, x } = e;
  const sums = new Float64Array(n);
  const inv = new Float64Array(n);
  const f = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += x[i * dim + k]! * x[i * dim + k]!;
    sums[i] = s;
    inv[i] = 1 / Math.sqrt(tfMax(s, 1e-12));
    for (let k = 0; k < dim; k++) f[i * dim + k] = x[i * dim + k]! * inv[i]!;
  }
  const a = new Float64Array(n * n);
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += f[i * dim + k]! * f[j * dim + k]!;
      a[i * n + j] = 1 - dot;
      d[i * n + j] = tfMax(1 - dot, 1e-16);
    }
  }
  const backward = (g: Float64Array): Float64Array => {
    const ga = new Float64Array(n * n);
    for (let q = 0; q < n * n; q++) ga[q] = a[q]! >= 1e-16 ? g[q]! : 0;
    const gx = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) {
      // ∂/∂F_i of Σ ga·(1 − F Fᵀ), then F_i = x_i · rsqrt(max(‖x_i‖², 1e-12)).
      let gInv = 0;
      const gf = new Float64Array(dim);
      for (let k = 0; k < dim; k++) {
        let s = 0;
        for (let j = 0; j < n; j++) s -= (ga[i * n + j]! + ga[j * n + i]!) * f[j * dim + k]!;
        gf[k] = s;
        gInv += s * x[i * dim + k]!;
      }
      const r = inv[i]!;
      const gSum = sums[i]! >= 1e-12 ? gInv * -0.5 * r * r * r : 0;
      for (let k = 0; k < dim; k++) gx[i * dim + k] = gf[k]! * r + 2 * x[i * dim + k]! * gSum;
    }
    return gx;
  };
  return { d, backward };
}

function distances(e: Embeddings, metric: Metric): Distances {
  return metric === 'angular' ? angularDistance(e) : pairwiseDistance(e, metric === 'squared-L2');
}

/**
 * _masked_maximum / _masked_minimum of one row: max_j((x_j − s)·m_j) + s with s = min_j x_j (or
 * the mirror image with min and max swapped).
 */
function maskedReduce(x: ArrayLike<number>, mask: ArrayLike<number>, kind: 'max' | 'min'): number {
  const len = x.length;
  const isMax = kind === 'max';
  let s = isMax ? Infinity : -Infinity;
  for (let j = 0; j < len; j++) s = isMax ? tfMin(s, x[j]!) : tfMax(s, x[j]!);
  let r = isMax ? -Infinity : Infinity;
  for (let j = 0; j < len; j++) {
    const v = (x[j]! - s) * mask[j]!;
    r = isMax ? tfMax(r, v) : tfMin(r, v);
  }
  return r + s;
}

/**
 * Adds g·∂maskedReduce/∂x_j into `gx`: through the selection and through the shift s, each
 * shared evenly between tied elements as TensorFlow's reduce_max/reduce_min gradients share it.
 */
function maskedReduceBackward(x: ArrayLike<number>, mask: ArrayLike<number>, kind: 'max' | 'min', g: number, gx: Float64Array): void {
  if (g === 0) return;
  const len = x.length;
  const isMax = kind === 'max';
  let s = isMax ? Infinity : -Infinity;
  for (let j = 0; j < len; j++) s = isMax ? tfMin(s, x[j]!) : tfMax(s, x[j]!);
  let best = isMax ? -Infinity : Infinity;
  for (let j = 0; j < len; j++) {
    const v = (x[j]! - s) * mask[j]!;
    best = isMax ? tfMax(best, v) : tfMin(best, v);
  }
  let ties = 0;
  for (let j = 0; j < len; j++) if ((x[j]! - s) * mask[j]! === best) ties++;
  const share = g / ties;
  // y = reduce_j(v_j) + s with v_j = (x_j − s)·m_j.
  let gShift = g;
  for (let j = 0; j < len; j++) {
    if ((x[j]! - s) * mask[j]! !== best) continue;
    gx[j]! += share * mask[j]!;
    gShift -= share * mask[j]!;
  }
  let shiftTies = 0;
  for (let j = 0; j < len; j++) if (x[j] === s) shiftTies++;
  for (let j = 0; j < len; j++) if (x[j] === s) gx[j]! += gShift / shiftTies;
}

interface Computed {
  value: number;
  grad: Float64Array | null;
}

function rowOf(m: Float64Array, n: number, i: number): Float64Array {
  return m.subarray(i * n, (i + 1) * n);
}

/** The semi-hard mask of anchor i and positive k: negatives j of i with d(i,j) > d(i,k). Returns whether any is set. */
function semihardMask(row: Float64Array, notAdjacent: Float64Array, k: number, mask: Float64Array): boolean {
  const dik = row[k]!;
  let any = false;
  for (let j = 0; j < row.length; j++) {
    const m = notAdjacent[j] === 1 && row[j]! > dik;
    mask[j] = m ? 1 : 0;
    if (m) any = true;
  }
  return any;
}

/** triplet_semihard_loss(y_true, y_pred, margin, distance_metric). */
function semihard(labelsT: Tensor, embT: Tensor, margin: number, metric: Metric, wantGrad: boolean): Computed {
  const y = readLabels(labelsT);
  const e = readEmbeddings(embT);
  const L = y.length;
  const N = e.n;
  const dist = distances(e, metric);
  if (L !== N) {
    if (N !== 1) throw dimsError('Greater', [L * N, N], [N * N, 1]);
    throw dimsError('LogicalAnd', [L * L, L], [L * N, N]);
  }
  const B = N;
  const d = dist.d;
  const adjNot = new Float64Array(B * B);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) adjNot[i * B + j] = y[i] === y[j] ? 0 : 1;
  const inside = new Float64Array(B);
  for (let i = 0; i < B; i++) inside[i] = maskedReduce(rowOf(d, B, i), rowOf(adjNot, B, i), 'max');
  const mask = new Float64Array(B);
  let positives = 0;
  for (let q = 0; q < B * B; q++) positives += 1 - adjNot[q]!;
  positives -= B;
  // For the backward: which (i, k) pass maximum(·, 0), and whether their negative was the semi-hard one.
  const passes = wantGrad ? new Uint8Array(B * B) : null;
  let total = 0;
  for (let i = 0; i < B; i++) {
    const row = rowOf(d, B, i);
    const notAdjacent = rowOf(adjNot, B, i);
    // Entries off the positive pairs are max(loss·0, 0) = 0 and get a zero gradient, unless the
    // loss is not finite or there is no positive pair at all (then ∞·0 and 0/0 make NaN): only
    // then are they worked out.
    let finite = Number.isFinite(margin) && positives > 0;
    for (let j = 0; j < B && finite; j++) finite = Number.isFinite(row[j]!);
    for (let k = 0; k < B; k++) {
      const mp = (y[i] === y[k] ? 1 : 0) - (i === k ? 1 : 0);
      if (finite && mp === 0) continue;
      const any = semihardMask(row, notAdjacent, k, mask);
      const chosen = any ? maskedReduce(row, mask, 'min') : inside[i]!;
      const v = (margin + (row[k]! - chosen)) * mp;
      total += relu(v);
      // maximum(v, 0) passes the gradient where v ≥ 0; masked entries get 0 unless the division below is by 0.
      if (passes !== null && v >= 0) passes[i * B + k] = any ? 2 : 1;
    }
  }
  const value = total / positives;
  if (passes === null) return { value, grad: null };
  // ∂/∂sum of sum / #positives is 1/#positives: infinite without positive pairs, and ∞·0 = NaN.
  const inv = 1 / positives;
  const gd = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    const row = rowOf(d, B, i);
    const notAdjacent = rowOf(adjNot, B, i);
    const grow = rowOf(gd, B, i);
    for (let k = 0; k < B; k++) {
      const pass = passes[i * B + k]!;
      if (pass === 0) continue;
      const g = ((y[i] === y[k] ? 1 : 0) - (i === k ? 1 : 0)) * inv;
      if (g === 0) continue;
      grow[k]! += g;
      if (pass === 2) {
        semihardMask(row, notAdjacent, k, mask);
        maskedReduceBackward(row, mask, 'min', -g, grow);
      } else {
        maskedReduceBackward(row, notAdjacent, 'max', -g, grow);
      }
    }
  }
  return { value, grad: dist.backward(gd) };
}

/** triplet_hard_loss(y_true, y_pred, margin, soft, distance_metric). */
function hard(labelsT: Tensor, embT: Tensor, margin: number, soft: boolean, metric: Metric, wantGrad: boolean): Computed {
  const y = readLabels(labelsT);
  const e = readEmbeddings(embT);
  const L = y.length;
  const N = e.n;
  const dist = distances(e, metric);
  // (pdist − shift)·mask broadcasts an (N × N) matrix against (L × L) masks: equal sizes, or a 1.
  if (L !== N && L !== 1 && N !== 1) throw dimsError('Mul', [N, N], [L, L]);
  const R = Math.max(L, N);
  const d = dist.d;
  const dAt = (i: number, j: number): number => (N === 1 ? 0 : i * N + j);
  const gd = wantGrad ? new Float64Array(N * N) : null;
  const xs = new Float64Array(R);
  const neg = new Float64Array(R);
  const pos = new Float64Array(R);
  const grow = new Float64Array(R);
  let total = 0;
  for (let i = 0; i < R; i++) {
    const li = L === 1 ? 0 : i;
    for (let j = 0; j < R; j++) {
      const lj = L === 1 ? 0 : j;
      xs[j] = d[dAt(i, j)]!;
      neg[j] = y[li] === y[lj] ? 0 : 1;
      pos[j] = (y[li] === y[lj] ? 1 : 0) - (li === lj ? 1 : 0);
    }
    // The shift is the minimum/maximum of pdist's own row: with N = 1 the same single value.
    const hn = maskedReduce(xs, neg, 'min');
    const hp = maskedReduce(xs, pos, 'max');
    const z = hp - hn;
    let dz: number;
    if (soft) {
      const ez = Math.exp(z);
      total += Math.log1p(ez);
      dz = ez * (1 / (1 + ez));
    } else {
      const h = z + margin;
      total += relu(h);
      dz = h >= 0 ? 1 : 0;
    }
    if (gd !== null) {
      grow.fill(0);
      const g = dz / R;
      maskedReduceBackward(xs, pos, 'max', g, grow);
      maskedReduceBackward(xs, neg, 'min', -g, grow);
      for (let j = 0; j < R; j++) gd[dAt(i, j)]! += grow[j]!;
    }
  }
  const value = total / R;
  return { value, grad: gd === null ? null : dist.backward(gd) };
}

/** lifted_struct_loss(labels, embeddings, margin). */
function lifted(labelsT: Tensor, embT: Tensor, margin: number, wantGrad: boolean): Computed {
  const y = readLabels(labelsT);
  const e = readEmbeddings(embT);
  const L = y.length;
  const N = e.n;
  const dist = pairwiseDistance(e, false);
  if (L !== N) {
    if (L !== 1 && N !== 1) throw dimsError('Mul', [N, N], [L, L]);
    if (L === 1) throw dimsError('Sub', [N, N], [N * N, 1]);
    throw dimsError('Sub', [L, 1], [L * L, 1]);
  }
  const B = N;
  const d = dist.d;
  const diff = new Float64Array(B * B);
  const mask = new Float64Array(B * B);
  for (let q = 0; q < B * B; q++) {
    diff[q] = margin - d[q]!;
    mask[q] = y[Math.floor(q / B)] === y[q % B] ? 0 : 1;
  }
  const rnm = new Float64Array(B);
  for (let i = 0; i < B; i++) rnm[i] = maskedReduce(rowOf(diff, B, i), rowOf(mask, B, i), 'max');
  // M[i][k] = max(m_i, m_k);  E[k][i] = Σ_j mask_ij·exp(diff_ij − M[i][k]), computed as
  // exp(m_i − M[i][k])·S_i with S_i = Σ_j mask_ij·exp(diff_ij − m_i): the same sum (diff_ij ≤ m_i, so
  // nothing overflows) in O(B²) exponentials instead of TF's O(B³); they differ in the last bits only.
  const M = new Float64Array(B * B);
  for (let i = 0; i < B; i++) for (let k = 0; k < B; k++) M[i * B + k] = tfMax(rnm[i]!, rnm[k]!);
  const S = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    let sum = 0;
    for (let j = 0; j < B; j++) sum += Math.exp(diff[i * B + j]! - rnm[i]!) * mask[i * B + j]!;
    S[i] = sum;
  }
  const E = new Float64Array(B * B);
  for (let k = 0; k < B; k++) for (let i = 0; i < B; i++) E[k * B + i] = Math.exp(rnm[i]! - M[i * B + k]!) * S[i]!;
  let total = 0;
  let positiveEntries = 0;
  const gLoss = wantGrad ? new Float64Array(B * B) : null;
  for (let k = 0; k < B; k++) {
    for (let i = 0; i < B; i++) {
      const q = k * B + i;
      const lossIK = M[q]! + Math.log(E[q]! + E[i * B + k]!) + d[q]!;
      const mp = (y[k] === y[i] ? 1 : 0) - (k === i ? 1 : 0);
      positiveEntries += mp;
      const v = lossIK * mp;
      const h = relu(v);
      total += h * h;
      if (gLoss !== null) gLoss[q] = v >= 0 ? 2 * h * mp : 0;
    }
  }
  const numPositives = positiveEntries / 2;
  const value = (0.25 * total) / numPositives;
  if (gLoss === null) return { value, grad: null };
  const scale = 0.25 / numPositives;
  const gd = new Float64Array(B * B);
  const gM = new Float64Array(B * B);
  const gE = new Float64Array(B * B);
  for (let k = 0; k < B; k++) {
    for (let i = 0; i < B; i++) {
      const q = k * B + i;
      const g = gLoss[q]! * scale;
      // No early exit at g = 0: log's gradient g / 0 is NaN when neither member has a negative, as in TF.
      gd[q]! += g;
      gM[q]! += g;
      const gLog = g / (E[q]! + E[i * B + k]!);
      gE[q]! += gLog;
      gE[i * B + k]! += gLog;
    }
  }
  // ∂E[k][i]/∂diff_ij = mask_ij·exp(diff_ij − M[i][k]) and ∂E[k][i]/∂M[i][k] = −E[k][i].
  const gDiff = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    let w = 0;
    for (let k = 0; k < B; k++) {
      const g = gE[k * B + i]!;
      if (g === 0) continue;
      w += g * Math.exp(rnm[i]! - M[i * B + k]!);
      gM[i * B + k]! -= g * E[k * B + i]!;
    }
    if (w === 0) continue;
    for (let j = 0; j < B; j++) gDiff[i * B + j] = w * Math.exp(diff[i * B + j]! - rnm[i]!) * mask[i * B + j]!;
  }
  const gRnm = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    for (let k = 0; k < B; k++) {
      // maximum(x, y) with x = m_i (the column) and y = m_k: x takes the gradient at a tie.
      if (rnm[i]! >= rnm[k]!) gRnm[i]! += gM[i * B + k]!;
      else gRnm[k]! += gM[i * B + k]!;
    }
  }
  for (let i = 0; i < B; i++) maskedReduceBackward(rowOf(diff, B, i), rowOf(mask, B, i), 'max', gRnm[i]!, rowOf(gDiff, B, i));
  for (let q = 0; q < B * B; q++) gd[q]! -= gDiff[q]!;
  return { value, grad: dist.backward(gd) };
}

function finish(r: Computed, emb: Tensor): KernelResult {
  const result: KernelResult = { value: scalar(r.value) };
  if (r.grad !== null) result.grad = out([...emb.shape], r.grad);
  return result;
}

/** LossFunctionWrapper with Reduction.NONE: the scalar times the (aligned, broadcast) sample_weight. */
function finishClass(a: Args, r: Computed, emb: Tensor): KernelResult {
  const reduced = reduceKeras2(Float64Array.of(r.value), [], 'none', a.optTensor('sample_weight'));
  const result: KernelResult = { value: reduced.value };
  if (r.grad !== null) {
    const s = typeof reduced.scale === 'number' ? reduced.scale : reduced.scale[0]!;
    if (s !== 1) for (let i = 0; i < r.grad.length; i++) r.grad[i]! *= s;
    result.grad = out([...emb.shape], r.grad);
  }
  return result;
}

type Mining = (a: Args, labels: Tensor, emb: Tensor, want: Want) => Computed;

const semihardLoss: Mining = (a, labels, emb, want) =>
  semihard(labels, emb, a.number('margin'), parseMetric(a.raw('distance_metric')), want.grad);
const hardLoss: Mining = (a, labels, emb, want) =>
  hard(labels, emb, a.number('margin'), a.bool('soft'), parseMetric(a.raw('distance_metric')), want.grad);
const liftedLoss: Mining = (a, labels, emb, want) => lifted(labels, emb, a.number('margin'), want.grad);

function functionForm(loss: Mining, labels: string, emb: string): ApiImpl {
  return (a, want) => {
    const e = a.tensor(emb);
    return finish(loss(a, a.tensor(labels), e, want), e);
  };
}

function classForm(loss: Mining): ApiImpl {
  return (a, want) => {
    const e = a.tensor('y_pred');
    return finishClass(a, loss(a, a.tensor('y_true'), e, want), e);
  };
}

export const tfaMiningImplementations: Record<string, ApiImpl> = {
  'tfa.losses.TripletSemiHardLoss': classForm(semihardLoss),
  'tfa.losses.triplet_semihard_loss': functionForm(semihardLoss, 'y_true', 'y_pred'),
  'tfa.losses.TripletHardLoss': classForm(hardLoss),
  'tfa.losses.triplet_hard_loss': functionForm(hardLoss, 'y_true', 'y_pred'),
  'tfa.losses.LiftedStructLoss': classForm(liftedLoss),
  'tfa.losses.lifted_struct_loss': functionForm(liftedLoss, 'labels', 'embeddings'),
};
