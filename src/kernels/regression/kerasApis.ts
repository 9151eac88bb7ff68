/**
 * Keras 3 regression losses: mean squared / absolute / absolute-percentage / squared-log error,
 * Huber, log-cosh and Poisson, as classes, functions and compile() strings.
 *
 * The function computes the per-sample loss, the elementwise loss averaged over the last axis
 * (each function first applies squeeze_or_expand_to_same_rank, except `poisson`). A class or
 * compile string wraps the function in LossFunctionWrapper (which always aligns ranks), then
 * multiplies sample weights in and applies the Keras reduction.
 *
 * A request pinned below version 3 follows tf.keras 2 instead: functions do not align ranks,
 * classes only squeeze a trailing 1, and the Keras 2 weighting and reductions apply.
 */
import type { ApiImpl, KernelResult } from '../api.js';
import type { Args } from '../args.js';
import { isKeras2 } from '../classification/version.js';
import { broadcastPair, kerasSameRank } from '../pointwise.js';
import { checkKerasReduction, reduceKeras } from '../reduce.js';
import { type Tensor, out } from '../tensor.js';
import {
  type Fill,
  absoluteErrorKeras,
  absolutePercentageKeras,
  huberKeras,
  logCoshKeras,
  poissonKeras,
  squaredError,
  squaredLogKeras,
} from './elementwise.js';
import { reduceKeras2, squeezeKeras2 } from './keras2.js';
import { rowMeans, scaleRows } from './perSample.js';

/** keras.backend.epsilon(). */
const KERAS_EPSILON = 1e-7;

interface KerasLoss {
  /** The elementwise loss for this call (reads arguments such as Huber's delta). */
  fill: (a: Args) => Fill;
  /** Whether the Keras 3 function aligns ranks itself (all but poisson do). */
  functionAligns: boolean;
}

/** The per-sample values of the function on already aligned (or deliberately unaligned) inputs. */
function perSample(loss: KerasLoss, a: Args, yTrue: Tensor, yPred: Tensor, wantGrad: boolean) {
  return rowMeans(broadcastPair(yPred, yTrue), loss.fill(a), wantGrad);
}

/** `keras.losses.<function>(y_true, y_pred, ...)`: the per-sample losses, unreduced. */
function kerasFunction(loss: KerasLoss): ApiImpl {
  return (a, want) => {
    const original = a.tensor('y_pred');
    const align = loss.functionAligns && !isKeras2(a.version);
    const [yTrue, yPred] = align ? kerasSameRank(a.tensor('y_true'), original) : [a.tensor('y_true'), original];
    const m = perSample(loss, a, yTrue, yPred, want.grad);
    const result: KernelResult = { value: out(m.shape, m.values) };
    if (want.perSample) result.perSample = out(m.shape, m.values);
    if (want.grad) result.grad = scaleRows(m, 1, original.shape, original.size);
    return result;
  };
}

/**
 * A loss class, or a compile string (which has no constructor and so always uses the default
 * reduction): rank alignment, the per-sample loss, sample weights and the reduction.
 */
function kerasClass(loss: KerasLoss): ApiImpl {
  return (a, want) => {
    const original = a.tensor('y_pred');
    const legacy = isKeras2(a.version);
    const [yTrue, yPred] = legacy ? squeezeKeras2(a.tensor('y_true'), original) : kerasSameRank(a.tensor('y_true'), original);
    const m = perSample(loss, a, yTrue, yPred, want.grad);
    const rawReduction = a.has('reduction') ? a.raw('reduction') : 'sum_over_batch_size';
    const sampleWeight = a.optTensor('sample_weight');
    const reduced = legacy
      ? reduceKeras2(m.values, m.shape, rawReduction as string, sampleWeight)
      : reduceKeras(m.values, m.shape, checkKerasReduction(rawReduction), sampleWeight);
    const result: KernelResult = { value: reduced.value };
    if (want.perSample) result.perSample = out(m.shape, m.values);
    if (want.grad) result.grad = scaleRows(m, reduced.scale, original.shape, original.size);
    return result;
  };
}

/** Huber's δ: the argument when the API has one, else Keras's default 1.0 (the compile string). */
function delta(a: Args): number {
  return a.has('delta') ? a.number('delta') : 1.0;
}

const LOSSES = {
  squared: { fill: () => squaredError, functionAligns: true },
  absolute: { fill: () => absoluteErrorKeras, functionAligns: true },
  percentage: { fill: () => absolutePercentageKeras(KERAS_EPSILON), functionAligns: true },
  squaredLog: { fill: () => squaredLogKeras(KERAS_EPSILON), functionAligns: true },
  huber: { fill: (a: Args) => huberKeras(delta(a)), functionAligns: true },
  logCosh: { fill: () => logCoshKeras, functionAligns: true },
  poisson: { fill: () => poissonKeras(KERAS_EPSILON), functionAligns: false },
} satisfies Record<string, KerasLoss>;

/** The implementations of this module, keyed by catalog id. */
export const kerasImplementations: Record<string, ApiImpl> = {
  'keras.losses.MeanSquaredError': kerasClass(LOSSES.squared),
  'keras.losses.mean_squared_error': kerasFunction(LOSSES.squared),
  mse: kerasClass(LOSSES.squared),
  'keras.losses.MeanAbsoluteError': kerasClass(LOSSES.absolute),
  'keras.losses.mean_absolute_error': kerasFunction(LOSSES.absolute),
  mae: kerasClass(LOSSES.absolute),
  'keras.losses.MeanAbsolutePercentageError': kerasClass(LOSSES.percentage),
  'keras.losses.mean_absolute_percentage_error': kerasFunction(LOSSES.percentage),
  mape: kerasClass(LOSSES.percentage),
  'keras.losses.MeanSquaredLogarithmicError': kerasClass(LOSSES.squaredLog),
  'keras.losses.mean_squared_logarithmic_error': kerasFunction(LOSSES.squaredLog),
  msle: kerasClass(LOSSES.squaredLog),
  'keras.losses.Huber': kerasClass(LOSSES.huber),
  'keras.losses.huber': kerasFunction(LOSSES.huber),
  huber: kerasClass(LOSSES.huber),
  'keras.losses.LogCosh': kerasClass(LOSSES.logCosh),
  'keras.losses.log_cosh': kerasFunction(LOSSES.logCosh),
  log_cosh: kerasClass(LOSSES.logCosh),
  'keras.losses.Poisson': kerasClass(LOSSES.poisson),
  'keras.losses.poisson': kerasFunction(LOSSES.poisson),
  poisson: kerasClass(LOSSES.poisson),
};
