/**
 * Keras 3 regression losses (and their tf.keras / Keras 2 spellings): mean squared, absolute,
 * absolute-percentage and squared-logarithmic error, Huber, log-cosh and Poisson, each as a
 * class, a function and the compile() strings that name it.
 */
import { kerasBaseInit, kerasClassCall, kerasFunctionCall, optional } from '../../params.js';
import type { Equivalent, FamilyId, LossEntry, Param, TaskKind } from '../../types.js';
import { family } from './families.js';

const REGRESSION_DOCS = 'https://keras.io/api/losses/regression_losses/';
const PROBABILISTIC_DOCS = 'https://keras.io/api/losses/probabilistic_losses/';

const Y_TRUE = 'Ground-truth values, shape (batch, d₀, …, d_N).';
const Y_PRED = 'Predicted values, same shape as y_true.';

const PER_SAMPLE_PITFALL =
  'Keras averages over the last axis first, so reduction="none" returns one value per sample (shape (N,)), not per element; a 1-D input is a single sample, so reduction="sum" then returns its mean.';
const RANK_PITFALL =
  'A target of shape (N,) against predictions of shape (N, 1) is aligned before the loss; other mismatches broadcast without warning: a (K,) target is compared with every row of (N, K) predictions, and (N,) against (N, K) only runs when N = K, silently pairing target j with column j.';
const EMPTY_PITFALL = 'An empty batch gives 0 under sum_over_batch_size (divide_no_nan), where torch gives NaN.';
const FLOAT32_PITFALL =
  'Keras computes in float32 by default (dtype=None uses keras.backend.floatx()); Loss Lens computes in float64, so values can differ from a float32 run in the 7th significant digit.';
const KERAS2_FUNCTION_PITFALL =
  'tf.keras 2 (TF ≤ 2.15) functions do no rank alignment: a (N,) target against (N, 1) predictions broadcasts to an (N, N) matrix of errors. Keras 3 aligns first. (Loss Lens follows Keras 2 when a request pins a version below 3.)';
const KERAS2_CLASS_PITFALL =
  'tf.keras 2 (TF ≤ 2.15) classes squeeze a trailing 1 instead: (N, 1) predictions with (N,) targets become one per-sample value averaged over all N, which changes reduction="sum" and "none" results. (Loss Lens follows Keras 2 when a request pins a version below 3.)';

interface KerasLoss {
  className: string;
  fnName: string;
  family: FamilyId;
  tasks: TaskKind[];
  input: LossEntry['input'];
  target: LossEntry['target'];
  /** Class constructor parameters before the common reduction/name/dtype. */
  classParams: Param[];
  /** Function parameters after (y_true, y_pred). */
  fnParams: Param[];
  /** Default `name` of the class instance. */
  instanceName: string;
  /** Spellings of the function besides the tf.keras/metrics/src ones (e.g. keras.losses.mae). */
  fnAliases: string[];
  /** The compile() string and the other strings keras.losses.get accepts for the same loss. */
  stringId: string;
  stringAliases: string[];
  summary: string;
  fnSummary: string;
  classFormula: string;
  fnFormula: string;
  pitfalls: string[];
  /** Pitfalls that only apply to the class and string (reduction, weights). */
  classPitfalls?: string[];
  equivalents: Equivalent[];
  docs: string;
  anchor: string;
  /** Whether the function aligns ranks itself in Keras 3 (poisson does not). */
  functionAligns?: boolean;
}

/** The spellings of a Keras class: tf.keras and the source modules. */
function classAliases(name: string): string[] {
  return [`tf.keras.losses.${name}`, `keras.src.losses.${name}`, `keras.src.losses.losses.${name}`];
}

/** The spellings of a Keras loss function, which Keras also exports as a metric function. */
function functionAliases(name: string, extra: string[]): string[] {
  return [
    `tf.keras.losses.${name}`,
    `keras.metrics.${name}`,
    `tf.keras.metrics.${name}`,
    `keras.src.losses.${name}`,
    `keras.src.losses.losses.${name}`,
    ...extra,
  ];
}

/** Short names such as mae/MAE under keras.losses, keras.metrics and their tf.keras forms (Keras 2 API). */
function shortNames(...names: string[]): string[] {
  return names.flatMap((n) => [`keras.losses.${n}`, `tf.keras.losses.${n}`, `keras.metrics.${n}`, `tf.keras.metrics.${n}`]);
}

