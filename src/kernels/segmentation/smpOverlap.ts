/**
 * segmentation_models_pytorch's overlap losses: DiceLoss, JaccardLoss and TverskyLoss, which
 * share one forward pass (smp's TverskyLoss subclasses DiceLoss):
 *
 * 1. activation when from_logits: multiclass exp(log_softmax(x, dim=1)), otherwise
 *    exp(logsigmoid(x));
 * 2. the prediction viewed as (N, K, P): binary K = 1 (every channel of a sample flattened
 *    together), multilabel/multiclass K = C; multiclass targets one-hot encoded;
 * 3. ignore_index zeroes both prediction and target at ignored pixels;
 * 4. per class, sums over the batch and the pixels together (dims (0, 2)), then a score;
 * 5. 1 − score or −log(clamp_min(score, eps)), zeroed for classes absent from the target,
 *    the `classes` subset selected, the mean (Tversky: mean^γ).
 *
 * The score follows smp ≥ 0.4 (PR #927): the intersection is (Σp + Σt − Σ|p − t|)/2, which
 * equals Σp·t for hard targets and keeps soft targets minimised at p = t; pinning a version
 * before 0.4 ("0.3.3") gives the older Σp·t form. Both are written as
 *   score = (a·I + s) / clamp_min(b·I + c_p·Σp + c_t·Σt + s, eps)
 * with the coefficients of each loss, so one gradient serves all of them; |p − t| has
 * derivative sgn(p − t), 0 at a tie, as torch's L1 norm gives.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import type { Args } from '../args.js';
import { versionAtLeast } from '../classification/version.js';
import { LossError, type Tensor, out } from '../tensor.js';
import { sigmoid } from '../classification/binaryCrossEntropy.js';
import { activate, activationGrad, checkMode, requirePredictionRank, smpView, type Mode } from './smpCommon.js';

interface ScoreForm {
  /** Intersection as (Σp + Σt − Σ|p − t|)/2 (smp ≥ 0.4) instead of Σp·t. */
  l1: boolean;
  a: number;
  b: number;
  cp: number;
  ct: number;
}

type Kind = 'dice' | 'jaccard' | 'tversky';

function scoreForm(kind: Kind, args: Args): ScoreForm {
  const l1 = args.version === undefined || versionAtLeast(args.version, '0.4');
  const alpha = kind === 'tversky' ? args.number('alpha') : kind === 'dice' ? 0.5 : 1;
  const beta = kind === 'tversky' ? args.number('beta') : kind === 'dice' ? 0.5 : 1;
  if (!l1 && kind === 'dice') return { l1, a: 2, b: 0, cp: 1, ct: 1 };
  if (!l1 && kind === 'jaccard') return { l1, a: 1, b: -1, cp: 1, ct: 1 };
  // I + α·(Σp − I) + β·(Σt − I): Tversky in both versions, Dice (α = β = ½) and Jaccard (α = β = 1) from 0.4 on.
  return { l1, a: 1, b: 1 - alpha - beta, cp: alpha, ct: beta };
}

/** The `classes` argument as indices into the K per-class losses (Python indexing, negatives allowed). */
function selectedClasses(classes: number[] | null, k: number): number[] {
  if (classes === null) return Array.from({ length: k }, (_, i) => i);
  return classes.map((c) => {
    if (c < -k || c >= k) throw new LossError(`index ${c} is out of bounds for dimension 0 with size ${k}`);
    return c < 0 ? c + k : c;
  });
}

function overlapLoss(kind: Kind): ApiImpl {
  return (args, want) => {
    const mode = checkMode(args.string('mode'));
    const classes = args.raw('classes') as number[] | null;
    if (classes !== null && mode === 'binary') throw new LossError('AssertionError: Masking classes is not supported with mode=binary');
    const logLoss = args.bool('log_loss');
    const fromLogits = args.bool('from_logits');
    const smooth = args.number('smooth');
    const eps = args.number('eps');
    const ignoreIndex = args.optInt('ignore_index');
    const gamma = kind === 'tversky' ? args.number('gamma') : 1;
    const form = scoreForm(kind, args);
    const yPred = args.tensor('y_pred');
    const yTrue = args.tensor('y_true');
    return compute(mode, yPred, yTrue, { classes, logLoss, fromLogits, smooth, eps, ignoreIndex, gamma, form, tversky: kind === 'tversky' }, want);
  };
}

interface Options {
  classes: number[] | null;
  logLoss: boolean;
  fromLogits: boolean;
  smooth: number;
  eps: number;
  ignoreIndex: number | null;
  gamma: number;
  form: ScoreForm;
  tversky: boolean;
}

