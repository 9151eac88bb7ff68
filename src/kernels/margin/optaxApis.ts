/**
 * optax margin-group losses (optax.losses.*): the KL divergences, binary and multiclass hinge
 * and perceptron losses, cosine similarity and distance, triplet_margin_loss and ntxent, as
 * their JAX code computes them, with JAX's gradient conventions: maximum splits the gradient
 * at a tie, max over an axis shares it between tied maxima, and jnp.where sends nothing to the
 * branch it does not select.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import type { Args } from '../args.js';
import { LossError, type NumericArray, type Tensor, numel, out, scalar, shapeEquals } from '../tensor.js';
import { axisMap } from './axes.js';
import { broadcastJax, gatherTo, pyShape, requireJaxFloating, sumToShape } from './common.js';

/** JAX's maximum(z, 0) derivative with respect to z: 1 above, ½ at the tie, 0 below. */
function reluGrad(z: number): number {
  return z > 0 ? 1 : z === 0 ? 0.5 : 0;
}

function reluJax(z: number): number {
  return z > 0 ? z : z === z ? 0 : z;
}

// ------------------------------------------------------------------------------------------- KL

type KlTerm = (lp: number, t: number) => { value: number; grad: number };

const klTerm: KlTerm = (lp, t) => ({ value: t * ((t === 0 ? 0 : Math.log(t)) - lp), grad: -t });
const klLogTargetTerm: KlTerm = (lp, lt) => {
  const p = Math.exp(lt);
  return { value: p * (lt - lp), grad: -p };
};
const convexTerm: KlTerm = (lp, t) => {
  const q = Math.exp(lp);
  return { value: t * ((t === 0 ? 0 : Math.log(t)) - lp) + (q - t), grad: -t + q };
};

function optaxKl(targetName: string, term: KlTerm): ApiImpl {
  return (a, want) => {
    const lp = a.tensor('log_predictions');
    const t = a.tensor(targetName);
    requireJaxFloating(lp);
    requireJaxFloating(t);
    let shape = broadcastJax(lp.shape, t.shape);
    const where = a.optTensor('where');
    if (where !== null) shape = broadcastJax(shape, where.shape);
    const x = gatherTo(lp, shape);
    const y = gatherTo(t, shape);
    const w = where === null ? null : gatherTo(where, shape);
    const map = axisMap(shape, a.axis('axis'));
    const values = new Float64Array(map.positions);
    const grad = want.grad ? new Float64Array(x.length) : null;
    for (let i = 0; i < x.length; i++) {
      if (w !== null && !w[i]) continue;
      const r = term(x[i]!, y[i]!);
      values[map.index[i]!]! += r.value;
      if (grad !== null) grad[i] = r.grad;
    }
    const result: KernelResult = { value: out(map.outShape, values) };
    if (want.perSample) result.perSample = out(map.outShape, values);
    if (grad !== null) result.grad = out(lp.shape, sumToShape(grad, shape, lp.shape));
    return result;
  };
}

// ---------------------------------------------------------------------------------------- hinge

function binaryMargin(margin: number, equalShapes: boolean): ApiImpl {
  return (a, want) => {
    const x = a.tensor('predictor_outputs');
    const t = a.tensor('targets');
    if (equalShapes && !shapeEquals(x.shape, t.shape)) {
      throw new LossError(`[Chex] Assertion assert_equal_shape failed: Arrays have different shapes: [${pyShape(x.shape)}, ${pyShape(t.shape)}].`);
    }
    const shape = broadcastJax(x.shape, t.shape);
    const xs = gatherTo(x, shape);
    const ts = gatherTo(t, shape);
    const values = new Float64Array(xs.length);
    const grad = want.grad ? new Float64Array(xs.length) : null;
    for (let i = 0; i < xs.length; i++) {
      const z = margin - xs[i]! * ts[i]!;
      values[i] = reluJax(z);
      if (grad !== null) grad[i] = -ts[i]! * reluGrad(z);
    }
    const result: KernelResult = { value: out(shape, values) };
    if (want.perSample) result.perSample = out(shape, values);
    if (grad !== null) result.grad = out(x.shape, sumToShape(grad, shape, x.shape));
    return result;
  };
}