function kerasEntries(l: KerasLoss): LossEntry[] {
  const f = family(l.family);
  const common = {
    framework: 'keras' as const,
    family: l.family,
    tasks: l.tasks,
    input: l.input,
    target: l.target,
    intuition: f.intuition,
    useWhen: f.useWhen,
    avoidWhen: f.avoidWhen,
    kernel: { computed: true } as const,
  };
  const classId = `keras.losses.${l.className}`;
  const fnId = `keras.losses.${l.fnName}`;
  const classPitfalls = [PER_SAMPLE_PITFALL, ...l.pitfalls, ...(l.classPitfalls ?? []), RANK_PITFALL, EMPTY_PITFALL, KERAS2_CLASS_PITFALL, FLOAT32_PITFALL];
  const fnPitfalls = [
    ...l.pitfalls,
    l.functionAligns === false
      ? `Unlike the other regression functions (and unlike the ${l.className} class), ${l.fnName} does not align ranks: a (N,) target against (N, 1) predictions broadcasts to an (N, N) matrix of losses.`
      : RANK_PITFALL,
    ...(l.functionAligns === false ? [] : [KERAS2_FUNCTION_PITFALL]),
    FLOAT32_PITFALL,
  ];
  return [
    {
      ...common,
      id: classId,
      aliases: classAliases(l.className),
      kind: 'class',
      summary: l.summary,
      init: [...l.classParams, ...kerasBaseInit(l.instanceName)],
      call: kerasClassCall(Y_TRUE, Y_PRED),
      formula: l.classFormula,
      pitfalls: classPitfalls,
      equivalents: [{ api: fnId, note: 'the per-sample function this class wraps.' }, ...l.equivalents],
      docs: `${l.docs}#${l.anchor}-class`,
    },
    {
      ...common,
      id: fnId,
      aliases: functionAliases(l.fnName, l.fnAliases),
      kind: 'function',
      summary: l.fnSummary,
      call: [...kerasFunctionCall(Y_TRUE, Y_PRED), ...l.fnParams],
      formula: l.fnFormula,
      pitfalls: fnPitfalls,
      equivalents: [{ api: classId, note: 'adds sample weights and the batch reduction.' }, ...l.equivalents],
      docs: `${l.docs}#${l.fnName.replace(/_/g, '')}-function`,
    },
    {
      ...common,
      id: l.stringId,
      aliases: l.stringAliases,
      kind: 'string',
      summary: `loss='${l.stringId}' in compile(): ${l.fnName} with its defaults, wrapped with the default sum_over_batch_size reduction.`,
      call: kerasClassCall(Y_TRUE, Y_PRED),
      formula: l.classFormula,
      pitfalls: [
        ...(l.classParams.length > 0
          ? [`The string cannot set ${l.classParams.map((p) => p.name).join(', ')}: it always uses the default (${l.classParams.map((p) => `${p.name}=${String(p.default)}`).join(', ')}); use keras.losses.${l.className}(…) to change it.`]
          : []),
        ...classPitfalls,
      ],
      equivalents: [{ api: classId, note: 'the class form, which also takes a reduction.' }, { api: fnId }],
      docs: `${l.docs}#${l.anchor}-class`,
    },
  ];
}

const DELTA_DOC = 'δ, the |error| where the loss turns from quadratic to linear (in target units). Default 1.0.';

