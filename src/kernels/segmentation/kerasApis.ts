/**
 * Keras 3 overlap losses: dice, tversky and iou, each as a function (values over `axis`, all
 * axes by default, so one scalar), a class (y_true/y_pred rank alignment, sample_weight, the
 * reduction) and a compile() string. No smoothing: only keras.config.epsilon() = 1e-7 in the
 * denominator, so an empty prediction on an empty mask scores 1 − 0/1e-7 = 1.
 *
 * Keras' tversky names Σ(1 − p)·t "fp" and Σp·(1 − t) "fn": alpha weights the missed
 * foreground (false negatives) and beta the false positives, the opposite of its docstring.
 * That is what is computed here.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import type { Args } from '../args.js';
import { axisMap } from '../margin/axes.js';
import { kerasSameRank } from '../pointwise.js';
import { type KerasReduction, checkKerasReduction, reduceKeras, scaleAt } from '../reduce.js';
import { LossError, out, shapeEquals } from '../tensor.js';

const EPSILON = 1e-7;

type Kind = 'dice' | 'tversky' | 'iou';

function overlap(kind: Kind, form: 'function' | 'class'): ApiImpl {
  return (a: Args, want): KernelResult => {
    let yTrue = a.tensor('y_true');
    let yPred = a.tensor('y_pred');
    if (yPred.dtype !== 'float32' && yPred.dtype !== 'float64') {
      throw new LossError(`y_pred must be a floating-point tensor (Keras computes in floatx), but its dtype is ${yPred.dtype}`);
    }
    const callerShape = yPred.shape;
    if (form === 'class') [yTrue, yPred] = kerasSameRank(yTrue, yPred);
    if (!shapeEquals(yTrue.shape, yPred.shape)) {
      throw new LossError(`Incompatible shapes: [${yTrue.shape.join(',')}] vs. [${yPred.shape.join(',')}] (Loss Lens needs y_true and y_pred of one shape for ${kind})`);
    }
    const axis = a.has('axis') ? a.axis('axis') : null;
    const alpha = kind === 'tversky' ? (a.has('alpha') ? a.number('alpha') : 0.5) : 0;
    const beta = kind === 'tversky' ? (a.has('beta') ? a.number('beta') : 0.5) : 0;
    const map = axisMap(yPred.shape, axis);
    const Q = map.positions;
    const I = new Float64Array(Q);
    const st = new Float64Array(Q);
    const sp = new Float64Array(Q);
    const t = yTrue.data;
    const p = yPred.data;
    for (let i = 0; i < yPred.size; i++) {
      const q = map.index[i]!;
      I[q]! += t[i]! * p[i]!;
      st[q]! += t[i]!;
      sp[q]! += p[i]!;
    }
    const den = new Float64Array(Q);
    const values = new Float64Array(Q);
    for (let q = 0; q < Q; q++) {
      if (kind === 'dice') {
        den[q] = st[q]! + sp[q]! + EPSILON;
        values[q] = 1 - (2 * I[q]!) / den[q]!;
      } else if (kind === 'iou') {
        den[q] = st[q]! + sp[q]! - I[q]! + EPSILON;
        values[q] = 1 - I[q]! / den[q]!;
      } else {
        // Keras' "fp" = Σ(1 − p)·t = Σt − I, "fn" = Σp·(1 − t) = Σp − I.
        den[q] = I[q]! + alpha * (st[q]! - I[q]!) + beta * (sp[q]! - I[q]!) + EPSILON;
        values[q] = 1 - I[q]! / den[q]!;
      }
    }
    let reduced: ReturnType<typeof reduceKeras> | null = null;
    if (form === 'class') {
      const reduction: KerasReduction = a.has('reduction') ? checkKerasReduction(a.raw('reduction')) : 'sum_over_batch_size';
      reduced = reduceKeras(values, map.outShape, reduction, a.optTensor('sample_weight'));
    }
    const result: KernelResult = { value: reduced ? reduced.value : out(map.outShape, values) };
    if (want.perSample) result.perSample = out(map.outShape, values);
    if (want.grad) {
      const g = new Float64Array(yPred.size);
      for (let i = 0; i < yPred.size; i++) {
        const q = map.index[i]!;
        const tv = t[i]!;
        const d = den[q]!;
        let dv: number;
        if (kind === 'dice') dv = -(2 * tv * d - 2 * I[q]!) / (d * d);
        else if (kind === 'iou') dv = -(tv * d - I[q]! * (1 - tv)) / (d * d);
        else dv = -(tv * d - I[q]! * (tv - alpha * tv + beta * (1 - tv))) / (d * d);
        g[i] = dv * (reduced ? scaleAt(reduced, q) : 1);
      }
      result.grad = out(callerShape, g);
    }
    return result;
  };
}

export function kerasOverlapImplementations(): Record<string, ApiImpl> {
  const table: Record<string, ApiImpl> = {};
  for (const [kind, cls] of [['dice', 'Dice'], ['tversky', 'Tversky'], ['iou', 'IoU']] as const) {
    table[`keras.losses.${cls}`] = overlap(kind, 'class');
    table[`keras.losses.${kind}`] = overlap(kind, 'function');
    table[kind] = overlap(kind, 'class');
  }
  return table;
}
