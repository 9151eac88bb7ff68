/**
 * torch and torchvision classification losses: BCE (probabilities and logits), cross-entropy,
 * NLL (and the deprecated NLLLoss2d), multi-label soft margin and torchvision's focal loss.
 */
import { optional, tensorArg, torchInputTarget, torchLegacyReduction, torchReduction } from '../../params.js';
import type { LossEntry, Param } from '../../types.js';
import { families } from './families.js';
import {
  BCE_PITFALLS_SHARED,
  TORCH_CLASS_WEIGHT,
  TORCH_IGNORE_INDEX,
  TORCH_LABEL_SMOOTHING,
  TORCH_POS_WEIGHT,
  torchReductionUnchecked,
  torchWeight,
} from './shared.js';

const [SIZE_AVERAGE, REDUCE] = torchLegacyReduction() as [Param, Param];
const family = (id: string) => families.find((f) => f.id === id)!;
const BCE = family('binary-cross-entropy');
const CCE = family('categorical-cross-entropy');
const NLL = family('negative-log-likelihood');
const FOCAL = family('focal');

// ------------------------------------------------------------------------------------------- BCE

const BCE_WEIGHT = torchWeight("Rescaling weight broadcast to the input's shape and multiplied into each element's loss. The mean still divides by the element count, not by Σ weight.");
const BCE_CALL = torchInputTarget(
  'Probabilities in [0, 1], any shape (e.g. the output of torch.sigmoid). NaN or values outside [0, 1] raise.',
  'Targets in [0, 1] (hard 0/1 or soft), same shape and dtype as the input.',
);
const BCE_FORMULA = 'ℓᵢ = −wᵢ·[yᵢ·max(log xᵢ, −100) + (1 − yᵢ)·max(log(1 − xᵢ), −100)];  mean: (1/n)·Σ ℓᵢ,  sum: Σ ℓᵢ,  none: ℓ';
const BCE_PITFALLS = [
  BCE_PITFALLS_SHARED.torchClamp,
  'Input and target must have exactly the same shape — a (N, 1) output against a (N,) target raises a ValueError here (MSELoss would silently broadcast).',
  'The target must have the input\'s dtype: float32 probabilities with a float64 or integer target raise "Found dtype … but expected …"; cast with target.float().',
  'A sigmoid followed by BCELoss is numerically weaker than BCEWithLogitsLoss on the logits, and torch refuses it under autocast (mixed precision).',
  'Feeding raw logits raises "all elements of input should be between 0 and 1" — the model is missing its sigmoid, or should use BCEWithLogitsLoss.',
  'The gradient is (x − y)/max(x·(1 − x), 1e-12): at a saturated probability it is huge or exactly zero, another reason to work on logits.',
];

// ------------------------------------------------------------------------------------ BCE logits

const BCEL_CALL = torchInputTarget(
  'Logits (unnormalised scores), any shape.',
  'Targets in [0, 1] (hard or soft), same shape as the input, floating point.',
);
const BCEL_FORMULA =
  'ℓᵢ = wᵢ·[(1 − yᵢ)·xᵢ + lᵢ·softplus(−xᵢ)],  lᵢ = 1 + (pos_weight − 1)·yᵢ  (= −wᵢ·[pos_weight·yᵢ·log σ(xᵢ) + (1 − yᵢ)·log σ(−xᵢ)]);  then mean / sum / none';
const BCEL_PITFALLS = [
  'Input and target must have the same shape (ValueError "Target size … must be the same as input size …"), and the target must be floating point: integer labels raise "result type Float can\'t be cast to the desired output type Long".',
  'pos_weight broadcasts along the last dimension: for (N, C) inputs give one weight per class (length C), not per sample. A pos_weight that would enlarge the output raises.',
  BCE_PITFALLS_SHARED.sigmoidTwice,
  'Exact for huge logits (x = 1e4 with y = 0 gives 1e4), but ±∞ logits give NaN or ∞ in torch 1.13: +∞ with y = 0 → ∞, +∞ with y > 0 → NaN, −∞ → NaN.',
  "reduction='mean' averages over every element (N·C for multi-label), so the value does not depend on the number of labels per sample.",
];

// ------------------------------------------------------------------------------------ cross_entropy