function compute(mode: Mode, yPred: Tensor, yTrue: Tensor, o: Options, want: { grad: boolean; perSample: boolean }): KernelResult {
  requirePredictionRank(yPred, yTrue);
  const view = smpView(mode, yPred, yTrue, o.ignoreIndex);
  const { n: N, k: K, p: P, target: t, keep } = view;
  // Prediction and target share the (N, K, P) layout (binary: K = 1), so element (n, c, j) is at (n·K + c)·P + j in both.
  // Per-class sums over batch and pixels.
  const sp = new Float64Array(K);
  const st = new Float64Array(K);
  const inter = new Float64Array(K);
  // Without a gradient, sigmoid probabilities are summed as they are computed: a fresh
  // buffer of them would cost more (page faults) than the arithmetic.
  const fused = !want.grad && keep === null && o.form.l1 && mode !== 'multiclass' && o.fromLogits;
  const act = fused ? null : activate(yPred, mode, o.fromLogits);
  const prob = act === null ? yPred.data : act.p;
  if (fused) {
    for (let nn = 0; nn < N; nn++) {
      for (let c = 0; c < K; c++) {
        const tb = (nn * K + c) * P;
        let sP = 0;
        let sT = 0;
        let sI = 0;
        for (let j = tb; j < tb + P; j++) {
          const pv = sigmoid(prob[j]!);
          const tv = t[j]!;
          sP += pv;
          sT += tv;
          sI += Math.abs(pv - tv);
        }
        sp[c]! += sP;
        st[c]! += sT;
        inter[c]! += sI;
      }
    }
  } else for (let nn = 0; nn < N; nn++) {
    for (let c = 0; c < K; c++) {
      const tb = (nn * K + c) * P;
      let sP = 0;
      let sT = 0;
      let sI = 0;
      if (keep === null && o.form.l1) {
        for (let j = tb; j < tb + P; j++) {
          const pv = prob[j]!;
          const tv = t[j]!;
          sP += pv;
          sT += tv;
          sI += Math.abs(pv - tv);
        }
      } else {
        for (let j = tb; j < tb + P; j++) {
          // smp multiplies by the mask, so an ignored NaN prediction still poisons the sums.
          const pv = keep === null ? prob[j]! : prob[j]! * keep[j]!;
          const tv = t[j]!;
          sP += pv;
          sT += tv;
          sI += o.form.l1 ? Math.abs(pv - tv) : pv * tv;
        }
      }
      sp[c]! += sP;
      st[c]! += sT;
      inter[c]! += sI;
    }
  }
  const I = new Float64Array(K);
  const num = new Float64Array(K);
  const den = new Float64Array(K);
  const denPasses = new Uint8Array(K);
  const score = new Float64Array(K);
  const classLoss = new Float64Array(K);
  const present = new Float64Array(K);
  const { a, b, cp, ct } = o.form;
  for (let c = 0; c < K; c++) {
    I[c] = o.form.l1 ? (sp[c]! + st[c]! - inter[c]!) / 2 : inter[c]!;
    num[c] = a * I[c]! + o.smooth;
    const raw = b * I[c]! + cp * sp[c]! + ct * st[c]! + o.smooth;
    denPasses[c] = raw >= o.eps ? 1 : 0;
    den[c] = Number.isNaN(raw) ? raw : Math.max(raw, o.eps);
    score[c] = num[c]! / den[c]!;
    classLoss[c] = o.logLoss ? -Math.log(Number.isNaN(score[c]!) ? NaN : Math.max(score[c]!, o.eps)) : 1 - score[c]!;
    present[c] = st[c]! > 0 ? 1 : 0;
    classLoss[c]! *= present[c]!;
  }
  const sel = selectedClasses(o.classes, K);
  const selected = new Float64Array(sel.length);
  let total = 0;
  for (let i = 0; i < sel.length; i++) {
    selected[i] = classLoss[sel[i]!]!;
    total += selected[i]!;
  }
  const mean = total / sel.length;
  const value = o.tversky ? mean ** o.gamma : mean;
  const result: KernelResult = { value: out([], Float64Array.of(value)) };
  if (want.perSample) result.perSample = out([sel.length], selected);
  if (!want.grad) return result;

  // d value / d mean (torch's pow backward is 0 for a zero exponent), then per class.
  const gMean = !o.tversky ? 1 : o.gamma === 0 ? 0 : o.gamma * mean ** (o.gamma - 1);
  const gLoss = new Float64Array(K);
  for (const c of sel) gLoss[c]! += gMean / sel.length;
  // Per class: ∂/∂p of every element is gI·∂I/∂p + gDen·c_p.
  const gI = new Float64Array(K);
  const gDen = new Float64Array(K);
  for (let c = 0; c < K; c++) {
    const g = gLoss[c]! * present[c]!;
    let gScore: number;
    if (o.logLoss) gScore = score[c]! >= o.eps ? -g / score[c]! : 0;
    else gScore = -g;
    const gNum = gScore / den[c]!;
    const gD = denPasses[c] ? (-gScore * num[c]!) / (den[c]! * den[c]!) : 0;
    gI[c] = gNum * a + gD * b;
    gDen[c] = gD;
  }
  const gp = new Float64Array(yPred.size);
  for (let nn = 0; nn < N; nn++) {
    for (let c = 0; c < K; c++) {
      const tb = (nn * K + c) * P;
      for (let j = 0; j < P; j++) {
        const idx = tb + j;
        const m = keep === null ? 1 : keep[idx]!;
        const pv = prob[idx]! * m;
        const tv = t[idx]!;
        const dI = o.form.l1 ? (1 - Math.sign(pv - tv)) / 2 : tv;
        gp[idx] = (gI[c]! * dI + gDen[c]! * cp) * m;
      }
    }
  }
  result.grad = out(yPred.shape, activationGrad(act!, gp));
  return result;
}

export const diceLoss = overlapLoss('dice');
export const jaccardLoss = overlapLoss('jaccard');
export const tverskyLoss = overlapLoss('tversky');
