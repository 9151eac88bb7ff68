/**
 * Keras 3 classification losses (and their tf.keras / Keras 2 spellings): binary, categorical and
 * sparse categorical cross-entropy, the two focal variants, and the compile() strings that name
 * them.
 */
import { kerasBaseInit, kerasClassCall, optional } from '../../params.js';
import type { Equivalent, LossEntry, Param } from '../../types.js';
import { families } from './families.js';
import {
  BCE_PITFALLS_SHARED,
  KERAS_BCE_AXIS,
  KERAS_BINARY_SMOOTHING,
  KERAS_CATEGORICAL_SMOOTHING,
  KERAS_CLASS_AXIS,
  KERAS_FOCAL_GAMMA,
  KERAS_FROM_LOGITS,
  KERAS_IGNORE_CLASS,
  kerasYPred,
  kerasYTrue,
} from './shared.js';

const family = (id: string) => families.find((f) => f.id === id)!;
const BCE = family('binary-cross-entropy');
const CCE = family('categorical-cross-entropy');
const SCCE = family('sparse-categorical-cross-entropy');
const FOCAL = family('focal');

const FROM_LOGITS_SWITCH = { param: 'from_logits', whenTrue: 'logits', whenFalse: 'probabilities' } as const;
const DOCS = 'https://keras.io/api/losses/probabilistic_losses/';

/** The spellings of a Keras class: Keras 3, tf.keras and the source module. */
function classAliases(name: string): string[] {
  return [`tf.keras.losses.${name}`, `keras.src.losses.${name}`, `keras.src.losses.losses.${name}`];
}

/** The spellings of a Keras loss function, which Keras also exports as a metric function. */
function functionAliases(name: string): string[] {
  return [`tf.keras.losses.${name}`, `keras.metrics.${name}`, `tf.keras.metrics.${name}`, `keras.src.losses.${name}`, `keras.src.losses.losses.${name}`];
}

function functionCall(yTrueDoc: string, yPredDoc: string, extra: Param[]): Param[] {
  return [kerasYTrue(yTrueDoc), kerasYPred(yPredDoc), ...extra];
}

const REDUCTION_PITFALL =
  "The per-sample loss is a mean (binary) or sum (categorical) over one axis, then the reduction: reduction=None returns one value per sample, and for 1-D inputs the per-sample loss is already a scalar, so reduction='sum' returns the mean.";
const EMPTY_PITFALL = 'An empty batch gives 0 under sum_over_batch_size (divide_no_nan) where torch gives NaN.';

// ------------------------------------------------------------------------------------------- binary

const BCE_YTRUE = 'Targets in [0, 1] (0/1 or soft), shape (batch, d₀, …, d_N).';
const BCE_YPRED = 'Probabilities in [0, 1] (default) or logits with from_logits=True, same shape as y_true.';
const BCE_PARAMS = [KERAS_FROM_LOGITS, KERAS_BINARY_SMOOTHING, KERAS_BCE_AXIS];
const BCE_FORMULA =
  "y' = y·(1 − ε) + ε/2;  probabilities: p = clip(y_pred, 1e-7, 1 − 1e-7), ℓ = −[y'·log p + (1 − y')·log(1 − p)];  " +
  "logits (TensorFlow backend): ℓ = max(x, 0) − x·y' + log(1 + e^−|x|);  per sample: mean over `axis`";
const BCE_PITFALLS = [
  BCE_PITFALLS_SHARED.kerasClip,
  BCE_PITFALLS_SHARED.kerasLegacy,
  "Label smoothing moves targets toward 0.5 (y·(1 − ε) + ε/2): ε = 0.1 turns 1 into 0.95, where the categorical losses would give 0.9 + 0.1/C.",
  'from_logits=True on the TensorFlow backend uses the exact sigmoid cross-entropy; the JAX and torch backends agree numerically, but the NumPy backend applies a sigmoid and then the 1e-7 clip, saturating at 16.118 for large logits.',
  'On the TensorFlow backend a y_pred produced by a sigmoid layer is silently unwrapped to its logits (and from_logits=True on such an output only warns): the loss then depends on how y_pred was computed, not only on its values. Loss Lens computes from the values.',
  'y_true and y_pred must have the same rank and shape after the class wrapper\'s squeeze: a (N, 2) target against a (N,) prediction raises "must have the same rank".',
  REDUCTION_PITFALL,
  EMPTY_PITFALL,
];
const BCE_EQUIVALENTS: Equivalent[] = [
  { api: 'torch.nn.BCELoss', note: 'floors the logs at −100 instead of clipping at 1e-7; averages every element at once.' },
  { api: 'torch.nn.BCEWithLogitsLoss', note: 'the from_logits=True counterpart (plus pos_weight).' },
  { api: 'optax.losses.sigmoid_binary_cross_entropy', note: 'logits only, unreduced.' },
];