/** max_j (s_j + margin − margin·[j = y]) − s_y with jax.nn.one_hot (a zero row for out-of-range labels). */
function multiclassMargin(margin: number): ApiImpl {
  return (a, want) => {
    const s = a.tensor('scores');
    const labels = a.tensor('labels');
    if (s.shape.length === 0) throw new LossError('scores must have at least one dimension (the classes)');
    const C = s.shape[s.shape.length - 1]!;
    const batch = s.shape.slice(0, -1);
    if (!shapeEquals(labels.shape, batch)) {
      throw new LossError(`labels of shape ${pyShape(labels.shape)} do not match the scores' batch shape ${pyShape(batch)}`);
    }
    if (C === 0) throw new LossError('zero-size array to reduction operation max which has no identity');
    const rows = numel(batch);
    const x = s.data;
    const values = new Float64Array(rows);
    const grad = want.grad ? new Float64Array(s.size) : null;
    for (let r = 0; r < rows; r++) {
      const y = Number(labels.data[r]);
      const base = r * C;
      let m = -Infinity;
      for (let c = 0; c < C; c++) {
        const v = x[base + c]! + (c === y ? 0 : margin);
        if (v > m || v !== v) m = v;
      }
      const sy = y >= 0 && y < C ? x[base + y]! : 0;
      values[r] = m - sy;
      if (grad === null) continue;
      let ties = 0;
      for (let c = 0; c < C; c++) if (x[base + c]! + (c === y ? 0 : margin) === m) ties++;
      for (let c = 0; c < C; c++) {
        const isMax = x[base + c]! + (c === y ? 0 : margin) === m ? 1 / ties : 0;
        grad[base + c] = isMax - (c === y ? 1 : 0);
      }
    }
    const result: KernelResult = { value: out(batch, values) };
    if (want.perSample) result.perSample = out(batch, values);
    if (grad !== null) result.grad = out(s.shape, grad);
    return result;
  };
}

// --------------------------------------------------------------------------------------- cosine

/** cos along `axis` with squared norms clipped at ε; gradient with respect to the predictions. */
function cosine(a: Args, want: { grad: boolean; perSample: boolean }, distance: boolean): KernelResult {
  const pred = a.tensor('predictions');
  const targ = a.tensor('targets');
  requireJaxFloating(pred);
  requireJaxFloating(targ);
  const eps = a.number('epsilon');
  let shape = broadcastJax(pred.shape, targ.shape);
  const where = a.optTensor('where');
  if (where !== null) shape = broadcastJax(shape, where.shape);
  const x = gatherTo(pred, shape);
  const y = gatherTo(targ, shape);
  const w = where === null ? null : gatherTo(where, shape);
  const map = axisMap(shape, a.axis('axis'));
  const P = map.positions;
  const na2 = new Float64Array(P);
  const nb2 = new Float64Array(P);
  for (let i = 0; i < x.length; i++) {
    if (w !== null && !w[i]) continue;
    na2[map.index[i]!]! += x[i]! * x[i]!;
    nb2[map.index[i]!]! += y[i]! * y[i]!;
  }
  const na = Float64Array.from(na2, (v) => Math.sqrt(v < eps || v !== v ? (v !== v ? v : eps) : v));
  const nb = Float64Array.from(nb2, (v) => Math.sqrt(v < eps || v !== v ? (v !== v ? v : eps) : v));
  const cos = new Float64Array(P);
  for (let i = 0; i < x.length; i++) {
    if (w !== null && !w[i]) continue;
    const o = map.index[i]!;
    cos[o]! += (x[i]! / na[o]!) * (y[i]! / nb[o]!);
  }
  const values = distance ? Float64Array.from(cos, (c) => 1 - c) : cos;
  const result: KernelResult = { value: out(map.outShape, values) };
  if (want.perSample) result.perSample = out(map.outShape, values);
  if (want.grad) {
    const sign = distance ? -1 : 1;
    const grad = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      if (w !== null && !w[i]) continue;
      const o = map.index[i]!;
      // clip(‖a‖², ε): the gradient passes above ε, half of it at the tie, none below.
      const g = na2[o]! > eps ? 1 : na2[o] === eps ? 0.5 : 0;
      const direct = y[i]! / nb[o]! / na[o]!;
      grad[i] = sign * (direct - (g * cos[o]! * x[i]!) / (na[o]! * na[o]!));
    }
    result.grad = out(pred.shape, sumToShape(grad, shape, pred.shape));
  }
  return result;
}

