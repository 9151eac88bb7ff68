/**
 * TensorFlow Addons' seq2seq sequence loss (tfa.seq2seq.sequence_loss and SequenceLoss, the
 * final 0.23 release): token-level softmax cross-entropy on (B, T, V) logits, multiplied by
 * (B, T) weights, then reduced over the batch and/or time axes by one of two rules, a weighted
 * mean (Σ ce·w / Σ w) or a mean over non-zero weights (Σ ce·w / count_nonzero(w)), both with
 * div_no_nan (a zero denominator gives 0).
 *
 * Gradients follow TensorFlow's registered ones: softmax − one_hot for integer targets and
 * softmax − labels for (B, T, V) label distributions.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import { LossError, type Tensor, out, scalar } from '../tensor.js';

interface Flags {
  avgT: boolean;
  avgB: boolean;
  sumT: boolean;
  sumB: boolean;
}

function checkFlags(f: Flags): void {
  if (f.avgT && f.sumT) throw new LossError('average_across_timesteps and sum_over_timesteps cannot be set to True at same time.');
  if (f.avgB && f.sumB) throw new LossError('average_across_batch and sum_over_batch cannot be set to True at same time.');
  if (f.avgB && f.sumT) {
    throw new LossError('average_across_batch and sum_over_timesteps cannot be set to True at same time because of ambiguous order.');
  }
  if (f.sumB && f.avgT) {
    throw new LossError('sum_over_batch and average_across_timesteps cannot be set to True at same time because of ambiguous order.');
  }
}

function sequenceLoss(logits: Tensor, targets: Tensor, weights: Tensor | null, f: Flags, wantGrad: boolean): KernelResult & { perSample: ReturnType<typeof out> } {
  if (logits.shape.length !== 3) throw new LossError('Logits must be a [batch_size x sequence_length x logits] tensor');
  const rank = targets.shape.length;
  if (rank !== 2 && rank !== 3) {
    throw new LossError(
      "Targets must be either a [batch_size x sequence_length] tensor where each element contains the labels' index" +
        'or a [batch_size x sequence_length x num_classes] tensor where the third axis is a one-hot representation of the labels',
    );
  }
  if (weights === null) throw new LossError("'NoneType' object has no attribute 'shape' (sequence_loss needs weights; pass sample_weight, e.g. a tf.sequence_mask)");
  if (weights.shape.length !== 2) throw new LossError('Weights must be a [batch_size x sequence_length] tensor');
  checkFlags(f);
  const [B, T, V] = logits.shape as [number, number, number];
  const P = B * T;
  if (targets.size !== (rank === 2 ? P : P * V)) {
    throw new LossError(`Input to reshape is a tensor with ${targets.size} values, but the requested shape has ${rank === 2 ? P : P * V}`);
  }
  if (weights.size !== P) throw new LossError(`Input to reshape is a tensor with ${weights.size} values, but the requested shape has ${P}`);

  // Token cross-entropies and their per-token logits gradient (before weighting).
  const ce = new Float64Array(P);
  const tokenGrad = wantGrad ? new Float64Array(P * V) : null;
  const x = logits.data;
  const y = targets.data;
  for (let p = 0; p < P; p++) {
    const o = p * V;
    let m = -Infinity;
    for (let c = 0; c < V; c++) if (x[o + c]! > m) m = x[o + c]!;
    let s = 0;
    for (let c = 0; c < V; c++) s += Math.exp(x[o + c]! - m);
    const lse = m + Math.log(s);
    if (rank === 2) {
      const label = y[p]!;
      if (!Number.isInteger(label) || label < 0 || label >= V) {
        throw new LossError(`Received a label value of ${label} which is outside the valid range of [0, ${V}).  Label values: ${Array.from(y as ArrayLike<number>).join(' ')}`);
      }
      ce[p] = lse - x[o + label]!;
      if (tokenGrad !== null) {
        for (let c = 0; c < V; c++) tokenGrad[o + c] = Math.exp(x[o + c]! - lse);
        tokenGrad[o + label] -= 1;
      }
    } else {
      let loss = 0;
      for (let c = 0; c < V; c++) {
        loss -= y[o + c]! * (x[o + c]! - lse);
      }
      ce[p] = loss;
      if (tokenGrad !== null) for (let c = 0; c < V; c++) tokenGrad[o + c] = Math.exp(x[o + c]! - lse) - y[o + c]!;
    }
  }
  const w = weights.data;
  const weighted = new Float64Array(P);
  for (let p = 0; p < P; p++) weighted[p] = ce[p]! * w[p]!;

  // Reduction, and ∂(Σ output)/∂weighted[p] as one factor per token.
  const factor = new Float64Array(P);
  let value;
  const divNoNan = (num: number, den: number): number => (den === 0 ? 0 : num / den);
  if ((f.avgT && f.avgB) || (f.sumT && f.sumB)) {
    let total = 0;
    let den = 0;
    for (let p = 0; p < P; p++) {
      total += weighted[p]!;
      den += f.avgT ? w[p]! : w[p] !== 0 ? 1 : 0;
    }
    value = scalar(divNoNan(total, den));
    factor.fill(den === 0 ? 0 : 1 / den);
  } else if (f.avgT || f.avgB || f.sumT || f.sumB) {
    const overBatch = f.avgB || f.sumB; // reduce axis 0 → one value per timestep; else axis 1 → per sequence
    const countNonzero = f.sumT || f.sumB;
    const groups = overBatch ? T : B;
    const totals = new Float64Array(groups);
    const dens = new Float64Array(groups);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const p = b * T + t;
        const g = overBatch ? t : b;
        totals[g] += weighted[p]!;
        dens[g] += countNonzero ? (w[p] !== 0 ? 1 : 0) : w[p]!;
      }
    }
    const values = new Float64Array(groups);
    for (let g = 0; g < groups; g++) values[g] = divNoNan(totals[g]!, dens[g]!);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const d = dens[overBatch ? t : b]!;
        factor[b * T + t] = d === 0 ? 0 : 1 / d;
      }
    }
    value = out([groups], values);
  } else {
    value = out([B, T], weighted);
    factor.fill(1);
  }

  const result: KernelResult & { perSample: ReturnType<typeof out> } = { value, perSample: out([B, T], weighted) };
  if (tokenGrad !== null) {
    for (let p = 0; p < P; p++) {
      const k = factor[p]! * w[p]!;
      for (let c = 0; c < V; c++) tokenGrad[p * V + c]! *= k;
    }
    result.grad = out(logits.shape, tokenGrad);
  }
  return result;
}

function requireDefaultLossFunction(a: Parameters<ApiImpl>[0]): void {
  if (a.raw('softmax_loss_function') !== null) {
    throw new LossError('softmax_loss_function is a Python callable; only its default (None, sparse softmax cross-entropy) is computable');
  }
}

/** tfa.seq2seq.sequence_loss(logits, targets, weights, …). */
export const tfaSequenceLoss: ApiImpl = (a, want) => {
  requireDefaultLossFunction(a);
  const flags = {
    avgT: a.bool('average_across_timesteps'),
    avgB: a.bool('average_across_batch'),
    sumT: a.bool('sum_over_timesteps'),
    sumB: a.bool('sum_over_batch'),
  };
  const r = sequenceLoss(a.tensor('logits'), a.tensor('targets'), a.optTensor('weights'), flags, want.grad);
  if (!want.perSample) delete (r as KernelResult).perSample;
  return r;
};

/** tfa.seq2seq.SequenceLoss()(y_true, y_pred, sample_weight): the same function with the class's defaults. */
export const tfaSequenceLossClass: ApiImpl = (a, want) => {
  requireDefaultLossFunction(a);
  const flags = {
    avgT: a.bool('average_across_timesteps'),
    avgB: a.bool('average_across_batch'),
    sumT: a.bool('sum_over_timesteps'),
    sumB: a.bool('sum_over_batch'),
  };
  const r = sequenceLoss(a.tensor('y_pred'), a.tensor('y_true'), a.optTensor('sample_weight'), flags, want.grad);
  if (!want.perSample) delete (r as KernelResult).perSample;
  return r;
};