// -------------------------------------------------------------------------------------- categorical

const CCE_YTRUE = 'One-hot (or probability) targets, shape (batch, …, C).';
const CCE_YPRED = 'Probabilities along the class axis (default) or logits with from_logits=True, same shape as y_true.';
const CCE_PARAMS = [KERAS_FROM_LOGITS, KERAS_CATEGORICAL_SMOOTHING, KERAS_CLASS_AXIS];
const CCE_FORMULA =
  "y' = y·(1 − ε) + ε/C;  probabilities: p = clip(y_pred / Σ_c y_pred_c, 1e-7, 1 − 1e-7), ℓ = −Σ_c y'_c·log p_c;  logits: ℓ = −Σ_c y'_c·log softmax(x)_c";
const CCE_PITFALLS = [
  'On probabilities Keras first renormalises y_pred to sum to 1 along the axis, then clips to [1e-7, 1 − 1e-7]: unnormalised scores are silently rescaled, and a true class predicted at 0 costs 16.118, not ∞.',
  'With a softmax output layer keep from_logits=False; with a linear output set from_logits=True. Getting this wrong still trains, but badly (probabilities renormalised as if logits, or a double softmax).',
  'Integer labels need SparseCategoricalCrossentropy: passing (N,) class ids here raises a shape error, and (N, 1) ids are read as a one-class distribution.',
  'Label smoothing counts C on y_true\'s last axis even when `axis` points elsewhere.',
  'A prediction with a single class (last axis 1) only warns ("Consider using \'binary_crossentropy\'") and then returns 0 for every sample.',
  'On the TensorFlow backend with logits, the gradient is softmax(x) − y (TensorFlow\'s registered gradient), correct only when each target row sums to 1.',
  REDUCTION_PITFALL,
];
const CCE_EQUIVALENTS: Equivalent[] = [
  { api: 'torch.nn.CrossEntropyLoss', note: 'probability targets on logits; class dim 1; no renormalisation or clipping.' },
  { api: 'tf.nn.softmax_cross_entropy_with_logits', note: 'the from_logits=True computation, unreduced.' },
  { api: 'optax.losses.softmax_cross_entropy', note: 'logits only, unreduced.' },
];

// ------------------------------------------------------------------------------------------- sparse

const SCCE_YTRUE = 'Integer class ids of shape (batch, …) or (batch, …, 1); floats are truncated to integers.';
const SCCE_YPRED = 'Probabilities over the last axis (default) or logits with from_logits=True, shape (batch, …, C).';
const SCCE_FORMULA =
  'probabilities: ℓ = log Σ_c clip(p_c) − log clip(p_y) with clip to [1e-7, 1 − 1e-7];  logits: ℓ = logsumexp(x) − x_y;  ℓ = 0 where y = ignore_class (masked out of the mean)';
const SCCE_PITFALLS = [
  'Labels must lie in [0, C): on the TensorFlow CPU backend an out-of-range label raises "Received a label value of 5 which is outside the valid range of [0, 3)", on GPU it silently gives NaN.',
  'On probabilities the prediction is clipped before being renormalised (by the softmax inside sparse_softmax_cross_entropy_with_logits), the reverse order of CategoricalCrossentropy, so the two disagree slightly on saturated predictions.',
  'ignore_class positions give 0 and are masked out of the mean; if every position is ignored the loss is 0 (torch\'s ignore_index gives NaN).',
  'Only the last axis can be the class axis (TensorFlow backend: "Only axis=-1 is currently supported"); channels-first logits must be transposed.',
  'One-hot targets here raise a rank or shape error; use CategoricalCrossentropy for them.',
  REDUCTION_PITFALL,
];
const SCCE_EQUIVALENTS: Equivalent[] = [
  { api: 'torch.nn.CrossEntropyLoss', note: 'index targets on logits; class dim 1; ignore_index gives NaN when everything is ignored.' },
  { api: 'tf.nn.sparse_softmax_cross_entropy_with_logits', note: 'the from_logits=True computation, unreduced.' },
  { api: 'optax.losses.softmax_cross_entropy_with_integer_labels', note: 'logits only, unreduced.' },
];

// -------------------------------------------------------------------------------------- binary focal