// ------------------------------------------------------------------------------------- triplet

const tripletMarginLoss: ApiImpl = (a, want) => {
  const anchors = a.tensor('anchors');
  const positives = a.tensor('positives');
  const negatives = a.tensor('negatives');
  for (const t of [anchors, positives, negatives]) requireJaxFloating(t);
  const p = a.number('norm_degree');
  const margin = a.number('margin');
  const eps = a.number('eps');
  const shape = broadcastJax(broadcastJax(anchors.shape, positives.shape), negatives.shape);
  const map = axisMap(shape, a.int('axis'));
  const A = gatherTo(anchors, shape);
  const Pp = gatherTo(positives, shape);
  const N = gatherTo(negatives, shape);
  const sp = new Float64Array(map.positions);
  const sn = new Float64Array(map.positions);
  for (let i = 0; i < A.length; i++) {
    sp[map.index[i]!]! += Math.pow(A[i]! - Pp[i]!, p);
    sn[map.index[i]!]! += Math.pow(A[i]! - N[i]!, p);
  }
  const dp = Float64Array.from(sp, (s) => Math.pow(s + eps, 1 / p));
  const dn = Float64Array.from(sn, (s) => Math.pow(s + eps, 1 / p));
  const values = new Float64Array(map.positions);
  for (let o = 0; o < values.length; o++) values[o] = reluJax(dp[o]! - dn[o]! + margin);
  const result: KernelResult = { value: out(map.outShape, values) };
  if (want.perSample) result.perSample = out(map.outShape, values);
  if (want.grad) {
    const grad = new Float64Array(A.length);
    for (let i = 0; i < A.length; i++) {
      const o = map.index[i]!;
      const g = reluGrad(dp[o]! - dn[o]! + margin);
      if (g === 0) continue;
      // d/da (Σ(a − x)^p + ε)^{1/p} = (S + ε)^{1/p − 1}·(a − x)^{p − 1}
      const gp = Math.pow(sp[o]! + eps, 1 / p - 1) * Math.pow(A[i]! - Pp[i]!, p - 1);
      const gn = Math.pow(sn[o]! + eps, 1 / p - 1) * Math.pow(A[i]! - N[i]!, p - 1);
      grad[i] = g * (gp - gn);
    }
    result.grad = out(anchors.shape, sumToShape(grad, shape, anchors.shape));
  }
  return result;
};

// -------------------------------------------------------------------------------------- NT-Xent

/** jnp.finfo(dtype).eps of the embeddings' dtype. */
function machineEpsilon(t: Tensor): number {
  return t.dtype === 'float32' ? 1.1920928955078125e-7 : 2.220446049250313e-16;
}

/**
 * Row-normalised embeddings with squared norms clipped at ε, and the backward of that
 * normalisation: ∂/∂e = (g − (g·u)·u·[‖e‖² > ε]) / n.
 */
export function clippedUnitRows(e: NumericArray, rows: number, dim: number, eps: number): { u: Float64Array; n: Float64Array; n2: Float64Array } {
  const u = new Float64Array(rows * dim);
  const n = new Float64Array(rows);
  const n2 = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += e[r * dim + d]! * e[r * dim + d]!;
    n2[r] = s;
    n[r] = Math.sqrt(s < eps ? eps : s);
    for (let d = 0; d < dim; d++) u[r * dim + d] = e[r * dim + d]! / n[r]!;
  }
  return { u, n, n2 };
}

