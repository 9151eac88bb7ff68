/**
 * Keras 3 margin-group losses (TensorFlow backend semantics): KL divergence, the three hinge
 * losses and cosine similarity, each as a class, a function and the compile() string Keras
 * registers for it.
 */
import { kerasBaseInit, kerasClassCall, kerasFunctionCall, optional } from '../../params.js';
import type { Equivalent, FamilyId, LossEntry, Param, TaskKind } from '../../types.js';
import { family } from './families.js';

const DOCS = 'https://keras.io/api/losses/';

const REDUCTION_PITFALL =
  "The function returns one value per sample (the last axis is reduced); the class and the string then apply the reduction, 'sum_over_batch_size' by default, which divides by the number of samples (0 for an empty batch, where torch's mean gives NaN).";

interface KerasLoss {
  className: string;
  fnName: string;
  /** Extra compile() strings Keras maps to the function. */
  stringAliases: string[];
  /** Other spellings of the function (keras.metrics.*, tf.keras.*). */
  fnAliases: string[];
  family: FamilyId;
  tasks: TaskKind[];
  input: LossEntry['input'];
  target: LossEntry['target'];
  yTrue: string;
  yPred: string;
  /** Options of both the class constructor and the function (before the base arguments). */
  options: Param[];
  classSummary: string;
  fnSummary: string;
  formula: string;
  pitfalls: string[];
  equivalents: Equivalent[];
  anchor: string;
  prose?: Partial<Pick<LossEntry, 'intuition' | 'useWhen' | 'avoidWhen'>>;
}

function kerasEntries(l: KerasLoss): LossEntry[] {
  const f = family(l.family);
  const common = {
    framework: 'keras' as const,
    family: l.family,
    tasks: l.tasks,
    input: l.input,
    target: l.target,
    formula: l.formula,
    intuition: l.prose?.intuition ?? f.intuition,
    useWhen: l.prose?.useWhen ?? f.useWhen,
    avoidWhen: l.prose?.avoidWhen ?? f.avoidWhen,
    kernel: { computed: true } as const,
  };
  const classId = `keras.losses.${l.className}`;
  const fnId = `keras.losses.${l.fnName}`;
  return [
    {
      ...common,
      id: classId,
      aliases: [`tf.keras.losses.${l.className}`, `keras.src.losses.${l.className}`, `keras.src.losses.losses.${l.className}`],
      kind: 'class',
      summary: l.classSummary,
      init: [...l.options, ...kerasBaseInit(l.fnName)],
      call: kerasClassCall(l.yTrue, l.yPred),
      pitfalls: [...l.pitfalls, REDUCTION_PITFALL],
      equivalents: [{ api: fnId, note: 'the function: per-sample values, no reduction or sample_weight.' }, ...l.equivalents],
      docs: `${DOCS}${l.anchor}`,
    },
    {
      ...common,
      id: fnId,
      aliases: [`tf.keras.losses.${l.fnName}`, `keras.src.losses.${l.fnName}`, `keras.src.losses.losses.${l.fnName}`, ...l.fnAliases],
      kind: 'function',
      summary: l.fnSummary,
      call: [...kerasFunctionCall(l.yTrue, l.yPred), ...l.options],
      pitfalls: [...l.pitfalls, 'The function does not reduce over the batch: average it yourself (or use the class) before calling backward or logging it.'],
      equivalents: [{ api: classId, note: 'the class: the same per-sample values, then sample_weight and the reduction.' }, ...l.equivalents],
      docs: `${DOCS}${l.anchor}`,
    },
    {
      ...common,
      id: l.fnName,
      aliases: l.stringAliases,
      kind: 'string',
      summary: `loss='${l.fnName}' in compile(): keras.losses.${l.fnName} with its defaults, reduced with sum_over_batch_size.`,
      call: kerasClassCall(l.yTrue, l.yPred),
      pitfalls: [...l.pitfalls, REDUCTION_PITFALL],
      equivalents: [{ api: classId, note: 'the class form, which accepts a reduction and the other arguments.' }],
      docs: `${DOCS}${l.anchor}`,
    },
  ];
}

// ------------------------------------------------------------------------------------------- KL