const BFOCAL_PARAMS: Param[] = [
  optional('apply_class_balancing', 'bool', false, 'Multiply by α for positives and 1 − α for negatives. When False (default) alpha is ignored.'),
  optional('alpha', 'number', 0.25, 'Weight of the positive class, used only with apply_class_balancing=True; negatives get 1 − α.'),
  KERAS_FOCAL_GAMMA,
  KERAS_FROM_LOGITS,
  KERAS_BINARY_SMOOTHING,
  KERAS_BCE_AXIS,
];
const BFOCAL_FORMULA =
  "y' = y·(1 − ε) + ε/2,  p = σ(y_pred) if from_logits else y_pred,  CE = −[y'·log p̂ + (1 − y')·log(1 − p̂)] with p̂ = clip(p, 1e-7, 1 − 1e-7),  " +
  "p_t = y'·p + (1 − y')·(1 − p),  ℓ = (1 − p_t)^γ·CE  (× y'·α + (1 − y')·(1 − α) with apply_class_balancing);  per sample: mean over `axis`";
const BFOCAL_PITFALLS = [
  'alpha has no effect unless apply_class_balancing=True — a common surprise when porting RetinaNet settings (torchvision applies α = 0.25 by default).',
  'Even with from_logits=True the cross-entropy is computed on the clipped sigmoid, so it saturates at 16.118 for large wrong logits (Keras 2 used the exact logit form; pin {"version": "2.15"}).',
  'Label smoothing is applied before p_t, so smoothed targets never reach p_t = 1 and the focal factor never vanishes completely.',
  REDUCTION_PITFALL,
];
const BFOCAL_EQUIVALENTS: Equivalent[] = [
  { api: 'torchvision.ops.sigmoid_focal_loss', note: 'logits only, α = 0.25 applied by default, unreduced by default.' },
  { api: 'optax.losses.sigmoid_focal_loss', note: 'logits only, exact CE, unreduced.' },
  { api: 'tfa.losses.SigmoidFocalCrossEntropy', note: 'α applied by default, sums (not averages) over the last axis.' },
];

// --------------------------------------------------------------------------------- categorical focal

const CFOCAL_PARAMS: Param[] = [
  optional('alpha', 'any', 0.25, 'Weight α, a number or a list of per-class weights along the last axis (e.g. inverse class frequencies). Always applied.'),
  KERAS_FOCAL_GAMMA,
  KERAS_FROM_LOGITS,
  KERAS_CATEGORICAL_SMOOTHING,
  KERAS_CLASS_AXIS,
];
const CFOCAL_FORMULA =
  "y' = y·(1 − ε) + ε/C,  p = softmax(x) if from_logits,  p̂ = clip(p / Σp, 1e-7, 1 − 1e-7),  ℓ = Σ_c α_c·(1 − p̂_c)^γ·(−y'_c·log p̂_c)";
const CFOCAL_PITFALLS = [
  'α is always applied (default 0.25), scaling the whole loss by 0.25 relative to categorical cross-entropy at γ = 0 — learning rates tuned for plain cross-entropy may be too small.',
  'A list α is matched against the last axis, whatever `axis` says.',
  'Probabilities are renormalised and clipped as in CategoricalCrossentropy before the focal factor is computed.',
  REDUCTION_PITFALL,
];

// --------------------------------------------------------------------------------------- entries

interface KerasLoss {
  className: string;
  fnName: string;
  family: LossEntry['family'];
  summary: string;
  fnSummary: string;
  tasks: LossEntry['tasks'];
  target: LossEntry['target'];
  classParams: Param[];
  fnParams: Param[];
  yTrue: string;
  yPred: string;
  formula: string;
  pitfalls: string[];
  equivalents: Equivalent[];
  anchor: string;
  stringAliases: string[];
  since?: string;
}