const CE_CALL = torchInputTarget(
  'Logits of shape (C), (N, C) or (N, C, d₁, …, d_K): the class dimension is 1 (0 for 1-D input). Not probabilities.',
  'Class indices (int64) of shape (), (N) or (N, d₁, …, d_K), or class probabilities of the same shape as the input (floating point).',
);
const CE_FORMULA =
  'index targets: ℓₚ = −w_y·log softmax(x)_y (0 where y = ignore_index); mean = Σ ℓₚ / Σ_{p not ignored} w_yₚ.  ' +
  'Probability targets: ℓₚ = −Σ_c w_c·t_c·log softmax(x)_c; mean = Σ ℓₚ / (numel/C).  ' +
  'Label smoothing ε: (1 − ε)·ℓ + (ε/C)·(−Σ_c w_c·log softmax(x)_c)';
const CE_PITFALLS = [
  'It applies log_softmax itself: feeding softmax probabilities (a softmax at the end of the model) still trains but squashes the gradients and caps how low the loss can go.',
  'The class dimension is 1: for sequence models with (N, T, C) logits, permute to (N, C, T) (or flatten to (N·T, C)) — otherwise T is read as the classes.',
  'Index targets must be int64: int32 labels raise "expected scalar type Long but found Int" in torch 1.13 (target.long() fixes it); labels outside [0, C) raise "Target 7 is out of bounds.".',
  'With class weights the mean divides by Σ weight[target] for index targets but by the number of positions for probability targets — the same data gives different values in the two forms.',
  "If every target equals ignore_index (e.g. a fully padded batch), reduction='mean' returns NaN (0/0), which then poisons the whole step; Keras returns 0 in that case.",
  'Probability targets are assumed whenever input and target shapes are equal (torch ≥ 1.10); ignore_index must then be negative, and a −∞ logit on a class with target 0 gives NaN (0·−∞).',
  'Label smoothing spreads ε over all C classes including the true one (ε/C each), and the smoothing term uses the class weights too.',
];

// ------------------------------------------------------------------------------------------ nll_loss

const NLL_CALL = torchInputTarget(
  'Log-probabilities of shape (C), (N, C) or (N, C, d₁, …, d_K), e.g. the output of log_softmax(dim=1). Used as given, never normalised.',
  'Class indices (int64) of shape (), (N) or (N, d₁, …, d_K).',
);
const NLL_FORMULA = 'ℓₚ = −w_y·input[p, y] (0 where y = ignore_index);  mean: Σ ℓₚ / Σ_{p not ignored} w_yₚ,  sum: Σ ℓₚ,  none: ℓ';
const NLL_PITFALLS = [
  'NLLLoss does not take a log or normalise: on raw logits or on softmax probabilities the loss is meaningless and can be negative. Put log_softmax before it, or use CrossEntropyLoss on the logits.',
  'A softmax (not log_softmax) before NLLLoss is a classic bug: the loss becomes −p_y, bounded in [−1, 0], and training stalls.',
  "All targets ignored (or Σ weight[target] = 0) makes reduction='mean' return NaN.",
  'Targets must be int64 and inside [0, C) unless equal to ignore_index ("Target 7 is out of bounds.").',
  'For inputs with spatial dimensions the class dimension is 1; (N, C, H, W) inputs need (N, H, W) targets ("only batches of spatial targets supported").',
];

// ---------------------------------------------------------------------------- multilabel soft margin

const MLSM_CALL = torchInputTarget('Logits of shape (N, C) (or (C)).', 'Multi-hot targets in {0, 1} (soft values allowed) broadcastable to the input, e.g. (N, C).');
const MLSM_FORMULA = 'ℓₙ = −(1/C)·Σ_c w_c·[y_{n,c}·log σ(x_{n,c}) + (1 − y_{n,c})·log σ(−x_{n,c})];  then mean / sum / none over n';
const MLSM_PITFALLS = [
  'Equal to BCEWithLogitsLoss averaged per sample: the per-sample loss is the mean over the C classes, so reduction=\'none\' returns N values, not N·C.',
  'Unlike BCEWithLogitsLoss the target is broadcast silently: a (C,) target is used for every sample. Check shapes.',
  'An invalid reduction raises "avg is not valid" (its own check, not the usual torch message).',
  'No pos_weight: re-balance rare labels with weight (per class) or switch to BCEWithLogitsLoss(pos_weight=…).',
];

// ------------------------------------------------------------------------------------- torchvision