const LOSSES: KerasLoss[] = [
  {
    className: 'MeanSquaredError',
    fnName: 'mean_squared_error',
    family: 'squared-error',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    classParams: [],
    fnParams: [],
    instanceName: 'mean_squared_error',
    fnAliases: shortNames('mse', 'MSE'),
    stringId: 'mse',
    stringAliases: ['mean_squared_error', 'MSE', 'MeanSquaredError'],
    summary: 'Mean of squared errors over the last axis per sample, then reduced over the batch.',
    fnSummary: 'Per-sample mean squared error over the last axis (unreduced over the batch).',
    classFormula: 'per sample: (1/D)·Σ_d (y_pred − y_true)²  (mean over the last axis), then the Keras reduction',
    fnFormula: 'loss = mean(square(y_true − y_pred), axis=−1)',
    pitfalls: [],
    equivalents: [
      { api: 'torch.nn.MSELoss', note: 'torch averages all elements at once.' },
      { api: 'optax.losses.squared_error', note: 'elementwise and unreduced.' },
    ],
    docs: REGRESSION_DOCS,
    anchor: 'meansquarederror',
  },
  {
    className: 'MeanAbsoluteError',
    fnName: 'mean_absolute_error',
    family: 'absolute-error',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    classParams: [],
    fnParams: [],
    instanceName: 'mean_absolute_error',
    fnAliases: shortNames('mae', 'MAE'),
    stringId: 'mae',
    stringAliases: ['mean_absolute_error', 'MAE', 'MeanAbsoluteError'],
    summary: 'Mean of absolute errors over the last axis per sample, then reduced over the batch.',
    fnSummary: 'Per-sample mean absolute error over the last axis (unreduced over the batch).',
    classFormula: 'per sample: (1/D)·Σ_d |y_true − y_pred|  (mean over the last axis), then the Keras reduction',
    fnFormula: 'loss = mean(abs(y_true − y_pred), axis=−1)',
    pitfalls: ['The gradient is sign(y_pred − y_true)/D per element: its size never shrinks near the optimum, so pair it with learning-rate decay.'],
    equivalents: [
      { api: 'torch.nn.L1Loss', note: 'torch averages all elements at once; equal for (N, D) inputs with the default reductions.' },
      { api: 'tfa.losses.PinballLoss', note: 'tau=0.5 gives half of it.' },
    ],
    docs: REGRESSION_DOCS,
    anchor: 'meanabsoluteerror',
  },
  {
    className: 'MeanAbsolutePercentageError',
    fnName: 'mean_absolute_percentage_error',
    family: 'percentage-error',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    classParams: [],
    fnParams: [],
    instanceName: 'mean_absolute_percentage_error',
    fnAliases: shortNames('mape', 'MAPE'),
    stringId: 'mape',
    stringAliases: ['mean_absolute_percentage_error', 'MAPE', 'MeanAbsolutePercentageError'],
    summary: 'Mean absolute percentage error (in percent) over the last axis per sample, then reduced over the batch.',
    fnSummary: 'Per-sample mean absolute percentage error over the last axis, in percent (unreduced over the batch).',
    classFormula: 'per sample: 100·(1/D)·Σ_d |y_true − y_pred| / max(|y_true|, 1e-7), then the Keras reduction',
    fnFormula: 'loss = 100 · mean(abs((y_true − y_pred) / maximum(abs(y_true), 1e-7)), axis=−1)',
    pitfalls: [
      'A zero target divides by ε = 1e-7: an error of 1 on a zero target costs 10⁹ %, which swamps every other sample. Filter or offset zero targets first.',
      'The value is in percent (12.5 means 12.5 %), so it is 100× larger than a fraction and learning rates tuned for MAE are far too large.',
      'For positive targets, under-prediction costs at most 100 % while over-prediction is unbounded, so training on it biases forecasts low.',
      'Negative targets are divided by |y_true|, so the sign of the target does not flip the error.',
    ],
    equivalents: [{ api: 'keras.losses.MeanAbsoluteError', note: 'the same error without dividing by |y_true|.' }],
    docs: REGRESSION_DOCS,
    anchor: 'meanabsolutepercentageerror',
  },
  {
    className: 'MeanSquaredLogarithmicError',
    fnName: 'mean_squared_logarithmic_error',
    family: 'squared-log-error',
    tasks: ['regression', 'count-regression'],
    input: 'positive-real',
    target: ['real', 'counts'],
    classParams: [],
    fnParams: [],
    instanceName: 'mean_squared_logarithmic_error',
    fnAliases: shortNames('msle', 'MSLE'),
    stringId: 'msle',
    stringAliases: ['mean_squared_logarithmic_error', 'MSLE', 'MeanSquaredLogarithmicError'],
    summary: 'Mean squared error between log(1 + y_pred) and log(1 + y_true) over the last axis per sample, then reduced over the batch.',
    fnSummary: 'Per-sample mean squared logarithmic error over the last axis (unreduced over the batch).',
    classFormula: 'per sample: (1/D)·Σ_d (log(max(y_pred, 1e-7) + 1) − log(max(y_true, 1e-7) + 1))², then the Keras reduction',
    fnFormula: 'loss = mean(square(log(maximum(y_pred, 1e-7) + 1) − log(maximum(y_true, 1e-7) + 1)), axis=−1)',
    pitfalls: [
      'Predictions below 1e-7 are clamped, so a negative prediction gets zero gradient: a linear head that drifts negative never recovers. Use a non-negative output (softplus, exp or relu).',
      'Negative targets are clamped to 1e-7 as well, silently treating them as 0.',
      'Regressing log1p(y) with MSE has the same optimum and makes the transform explicit (remember expm1 at inference).',
    ],
    equivalents: [{ api: 'keras.losses.MeanSquaredError', note: 'the same loss on log1p-transformed (non-negative) values.' }],
    docs: REGRESSION_DOCS,
    anchor: 'meansquaredlogarithmicerror',
  },
  {
    className: 'Huber',
    fnName: 'huber',
    family: 'huber',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    classParams: [optional('delta', 'number', 1.0, DELTA_DOC)],
    fnParams: [optional('delta', 'number', 1.0, DELTA_DOC)],
    instanceName: 'huber_loss',
    fnAliases: [],
    stringId: 'huber',
    stringAliases: ['Huber', 'huber_loss'],
    summary: 'Huber loss (quadratic below δ, linear above) averaged over the last axis per sample, then reduced over the batch.',
    fnSummary: 'Per-sample Huber loss averaged over the last axis (unreduced over the batch).',
    classFormula: 'e = y_pred − y_true;  ½e² if |e| ≤ δ, else δ·|e| − ½δ²;  per sample: mean over the last axis, then the Keras reduction',
    fnFormula: 'e = y_pred − y_true;  loss = mean(where(|e| ≤ δ, ½e², δ·|e| − ½δ²), axis=−1)',
    pitfalls: [
      'δ is in target units: with targets in the thousands the default δ = 1 makes it plain MAE (times δ) almost everywhere.',
      'torch\'s SmoothL1Loss(beta=β) is this loss divided by β, not the same thing; only β = δ = 1 matches.',
      'Both branches of the where are differentiated, so an infinite error gives a NaN gradient (torch\'s huber_loss gives ±δ).',
      "'huber_loss' is a tf.keras 2 string; Keras 3's keras.losses.get accepts 'huber' and 'Huber'.",
    ],
    equivalents: [
      { api: 'torch.nn.HuberLoss', note: 'same elementwise values; torch averages all elements at once.' },
      { api: 'torch.nn.SmoothL1Loss', note: 'smooth_l1(β) = huber(δ = β) / β.' },
      { api: 'optax.losses.huber_loss', note: 'same elementwise values, unreduced.' },
    ],
    docs: REGRESSION_DOCS,
    anchor: 'huber',
  },
  {
    className: 'LogCosh',
    fnName: 'log_cosh',
    family: 'log-cosh',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    classParams: [],
    fnParams: [],
    instanceName: 'log_cosh',
    fnAliases: shortNames('logcosh'),
    stringId: 'log_cosh',
    stringAliases: ['LogCosh', 'logcosh'],
    summary: 'Log of the hyperbolic cosine of the error, averaged over the last axis per sample, then reduced over the batch.',
    fnSummary: 'Per-sample log-cosh error averaged over the last axis (unreduced over the batch).',
    classFormula: 'e = y_pred − y_true;  per element: e + softplus(−2e) − log 2  (= log cosh e);  per sample: mean over the last axis, then the Keras reduction',
    fnFormula: 'e = y_pred − y_true;  loss = mean(e + softplus(−2e) − log 2, axis=−1)',
    pitfalls: [
      'The quadratic-to-linear transition sits at |e| ≈ 1 and cannot be tuned: scale the targets so that an error of 1 is where "large" starts.',
      'Computed in the overflow-free form e + softplus(−2e) − log 2, which gives ∞ at e = +∞ but NaN at e = −∞ (−∞ + ∞); optax.losses.log_cosh gives ∞ for both.',
      "'logcosh' (function keras.losses.logcosh and string) is the tf.keras 2 name; Keras 3 only has log_cosh.",
    ],
    equivalents: [
      { api: 'optax.losses.log_cosh', note: 'elementwise and unreduced; computed as logaddexp(e, −e) − log 2.' },
      { api: 'keras.losses.Huber', note: 'similar shape with δ = 1, but with a kink in the second derivative.' },
    ],
    docs: REGRESSION_DOCS,
    anchor: 'logcosh',
  },
  {
    className: 'Poisson',
    fnName: 'poisson',
    family: 'poisson-nll',
    tasks: ['count-regression'],
    input: 'positive-real',
    target: ['counts'],
    classParams: [],
    fnParams: [],
    instanceName: 'poisson',
    fnAliases: [],
    stringId: 'poisson',
    stringAliases: ['Poisson'],
    summary: 'Poisson negative log-likelihood (without log y!) of counts given predicted rates, averaged over the last axis per sample, then reduced.',
    fnSummary: 'Per-sample Poisson loss y_pred − y_true·log(y_pred + 1e-7), averaged over the last axis.',
    classFormula: 'per sample: (1/D)·Σ_d (y_pred − y_true·log(y_pred + 1e-7)), then the Keras reduction',
    fnFormula: 'loss = mean(y_pred − y_true · log(y_pred + 1e-7), axis=−1)',
    pitfalls: [
      'y_pred must be a rate (≥ 0), not a log-rate: put exp or softplus on the output. A prediction below −1e-7 gives NaN (log of a negative number); nothing clamps it.',
      'log(y!) is dropped, so the loss can be negative and is not a true log-likelihood.',
    ],
    equivalents: [
      { api: 'torch.nn.PoissonNLLLoss', note: 'with log_input=False (ε = 1e-8 instead of 1e-7), averaged over all elements.' },
      { api: 'tf.nn.log_poisson_loss', note: 'takes log-rates and is unreduced.' },
    ],
    docs: PROBABILISTIC_DOCS,
    anchor: 'poisson',
    functionAligns: false,
  },
];

export const entries: LossEntry[] = LOSSES.flatMap(kerasEntries);