const LOSSES: KerasLoss[] = [
  {
    className: 'BinaryCrossentropy',
    fnName: 'binary_crossentropy',
    family: 'binary-cross-entropy',
    summary: 'Binary cross-entropy per element, averaged over the last axis per sample, then reduced over the batch.',
    fnSummary: 'Per-sample binary cross-entropy: the elementwise loss averaged over `axis` (unreduced over the batch).',
    tasks: ['binary-classification', 'multilabel-classification', 'semantic-segmentation'],
    target: ['binary', 'soft-binary'],
    classParams: BCE_PARAMS,
    fnParams: BCE_PARAMS,
    yTrue: BCE_YTRUE,
    yPred: BCE_YPRED,
    formula: BCE_FORMULA,
    pitfalls: BCE_PITFALLS,
    equivalents: BCE_EQUIVALENTS,
    anchor: 'binarycrossentropy',
    stringAliases: ['bce', 'BCE', 'BinaryCrossentropy'],
  },
  {
    className: 'CategoricalCrossentropy',
    fnName: 'categorical_crossentropy',
    family: 'categorical-cross-entropy',
    summary: 'Cross-entropy between one-hot (or soft) targets and predicted class probabilities or logits along the class axis.',
    fnSummary: 'Per-sample categorical cross-entropy along `axis` (unreduced over the batch).',
    tasks: ['multiclass-classification', 'semantic-segmentation'],
    target: ['one-hot', 'probabilities'],
    classParams: CCE_PARAMS,
    fnParams: CCE_PARAMS,
    yTrue: CCE_YTRUE,
    yPred: CCE_YPRED,
    formula: CCE_FORMULA,
    pitfalls: CCE_PITFALLS,
    equivalents: CCE_EQUIVALENTS,
    anchor: 'categoricalcrossentropy',
    stringAliases: ['CategoricalCrossentropy'],
  },
  {
    className: 'SparseCategoricalCrossentropy',
    fnName: 'sparse_categorical_crossentropy',
    family: 'sparse-categorical-cross-entropy',
    summary: 'Categorical cross-entropy with integer class ids as targets, with an optional ignored class.',
    fnSummary: 'Per-sample sparse categorical cross-entropy over the last axis (unreduced over the batch).',
    tasks: ['multiclass-classification', 'semantic-segmentation', 'sequence-generation'],
    target: ['class-indices', 'class-index-mask'],
    classParams: [KERAS_FROM_LOGITS, KERAS_IGNORE_CLASS],
    fnParams: [KERAS_FROM_LOGITS, KERAS_IGNORE_CLASS, optional('axis', 'int', -1, 'The class axis; the TensorFlow backend supports only the last axis (−1).')],
    yTrue: SCCE_YTRUE,
    yPred: SCCE_YPRED,
    formula: SCCE_FORMULA,
    pitfalls: SCCE_PITFALLS,
    equivalents: SCCE_EQUIVALENTS,
    anchor: 'sparsecategoricalcrossentropy',
    stringAliases: ['SparseCategoricalCrossentropy'],
  },
  {
    className: 'BinaryFocalCrossentropy',
    fnName: 'binary_focal_crossentropy',
    family: 'focal',
    summary: 'Binary cross-entropy scaled by the focal factor (1 − p_t)^γ, with optional α class balancing.',
    fnSummary: 'Per-sample binary focal cross-entropy: the focal elementwise loss averaged over `axis`.',
    tasks: ['binary-classification', 'multilabel-classification', 'object-detection', 'semantic-segmentation'],
    target: ['binary', 'soft-binary'],
    classParams: BFOCAL_PARAMS,
    fnParams: BFOCAL_PARAMS,
    yTrue: BCE_YTRUE,
    yPred: BCE_YPRED,
    formula: BFOCAL_FORMULA,
    pitfalls: BFOCAL_PITFALLS,
    equivalents: BFOCAL_EQUIVALENTS,
    anchor: 'binaryfocalcrossentropy',
    stringAliases: ['BinaryFocalCrossentropy'],
    since: 'keras 2.9',
  },
  {
    className: 'CategoricalFocalCrossentropy',
    fnName: 'categorical_focal_crossentropy',
    family: 'focal',
    summary: 'Categorical cross-entropy with each class term scaled by α·(1 − p)^γ.',
    fnSummary: 'Per-sample categorical focal cross-entropy summed along `axis`.',
    tasks: ['multiclass-classification', 'semantic-segmentation'],
    target: ['one-hot', 'probabilities'],
    classParams: CFOCAL_PARAMS,
    fnParams: CFOCAL_PARAMS,
    yTrue: CCE_YTRUE,
    yPred: CCE_YPRED,
    formula: CFOCAL_FORMULA,
    pitfalls: CFOCAL_PITFALLS,
    equivalents: [
      { api: 'keras.losses.CategoricalCrossentropy', note: 'γ = 0 and α = 1.' },
      { api: 'segmentation_models_pytorch.losses.FocalLoss', note: "mode='multiclass' sums one-vs-rest sigmoid focal losses instead of a softmax." },
    ],
    anchor: 'categoricalfocalcrossentropy',
    stringAliases: ['CategoricalFocalCrossentropy'],
    since: 'keras 2.13',
  },
];

function familyProse(l: KerasLoss): Pick<LossEntry, 'intuition' | 'useWhen' | 'avoidWhen'> {
  const f = l.family === 'binary-cross-entropy' ? BCE : l.family === 'categorical-cross-entropy' ? CCE : l.family === 'focal' ? FOCAL : SCCE;
  return { intuition: f.intuition, useWhen: f.useWhen, avoidWhen: f.avoidWhen };
}