const TV_FORMULA =
  'p = σ(x),  CE = BCE-with-logits(x, y),  p_t = p·y + (1 − p)·(1 − y),  ℓ = α_t·(1 − p_t)^γ·CE  with α_t = α·y + (1 − α)·(1 − y) (skipped when α < 0);  reduction none (default) / mean / sum';

export const entries: LossEntry[] = [
  {
    id: 'torch.nn.BCELoss',
    aliases: ['torch.nn.modules.loss.BCELoss'],
    framework: 'torch',
    kind: 'class',
    family: 'binary-cross-entropy',
    summary: 'Binary cross-entropy between probabilities and 0/1 (or soft) targets, with each log floored at −100.',
    tasks: ['binary-classification', 'multilabel-classification', 'semantic-segmentation'],
    input: 'probabilities',
    target: ['binary', 'soft-binary'],
    init: [BCE_WEIGHT, SIZE_AVERAGE, REDUCE, torchReduction()],
    call: BCE_CALL,
    formula: BCE_FORMULA,
    intuition: BCE.intuition,
    useWhen: `${BCE.useWhen} Use this probability form only when the model must output probabilities; otherwise prefer BCEWithLogitsLoss.`,
    avoidWhen: BCE.avoidWhen,
    pitfalls: BCE_PITFALLS,
    equivalents: [
      { api: 'torch.nn.functional.binary_cross_entropy' },
      { api: 'torch.nn.BCEWithLogitsLoss', note: 'takes logits, numerically stabler, has pos_weight; equal to BCELoss(sigmoid(x)) away from saturation.' },
      { api: 'keras.losses.BinaryCrossentropy', note: 'clips p to [1e-7, 1 − 1e-7] (worst loss 16.118 vs 100) and averages the last axis per sample first.' },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.functional.binary_cross_entropy',
    aliases: [],
    framework: 'torch',
    kind: 'function',
    family: 'binary-cross-entropy',
    summary: 'Functional form of BCELoss: binary cross-entropy on probabilities with the −100 log floor.',
    tasks: ['binary-classification', 'multilabel-classification', 'semantic-segmentation'],
    input: 'probabilities',
    target: ['binary', 'soft-binary'],
    call: [...BCE_CALL, BCE_WEIGHT, SIZE_AVERAGE, REDUCE, torchReduction()],
    formula: BCE_FORMULA,
    intuition: BCE.intuition,
    useWhen: BCE.useWhen,
    avoidWhen: BCE.avoidWhen,
    pitfalls: BCE_PITFALLS,
    equivalents: [
      { api: 'torch.nn.BCELoss' },
      { api: 'torch.nn.functional.binary_cross_entropy_with_logits', note: 'on logits; prefer it.' },
      { api: 'keras.losses.binary_crossentropy', note: 'clips at 1e-7 and returns per-sample means over the last axis.' },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.functional.binary_cross_entropy.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.BCEWithLogitsLoss',
    aliases: ['torch.nn.modules.loss.BCEWithLogitsLoss'],
    framework: 'torch',
    kind: 'class',
    family: 'binary-cross-entropy',
    summary: 'Sigmoid + binary cross-entropy in one numerically stable step, with optional per-class pos_weight.',
    tasks: ['binary-classification', 'multilabel-classification', 'semantic-segmentation', 'object-detection'],
    input: 'logits',
    target: ['binary', 'soft-binary'],
    init: [BCE_WEIGHT, SIZE_AVERAGE, REDUCE, torchReduction(), TORCH_POS_WEIGHT],
    call: BCEL_CALL,
    formula: BCEL_FORMULA,
    intuition: BCE.intuition,
    useWhen: BCE.useWhen,
    avoidWhen: BCE.avoidWhen,
    pitfalls: BCEL_PITFALLS,
    equivalents: [
      { api: 'torch.nn.functional.binary_cross_entropy_with_logits' },
      { api: 'keras.losses.BinaryCrossentropy', note: 'with from_logits=True; no pos_weight, averages the last axis per sample.' },
      { api: 'tf.nn.weighted_cross_entropy_with_logits', note: 'same pos_weight formula, unreduced.' },
      { api: 'optax.losses.sigmoid_binary_cross_entropy', note: 'unreduced, no weights.' },
      { api: 'torch.nn.MultiLabelSoftMarginLoss', note: 'the same loss averaged over classes per sample.' },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.functional.binary_cross_entropy_with_logits',
    aliases: [],
    framework: 'torch',
    kind: 'function',
    family: 'binary-cross-entropy',
    summary: 'Functional form of BCEWithLogitsLoss.',
    tasks: ['binary-classification', 'multilabel-classification', 'semantic-segmentation', 'object-detection'],
    input: 'logits',
    target: ['binary', 'soft-binary'],
    call: [...BCEL_CALL, BCE_WEIGHT, SIZE_AVERAGE, REDUCE, torchReduction(), TORCH_POS_WEIGHT],
    formula: BCEL_FORMULA,
    intuition: BCE.intuition,
    useWhen: BCE.useWhen,
    avoidWhen: BCE.avoidWhen,
    pitfalls: BCEL_PITFALLS,
    equivalents: [
      { api: 'torch.nn.BCEWithLogitsLoss' },
      { api: 'tf.nn.sigmoid_cross_entropy_with_logits', note: "unreduced (reduction='none'), no weights." },
      { api: 'optax.losses.sigmoid_binary_cross_entropy', note: 'unreduced.' },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.functional.binary_cross_entropy_with_logits.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.CrossEntropyLoss',
    aliases: ['torch.nn.modules.loss.CrossEntropyLoss'],
    framework: 'torch',
    kind: 'class',
    family: 'categorical-cross-entropy',
    summary: 'log_softmax over dim 1 followed by NLL: class-index or class-probability targets, class weights, ignore_index, label smoothing.',
    tasks: ['multiclass-classification', 'semantic-segmentation', 'sequence-generation'],
    input: 'logits',
    target: ['class-indices', 'probabilities'],
    init: [TORCH_CLASS_WEIGHT, SIZE_AVERAGE, TORCH_IGNORE_INDEX, REDUCE, torchReduction(), TORCH_LABEL_SMOOTHING],
    call: CE_CALL,
    formula: CE_FORMULA,
    intuition: CCE.intuition,
    useWhen: CCE.useWhen,
    avoidWhen: CCE.avoidWhen,
    pitfalls: CE_PITFALLS,
    equivalents: [
      { api: 'torch.nn.functional.cross_entropy' },
      { api: 'torch.nn.NLLLoss', note: 'the same after an explicit log_softmax.' },
      { api: 'keras.losses.SparseCategoricalCrossentropy', note: 'with from_logits=True; class axis last, ignore_class instead of ignore_index (0, not NaN, when all ignored), no class weights.' },
      { api: 'keras.losses.CategoricalCrossentropy', note: 'probability targets with from_logits=True; class axis last.' },
      { api: 'optax.losses.softmax_cross_entropy_with_integer_labels', note: 'unreduced, class axis last, no weights or ignore index.' },
      { api: 'segmentation_models_pytorch.losses.SoftCrossEntropyLoss', note: 'label smoothing with ignored positions counted in the mean.' },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.functional.cross_entropy',
    aliases: [],
    framework: 'torch',
    kind: 'function',
    family: 'categorical-cross-entropy',
    summary: 'Functional form of CrossEntropyLoss.',
    tasks: ['multiclass-classification', 'semantic-segmentation', 'sequence-generation'],
    input: 'logits',
    target: ['class-indices', 'probabilities'],
    call: [...CE_CALL, TORCH_CLASS_WEIGHT, SIZE_AVERAGE, TORCH_IGNORE_INDEX, REDUCE, torchReduction(), TORCH_LABEL_SMOOTHING],
    formula: CE_FORMULA,
    intuition: CCE.intuition,
    useWhen: CCE.useWhen,
    avoidWhen: CCE.avoidWhen,
    pitfalls: CE_PITFALLS,
    equivalents: [
      { api: 'torch.nn.CrossEntropyLoss' },
      { api: 'tf.nn.sparse_softmax_cross_entropy_with_logits', note: "reduction='none' with index targets, class axis last." },
      { api: 'tf.nn.softmax_cross_entropy_with_logits', note: "reduction='none' with probability targets, class axis last." },
      { api: 'keras.losses.sparse_categorical_crossentropy', note: 'per-sample values; from_logits=True for the same input.' },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.functional.cross_entropy.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.NLLLoss',
    aliases: ['torch.nn.modules.loss.NLLLoss'],
    framework: 'torch',
    kind: 'class',
    family: 'negative-log-likelihood',
    summary: 'Negative log-likelihood: picks −input[target] from log-probabilities, with class weights and ignore_index.',
    tasks: ['multiclass-classification', 'semantic-segmentation', 'sequence-generation'],
    input: 'log-probabilities',
    target: ['class-indices'],
    init: [TORCH_CLASS_WEIGHT, SIZE_AVERAGE, TORCH_IGNORE_INDEX, REDUCE, torchReduction()],
    call: NLL_CALL,
    formula: NLL_FORMULA,
    intuition: NLL.intuition,
    useWhen: NLL.useWhen,
    avoidWhen: NLL.avoidWhen,
    pitfalls: NLL_PITFALLS,
    equivalents: [
      { api: 'torch.nn.functional.nll_loss' },
      { api: 'torch.nn.CrossEntropyLoss', note: 'takes logits and applies log_softmax itself.' },
      { api: 'torch.nn.NLLLoss2d', note: 'deprecated name of the same class.' },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.NLLLoss.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.functional.nll_loss',
    aliases: [],
    framework: 'torch',
    kind: 'function',
    family: 'negative-log-likelihood',
    summary: 'Functional form of NLLLoss.',
    tasks: ['multiclass-classification', 'semantic-segmentation', 'sequence-generation'],
    input: 'log-probabilities',
    target: ['class-indices'],
    call: [...NLL_CALL, TORCH_CLASS_WEIGHT, SIZE_AVERAGE, TORCH_IGNORE_INDEX, REDUCE, torchReduction()],
    formula: NLL_FORMULA,
    intuition: NLL.intuition,
    useWhen: NLL.useWhen,
    avoidWhen: NLL.avoidWhen,
    pitfalls: NLL_PITFALLS,
    equivalents: [
      { api: 'torch.nn.NLLLoss' },
      { api: 'torch.nn.functional.cross_entropy', note: 'equals nll_loss(log_softmax(x, 1), y).' },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.functional.nll_loss.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.NLLLoss2d',
    aliases: ['torch.nn.modules.loss.NLLLoss2d'],
    framework: 'torch',
    kind: 'class',
    family: 'negative-log-likelihood',
    summary: 'Deprecated alias class of NLLLoss (kept for old 2-D segmentation code); warns at construction and computes exactly NLLLoss.',
    tasks: ['semantic-segmentation'],
    input: 'log-probabilities',
    target: ['class-index-mask', 'class-indices'],
    init: [TORCH_CLASS_WEIGHT, SIZE_AVERAGE, TORCH_IGNORE_INDEX, REDUCE, torchReduction()],
    call: NLL_CALL,
    formula: NLL_FORMULA,
    intuition: NLL.intuition,
    useWhen: 'Only in legacy code; NLLLoss handles (N, C, H, W) inputs directly.',
    avoidWhen: 'Always in new code: replace NLLLoss2d with NLLLoss (a drop-in replacement), or with CrossEntropyLoss on logits.',
    pitfalls: [
      'Deprecated: constructing it prints "NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement…". It is a subclass of NLLLoss with no other difference, and may disappear in a future release.',
      ...NLL_PITFALLS.slice(0, 2),
    ],
    equivalents: [{ api: 'torch.nn.NLLLoss', note: 'identical numbers; the supported name.' }],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.NLLLoss.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.MultiLabelSoftMarginLoss',
    aliases: ['torch.nn.modules.loss.MultiLabelSoftMarginLoss'],
    framework: 'torch',
    kind: 'class',
    family: 'binary-cross-entropy',
    summary: 'Multi-label one-vs-all logistic loss: sigmoid cross-entropy per class, averaged over the classes of each sample.',
    tasks: ['multilabel-classification'],
    input: 'logits',
    target: ['binary', 'soft-binary'],
    init: [torchWeight('Per-class weights (length C), broadcast against the elementwise loss before the class average.'), SIZE_AVERAGE, REDUCE, torchReductionUnchecked("'mean' averages the per-sample losses; an invalid value raises \"… is not valid\".")],
    call: MLSM_CALL,
    formula: MLSM_FORMULA,
    intuition: BCE.intuition,
    useWhen: 'Multi-label classification where each sample carries several independent labels and a per-sample average over labels is wanted.',
    avoidWhen: BCE.avoidWhen,
    pitfalls: MLSM_PITFALLS,
    equivalents: [
      { api: 'torch.nn.functional.multilabel_soft_margin_loss' },
      { api: 'torch.nn.BCEWithLogitsLoss', note: "equal values with reduction='mean' (both average all N·C terms); per-sample values differ by the 1/C." },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.MultiLabelSoftMarginLoss.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.functional.multilabel_soft_margin_loss',
    aliases: [],
    framework: 'torch',
    kind: 'function',
    family: 'binary-cross-entropy',
    summary: 'Functional form of MultiLabelSoftMarginLoss.',
    tasks: ['multilabel-classification'],
    input: 'logits',
    target: ['binary', 'soft-binary'],
    call: [
      ...MLSM_CALL,
      torchWeight('Per-class weights (length C), broadcast against the elementwise loss before the class average.'),
      SIZE_AVERAGE,
      REDUCE,
      torchReductionUnchecked("'mean' averages the per-sample losses; an invalid value raises \"… is not valid\"."),
    ],
    formula: MLSM_FORMULA,
    intuition: BCE.intuition,
    useWhen: 'Multi-label classification with a per-sample average over labels.',
    avoidWhen: BCE.avoidWhen,
    pitfalls: MLSM_PITFALLS,
    equivalents: [{ api: 'torch.nn.MultiLabelSoftMarginLoss' }, { api: 'optax.losses.sigmoid_binary_cross_entropy', note: 'elementwise; take the mean over the last axis yourself.' }],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.functional.multilabel_soft_margin_loss.html',
    kernel: { computed: true },
  },
  {
    id: 'torchvision.ops.sigmoid_focal_loss',
    aliases: ['torchvision.ops.focal_loss.sigmoid_focal_loss'],
    framework: 'torchvision',
    kind: 'function',
    family: 'focal',
    summary: "RetinaNet's sigmoid focal loss on logits; unreduced by default (reduction='none').",
    tasks: ['object-detection', 'binary-classification', 'multilabel-classification', 'semantic-segmentation'],
    input: 'logits',
    target: ['binary', 'soft-binary'],
    call: [
      tensorArg('inputs', 'prediction', 'Logits of any shape (one per anchor and class in RetinaNet).'),
      tensorArg('targets', 'target', 'Binary (or soft) float targets of the same shape.'),
      optional('alpha', 'number', 0.25, 'Weight of the positive class; negatives get 1 − α. A negative value (e.g. −1) disables the α weighting.'),
      optional('gamma', 'number', 2, 'Focusing exponent γ of (1 − p_t)^γ; 0 gives (α-weighted) BCE.'),
      optional('reduction', 'string', 'none', "'none' (default), 'mean' or 'sum'. torchvision 0.14 silently returns the unreduced loss for any other string; 0.15 and later raise."),
    ],
    formula: TV_FORMULA,
    intuition: FOCAL.intuition,
    useWhen: FOCAL.useWhen,
    avoidWhen: FOCAL.avoidWhen,
    pitfalls: [
      "The default reduction is 'none' (unlike every torch loss): summing it yourself without normalising by the number of positive anchors (as RetinaNet does) changes the scale by orders of magnitude.",
      'α = 0.25 down-weights the positives (α applies to y = 1): with γ = 2 this is the paper\'s setting, but with γ = 0 it makes the loss favour negatives.',
      'Targets must be floating point and of the same shape ("Target size … must be the same as input size …"); integer labels raise.',
      'A misspelt reduction returns the unreduced tensor in torchvision 0.14 (no error); pin {"version": "0.15"} to get the later ValueError.',
      BCE_PITFALLS_SHARED.sigmoidTwice,
    ],
    equivalents: [
      { api: 'optax.losses.sigmoid_focal_loss', note: 'α defaults to None (no weighting) instead of 0.25; focal weight computed in log space.' },
      { api: 'keras.losses.BinaryFocalCrossentropy', note: 'α only with apply_class_balancing=True; CE on clipped probabilities; mean over the last axis.' },
      { api: 'tfa.losses.SigmoidFocalCrossEntropy', note: 'sums over the last axis; takes probabilities by default.' },
      { api: 'segmentation_models_pytorch.losses.FocalLoss', note: 'mean-reduced, α defaults to None, optional normalisation.' },
    ],
    docs: 'https://pytorch.org/vision/stable/generated/torchvision.ops.sigmoid_focal_loss.html',
    kernel: { computed: true },
  },
];