const ntxent: ApiImpl = (a, want) => {
  const emb = a.tensor('embeddings');
  const labels = a.tensor('labels');
  requireJaxFloating(emb);
  if (emb.shape.length !== 2) throw new LossError(`embeddings must have shape [batch, feature_length], got ${pyShape(emb.shape)}`);
  const B = emb.shape[0]!;
  const D = emb.shape[1]!;
  if (labels.shape[0] !== B) {
    throw new LossError(
      `Labels and embeddings must have the same leading dimension, found ${labels.shape[0]} for labels and ${B} for embeddings.`,
    );
  }
  const tau = a.number('temperature');
  const eps = machineEpsilon(emb);
  const { u, n, n2 } = clippedUnitRows(emb.data, B, D, eps);
  const lab = labels.data;
  const S = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += u[i * D + d]! * u[j * D + d]!;
      S[i * B + j] = s / tau;
    }
  }
  // loss = −(1/M) Σ_{matches} [s_ij − log(e^{s_ij} + Σ_{diffs of i} e^{s_ik})]
  let M = 0;
  let total = 0;
  const dS = want.grad ? new Float64Array(B * B) : null;
  const terms: Array<{ i: number; j: number; denom: number; shift: number }> = [];
  for (let i = 0; i < B; i++) {
    let shift = -Infinity;
    for (let j = 0; j < B; j++) if (j !== i || lab[i] !== lab[j]) shift = Math.max(shift, S[i * B + j]!);
    let diffSum = 0;
    for (let k = 0; k < B; k++) if (lab[k] !== lab[i]) diffSum += Math.exp(S[i * B + k]! - shift);
    for (let j = 0; j < B; j++) {
      if (j === i || lab[j] !== lab[i]) continue;
      const ex = Math.exp(S[i * B + j]! - shift);
      const denom = diffSum + ex;
      total += S[i * B + j]! - shift - Math.log(denom);
      M++;
      terms.push({ i, j, denom, shift });
    }
  }
  const value = -total / M;
  const result: KernelResult = { value: scalar(value) };
  if (dS !== null) {
    for (const { i, j, denom, shift } of terms) {
      const ex = Math.exp(S[i * B + j]! - shift);
      dS[i * B + j]! += -(1 - ex / denom) / M;
      for (let k = 0; k < B; k++) if (lab[k] !== lab[i]) dS[i * B + k]! += Math.exp(S[i * B + k]! - shift) / denom / M;
    }
    // S = U·Uᵀ/τ → ∂/∂U = (dS + dSᵀ)·U/τ, then through the clipped normalisation.
    const gu = new Float64Array(B * D);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < B; j++) {
        const c = (dS[i * B + j]! + dS[j * B + i]!) / tau;
        if (c === 0) continue;
        for (let d = 0; d < D; d++) gu[i * D + d]! += c * u[j * D + d]!;
      }
    }
    const grad = new Float64Array(B * D);
    for (let r = 0; r < B; r++) {
      let gdotu = 0;
      for (let d = 0; d < D; d++) gdotu += gu[r * D + d]! * u[r * D + d]!;
      const pass = n2[r]! > eps ? 1 : 0;
      for (let d = 0; d < D; d++) grad[r * D + d] = (gu[r * D + d]! - pass * gdotu * u[r * D + d]!) / n[r]!;
    }
    result.grad = out(emb.shape, grad);
  }
  return result;
};

export const optaxImplementations: Record<string, ApiImpl> = {
  'optax.losses.kl_divergence': optaxKl('targets', klTerm),
  'optax.losses.kl_divergence_with_log_targets': optaxKl('log_targets', klLogTargetTerm),
  'optax.losses.convex_kl_divergence': optaxKl('targets', convexTerm),
  'optax.losses.generalized_kl_divergence': optaxKl('targets', convexTerm),
  'optax.losses.hinge_loss': binaryMargin(1, false),
  'optax.losses.perceptron_loss': binaryMargin(0, true),
  'optax.losses.multiclass_hinge_loss': multiclassMargin(1),
  'optax.losses.multiclass_perceptron_loss': multiclassMargin(0),
  'optax.losses.cosine_similarity': (a, want) => cosine(a, want, false),
  'optax.losses.cosine_distance': (a, want) => cosine(a, want, true),
  'optax.losses.triplet_margin_loss': tripletMarginLoss,
  'optax.losses.ntxent': ntxent,
};