const KL: KerasLoss = {
  className: 'KLDivergence',
  fnName: 'kl_divergence',
  stringAliases: ['kld', 'KLD'],
  fnAliases: ['keras.metrics.kl_divergence', 'tf.keras.metrics.kl_divergence', 'tf.keras.losses.kld', 'tf.keras.losses.KLD', 'tf.keras.losses.kullback_leibler_divergence'],
  family: 'kl-divergence',
  tasks: ['distillation', 'multiclass-classification'],
  input: 'probabilities',
  target: ['probabilities'],
  yTrue: 'The target distribution p (probabilities) along the last axis.',
  yPred: 'The predicted distribution q (probabilities, not logs), same shape as y_true.',
  options: [],
  classSummary: 'KL divergence Σ p·log(p/q) over the last axis on probabilities, both clipped to [1e-7, 1], then the Keras reduction.',
  fnSummary: 'Per-sample KL divergence Σ p·log(p/q) over the last axis, with p and q clipped to [1e-7, 1].',
  formula: 'p = clip(y_true, 1e-7, 1),  q = clip(y_pred, 1e-7, 1),  ℓ = Σ_{last axis} p·log(p / q);  class: sum_over_batch_size over samples',
  pitfalls: [
    'Both arguments are probabilities: unlike torch.nn.KLDivLoss the prediction is not in log space. Passing log-probabilities clips every value to 1e-7.',
    'Arguments are (y_true, y_pred): the target comes first, the reverse of torch.nn.functional.kl_div(input, target).',
    'A zero target is clipped to 1e-7, so it contributes 1e-7·log(1e-7/q) instead of exactly 0, and a prediction of 0 costs log(p/1e-7) ≈ 16.1 + log p rather than infinity: the loss is finite even when q misses the support of p.',
    'The gradient is zero wherever y_pred lies outside [1e-7, 1] (clip_by_value), so a prediction that has collapsed to 0 gets no signal from that class.',
    "Keras 3 accepts the strings 'kl_divergence', 'kld' and 'KLD' (and the class name); 'kullback_leibler_divergence' is tf.keras 2 only and raises \"Could not interpret loss identifier\" in Keras 3.",
  ],
  equivalents: [
    { api: 'torch.nn.KLDivLoss', note: "log-probability input, no clipping; reduction='batchmean' matches sum_over_batch_size for (N, C) inputs." },
    { api: 'optax.losses.kl_divergence', note: 'log-space predictions, no clipping, exact 0 for zero targets, unreduced.' },
  ],
  anchor: 'probabilistic_losses/#kldivergence-class',
};

// ---------------------------------------------------------------------------------------- hinge

const HINGE_YTRUE = 'Labels ±1, or 0/1 (converted to ±1 when every value is 0 or 1), same shape as y_pred.';
const HINGE_YPRED = 'Raw scores (not probabilities), shape (batch, …, d).';
const CONVERSION_PITFALL =
  'The {0, 1} → {−1, +1} conversion is decided on the whole y_true tensor: if a single value is neither 0 nor 1 (a soft label, a 2, a −1 mixed with 0s), nothing is converted and the 0 labels contribute max(0, 1 − 0·x) = 1 with no gradient.';

const HINGE: KerasLoss = {
  className: 'Hinge',
  fnName: 'hinge',
  stringAliases: [],
  fnAliases: ['keras.metrics.hinge', 'tf.keras.metrics.hinge'],
  family: 'hinge',
  tasks: ['binary-classification', 'multilabel-classification'],
  input: 'scores',
  target: ['plus-minus-one', 'binary'],
  yTrue: HINGE_YTRUE,
  yPred: HINGE_YPRED,
  options: [],
  classSummary: 'Binary hinge max(0, 1 − y·x) averaged over the last axis, with 0/1 labels converted to ±1; then the Keras reduction.',
  fnSummary: 'Per-sample binary hinge: mean over the last axis of max(0, 1 − y·x), 0/1 labels converted to ±1.',
  formula: "y' = 2y − 1 if every y ∈ {0, 1} else y;  ℓ = mean_{last axis} max(0, 1 − y'·x)",
  pitfalls: [
    CONVERSION_PITFALL,
    'y_pred must be an unbounded score: a sigmoid output in (0, 1) can never reach the margin y·x ≥ 1, so the loss never reaches 0.',
    'The mean is over the last axis: a (N,) y_pred with (N,) labels is one sample of N values (the class squeezes (N, 1) to match, but the per-sample loss is then a scalar).',
  ],
  equivalents: [
    { api: 'optax.losses.hinge_loss', note: 'elementwise max(0, 1 − y·x), no label conversion and no mean.' },
    { api: 'torch.nn.SoftMarginLoss', note: 'the smooth (logistic) version on ±1 labels.' },
    { api: 'keras.losses.SquaredHinge', note: 'squares the violation.' },
  ],
  anchor: 'hinge_losses/#hinge-class',
};

const SQUARED_HINGE: KerasLoss = {
  ...HINGE,
  className: 'SquaredHinge',
  fnName: 'squared_hinge',
  fnAliases: ['keras.metrics.squared_hinge', 'tf.keras.metrics.squared_hinge'],
  classSummary: 'Squared hinge max(0, 1 − y·x)² averaged over the last axis, with 0/1 labels converted to ±1; then the Keras reduction.',
  fnSummary: 'Per-sample squared hinge: mean over the last axis of max(0, 1 − y·x)², 0/1 labels converted to ±1.',
  formula: "y' = 2y − 1 if every y ∈ {0, 1} else y;  ℓ = mean_{last axis} max(0, 1 − y'·x)²",
  prose: {
    intuition:
      'The hinge squared: smooth at the margin, so the gradient shrinks to zero as an example approaches it instead of jumping, and ' +
      'large violations cost quadratically. It is the loss of the L2-SVM.',
  },
  pitfalls: [
    CONVERSION_PITFALL,
    'Squaring makes a few badly wrong scores dominate the batch: outliers and mislabelled examples weigh much more than with Hinge.',
  ],
  equivalents: [
    { api: 'keras.losses.Hinge', note: 'the linear hinge.' },
    { api: 'optax.losses.hinge_loss', note: 'elementwise, unsquared, no label conversion.' },
  ],
  anchor: 'hinge_losses/#squaredhinge-class',
};