function kerasEntries(l: KerasLoss): LossEntry[] {
  const common = {
    framework: 'keras' as const,
    family: l.family,
    tasks: l.tasks,
    input: 'probabilities' as const,
    inputSwitch: FROM_LOGITS_SWITCH,
    target: l.target,
    formula: l.formula,
    ...familyProse(l),
    ...(l.since ? { since: l.since } : {}),
    kernel: { computed: true } as const,
  };
  // A compile string cannot set from_logits: it always takes probabilities.
  const { inputSwitch: _switch, ...stringCommon } = common;
  return [
    {
      ...common,
      id: `keras.losses.${l.className}`,
      aliases: classAliases(l.className),
      kind: 'class',
      summary: l.summary,
      init: [...l.classParams, ...kerasBaseInit(l.fnName)],
      call: kerasClassCall(l.yTrue, l.yPred),
      pitfalls: [...l.pitfalls, EMPTY_PITFALL].filter((p, i, all) => all.indexOf(p) === i),
      equivalents: [{ api: `keras.losses.${l.fnName}`, note: 'the per-sample function this class wraps.' }, ...l.equivalents],
      docs: `${DOCS}#${l.anchor}-class`,
    },
    {
      ...common,
      id: `keras.losses.${l.fnName}`,
      aliases: functionAliases(l.fnName),
      kind: 'function',
      summary: l.fnSummary,
      call: functionCall(l.yTrue, l.yPred, l.fnParams),
      pitfalls: l.pitfalls.filter((p) => p !== REDUCTION_PITFALL),
      equivalents: [{ api: `keras.losses.${l.className}`, note: 'adds sample weights and the batch reduction.' }, ...l.equivalents],
      docs: `${DOCS}#${l.fnName.replace(/_/g, '')}-function`,
    },
    {
      ...stringCommon,
      id: l.fnName,
      aliases: l.stringAliases,
      kind: 'string',
      summary: `loss='${l.fnName}' in compile(): ${l.fnName} with its defaults (from_logits=False), reduced with sum_over_batch_size.`,
      call: kerasClassCall(l.yTrue, l.yPred),
      pitfalls: [
        `The string always means probabilities (from_logits=False): a model whose last layer has no ${l.family === 'binary-cross-entropy' || l.className === 'BinaryFocalCrossentropy' ? 'sigmoid' : 'softmax'} needs keras.losses.${l.className}(from_logits=True) instead.`,
        ...l.pitfalls,
      ],
      equivalents: [{ api: `keras.losses.${l.className}`, note: 'the class form, which accepts from_logits and the other arguments.' }],
      docs: `${DOCS}#${l.anchor}-class`,
    },
  ];
}

export const entries: LossEntry[] = [
  ...LOSSES.flatMap(kerasEntries),
  {
    id: 'crossentropy',
    aliases: ['ce', 'CE', 'Crossentropy', 'CrossEntropy'],
    framework: 'keras',
    kind: 'string',
    family: 'categorical-cross-entropy',
    summary:
      "loss='crossentropy' (or 'ce') in compile(): Keras picks binary_crossentropy when y_pred's last axis is 1, sparse_categorical_crossentropy when y_true has lower rank (or a last axis of 1), categorical_crossentropy otherwise.",
    tasks: ['binary-classification', 'multiclass-classification', 'multilabel-classification'],
    input: 'probabilities',
    target: ['binary', 'class-indices', 'one-hot'],
    call: kerasClassCall('Targets: 0/1 labels, integer class ids or one-hot rows — the shape decides which loss is used.', 'Probabilities (the string implies from_logits=False).'),
    formula: "last axis of y_pred = 1 → binary_crossentropy;  rank(y_true) < rank(y_pred) or (y_true last axis 1 and y_pred's > 1) → sparse_categorical_crossentropy;  else categorical_crossentropy",
    intuition: CCE.intuition,
    useWhen: 'Quick experiments where the label format may change; Keras resolves the right cross-entropy from the shapes at compile time.',
    avoidWhen: 'The model outputs logits (the string cannot set from_logits), or you want the choice to be explicit and reviewable.',
    pitfalls: [
      'The choice depends only on shapes: multi-label targets of shape (N, C) with C > 1 select categorical cross-entropy (a softmax across labels), not binary cross-entropy.',
      'Always on probabilities; a linear output layer needs an explicit loss object with from_logits=True.',
    ],
    equivalents: [
      { api: 'binary_crossentropy' },
      { api: 'sparse_categorical_crossentropy' },
      { api: 'categorical_crossentropy' },
    ],
    docs: 'https://keras.io/api/models/model_training_apis/#compile-method',
    kernel: { computed: true },
  },
];