const CATEGORICAL_HINGE: KerasLoss = {
  className: 'CategoricalHinge',
  fnName: 'categorical_hinge',
  stringAliases: [],
  fnAliases: ['keras.metrics.categorical_hinge', 'tf.keras.metrics.categorical_hinge'],
  family: 'hinge',
  tasks: ['multiclass-classification'],
  input: 'scores',
  target: ['one-hot'],
  yTrue: 'One-hot targets along the last axis.',
  yPred: 'Class scores, same shape as y_true.',
  options: [],
  classSummary: 'Crammer–Singer-style hinge on one-hot targets: max(0, 1 + max((1 − y)·x) − Σ y·x); then the Keras reduction.',
  fnSummary: 'Per-sample categorical hinge: max(0, 1 + max over the last axis of (1 − y)·x − Σ y·x).',
  formula: 'pos = Σ_{last axis} y·x,  neg = max_{last axis} (1 − y)·x,  ℓ = max(0, neg − pos + 1)',
  prose: {
    intuition:
      'The score of the true class must beat the best wrong class by 1; only that one best competitor matters, so the loss is zero ' +
      'once the true class is clearly ahead, whatever the other classes do.',
  },
  pitfalls: [
    'The true class takes part in the max with the value (1 − 1)·x = 0: when every wrong score is negative, neg is 0, not the best wrong score, so the loss is max(0, 1 − x_true) and wrong classes get no gradient.',
    'Targets must be one-hot: integer class ids are read as a (shorter) one-hot row and silently give a different loss.',
    'Soft or label-smoothed targets make pos a weighted sum and (1 − y)·x shrink every score, which is no longer a margin between classes.',
  ],
  equivalents: [
    { api: 'optax.losses.multiclass_hinge_loss', note: 'integer labels and the true max over the wrong classes (no 0 from the true class).' },
    { api: 'torch.nn.MultiMarginLoss', note: 'sums every violating class and divides by C.' },
  ],
  anchor: 'hinge_losses/#categoricalhinge-class',
};

// --------------------------------------------------------------------------------------- cosine

const COSINE: KerasLoss = {
  className: 'CosineSimilarity',
  fnName: 'cosine_similarity',
  stringAliases: [],
  fnAliases: [],
  family: 'cosine',
  tasks: ['regression', 'metric-learning'],
  input: 'embeddings',
  target: ['real'],
  yTrue: 'Target vectors along `axis`.',
  yPred: 'Predicted vectors, same shape as y_true.',
  options: [optional('axis', 'int', -1, 'The axis holding the vectors (the features axis). Default −1.')],
  classSummary: 'Negative cosine similarity −cos(y_true, y_pred) along an axis, in [−1, 1]; then the Keras reduction.',
  fnSummary: 'Per-sample negative cosine similarity −Σ l2_normalize(y_true)·l2_normalize(y_pred) along `axis`.',
  formula: 'n(v) = v · min(1/√(Σ v²), 1e7)  (i.e. v / max(‖v‖, 1e-7)),  ℓ = −Σ_{axis} n(y_true)·n(y_pred)',
  prose: {
    useWhen:
      'Regressing directions or embeddings whose scale is arbitrary: feature distillation, predicting normalised vectors, ' +
      'embedding alignment where only the angle matters.',
  },
  pitfalls: [
    'The loss is −cos, in [−1, 1]: a perfect match is −1, not 0. Logged values are negative by design; 1 + loss is the cosine distance.',
    'Each vector is divided by max(‖v‖, 1e-7): a zero vector gives a loss of 0 (not NaN), but on the TensorFlow backend its gradient is NaN (the backward of rsqrt(0) = ∞ times a zero gradient), which poisons the weights.',
    'Vectors shorter than 1e-7 are scaled by 1e7 instead of normalised, so their cosine shrinks towards 0 and the gradient no longer removes the radial component.',
    'The two arguments are aligned by rank first (squeeze_or_expand_to_same_rank), then broadcast: (N, D) against (D,) compares every row with one target.',
  ],
  equivalents: [
    { api: 'optax.losses.cosine_similarity', note: 'returns +cos (a similarity, not a loss), squared norms clipped at epsilon = 0 by default (a zero vector gives NaN).' },
    { api: 'optax.losses.cosine_distance', note: '1 − cos, which equals 1 + this loss.' },
    { api: 'torch.nn.CosineEmbeddingLoss', note: 'labelled pairs: 1 − cos for similar, max(0, cos − margin) for dissimilar.' },
  ],
  anchor: 'regression_losses/#cosinesimilarity-class',
};

export const entries: LossEntry[] = [KL, HINGE, SQUARED_HINGE, CATEGORICAL_HINGE, COSINE].flatMap(kerasEntries);
