/**
 * PyTorch's margin-group losses as in 1.13 (torch.nn modules and torch.nn.functional forms):
 * KL divergence, hinge embedding, multi-label and multi-class margin, soft margin, cosine
 * embedding, margin ranking and the two triplet losses.
 */
import { optional, tensorArg, torchLegacyReduction, torchReduction } from '../../params.js';
import type { Equivalent, FamilyId, LossEntry, Param, TaskKind } from '../../types.js';
import { family } from './families.js';

const DOCS = 'https://pytorch.org/docs/stable/generated/';

const EMPTY_MEAN = "An empty input gives NaN with reduction='mean' (0/0) and 0 with 'sum'.";

interface TorchLoss {
  className: string;
  fnName: string;
  family: FamilyId;
  tasks: TaskKind[];
  input: LossEntry['input'];
  target: LossEntry['target'];
  classSummary: string;
  fnSummary: string;
  /** Constructor parameters in torch's order. */
  init: Param[];
  /** Forward parameters of the module. */
  forward: Param[];
  /** Parameters of the functional form, in order. */
  fnCall: Param[];
  formula: string;
  pitfalls: string[];
  equivalents: Equivalent[];
  prose?: Partial<Pick<LossEntry, 'intuition' | 'useWhen' | 'avoidWhen'>>;
  since?: string;
  /** Not computable (e.g. a Python callable is required). */
  kernel?: LossEntry['kernel'];
}

function torchEntries(l: TorchLoss): LossEntry[] {
  const f = family(l.family);
  const common = {
    framework: 'torch' as const,
    family: l.family,
    tasks: l.tasks,
    input: l.input,
    target: l.target,
    formula: l.formula,
    intuition: l.prose?.intuition ?? f.intuition,
    useWhen: l.prose?.useWhen ?? f.useWhen,
    avoidWhen: l.prose?.avoidWhen ?? f.avoidWhen,
    pitfalls: l.pitfalls,
    ...(l.since ? { since: l.since } : {}),
    kernel: l.kernel ?? ({ computed: true } as const),
  };
  const classId = `torch.nn.${l.className}`;
  const fnId = `torch.nn.functional.${l.fnName}`;
  return [
    {
      ...common,
      id: classId,
      aliases: [`torch.nn.modules.loss.${l.className}`],
      kind: 'class',
      summary: l.classSummary,
      init: l.init,
      call: l.forward,
      equivalents: [{ api: fnId, note: 'the functional form; the same arguments at call time.' }, ...l.equivalents],
      docs: `${DOCS}torch.nn.${l.className}.html`,
    },
    {
      ...common,
      id: fnId,
      aliases: [],
      kind: 'function',
      summary: l.fnSummary,
      call: l.fnCall,
      equivalents: [{ api: classId, note: 'the module form; the options go to the constructor.' }, ...l.equivalents],
      docs: `${DOCS}${fnId}.html`,
    },
  ];
}

// ------------------------------------------------------------------------------------------- KL

const KL_INPUT = 'Log-probabilities of the predicted distribution q (e.g. log_softmax output), any shape.';
const KL_TARGET = 'The target distribution p, broadcastable to the input: probabilities, or log-probabilities when log_target=True.';
const LOG_TARGET_DOC = 'True when `target` holds log-probabilities; the loss is then exp(t)·(t − x). Default False.';

const KL: TorchLoss = {
  className: 'KLDivLoss',
  fnName: 'kl_div',
  family: 'kl-divergence',
  tasks: ['distillation', 'multiclass-classification'],
  input: 'log-probabilities',
  target: ['probabilities', 'log-probabilities'],
  classSummary: 'KL divergence KL(target ‖ exp(input)) with the input in log space; reduced by mean (default), batchmean, sum or none.',
  fnSummary: 'Functional KL divergence with log-probability input: target·(log target − input) per element, then the reduction.',
  init: [
    ...torchLegacyReduction(),
    torchReduction('mean', ['batchmean']),
    optional('log_target', 'bool', false, LOG_TARGET_DOC),
  ],
  forward: [tensorArg('input', 'prediction', KL_INPUT), tensorArg('target', 'target', KL_TARGET)],
  fnCall: [
    tensorArg('input', 'prediction', KL_INPUT),
    tensorArg('target', 'target', KL_TARGET),
    ...torchLegacyReduction(),
    torchReduction('mean', ['batchmean']),
    optional('log_target', 'bool', false, LOG_TARGET_DOC),
  ],
  formula:
    'ℓᵢ = xlogy(tᵢ, tᵢ) − tᵢ·xᵢ  (log_target=False; xlogy(0, 0) = 0),  ℓᵢ = e^{tᵢ}·(tᵢ − xᵢ)  (log_target=True);  ' +
    'mean: Σℓ / numel,  batchmean: Σℓ / input.size(0),  sum: Σℓ,  none: ℓ',
  pitfalls: [
    'The input must be log-probabilities and the target probabilities: passing softmax output as the input gives negative, meaningless values. Apply log_softmax to the prediction.',
    "The default reduction='mean' divides by every element (batch × classes), not by the batch, and torch warns about it; the true KL per sample is reduction='batchmean'.",
    "'batchmean' divides by input.size(0) even for 1-D input (there it divides by the number of classes); a 0-d input is not divided.",
    'torch 1.13 computes xlogy(t, t) − t·x: a zero target with input −inf gives NaN (0·−inf), and a negative target gives NaN. Releases before 1.13 used where(t > 0, t·(log t − x), 0), which returned 0 in both cases.',
    'With log_target=True a target of −inf (probability 0) gives NaN: exp(−inf)·(−inf − x) = 0·−inf.',
    'Input and target broadcast silently, without the warning MSELoss gives.',
    'Integer or bool tensors raise "kl_div: Integral inputs not supported."',
    EMPTY_MEAN,
  ],
  equivalents: [
    { api: 'keras.losses.KLDivergence', note: 'takes probabilities for both arguments (y_true first) and clips both to [1e-7, 1]; its default reduction matches batchmean for (N, C) inputs.' },
    { api: 'optax.losses.kl_divergence', note: 'same argument order and log-space predictions, unreduced per example; a zero target contributes exactly 0.' },
    { api: 'optax.losses.kl_divergence_with_log_targets', note: 'the log_target=True form, unreduced.' },
    { api: 'torch.nn.CrossEntropyLoss', note: 'with probability targets it differs by the target entropy, a constant for fixed targets.' },
  ],
};

// ---------------------------------------------------------------------------- hinge embedding

const HE_INPUT = 'Distances or scores x (e.g. an L1 distance between two embeddings), any shape.';
const HE_TARGET = 'Labels y of the same (or a broadcastable) shape: 1 for similar, −1 for dissimilar.';
const HE_MARGIN = 'Margin m: dissimilar pairs contribute max(0, m − x). Default 1.0.';

const HINGE_EMBEDDING: TorchLoss = {
  className: 'HingeEmbeddingLoss',
  fnName: 'hinge_embedding_loss',
  family: 'hinge',
  tasks: ['metric-learning', 'binary-classification'],
  input: 'distance',
  target: ['plus-minus-one'],
  classSummary: 'Hinge embedding loss: x for similar pairs (y = 1), max(0, margin − x) for dissimilar pairs (y = −1).',
  fnSummary: 'Functional hinge embedding loss on distances with ±1 labels.',
  init: [optional('margin', 'number', 1.0, HE_MARGIN), ...torchLegacyReduction(), torchReduction()],
  forward: [tensorArg('input', 'prediction', HE_INPUT), tensorArg('target', 'target', HE_TARGET)],
  fnCall: [
    tensorArg('input', 'prediction', HE_INPUT),
    tensorArg('target', 'target', HE_TARGET),
    optional('margin', 'number', 1.0, HE_MARGIN),
    ...torchLegacyReduction(),
    torchReduction(),
  ],
  formula: 'ℓᵢ = [yᵢ ≠ 1]·max(0, m − xᵢ) + [yᵢ ≠ −1]·xᵢ  (y = 1: x;  y = −1: max(0, m − x));  then mean / sum / none',
  prose: {
    intuition:
      'The input is a distance: similar pairs are charged their distance directly, dissimilar pairs only while they are closer ' +
      'than the margin. It is the contrastive loss with an L1 or raw distance instead of a squared one.',
  },
  pitfalls: [
    'Labels must be exactly 1 or −1. Any other value (0 from a {0, 1} encoding) matches neither test and gets both terms, x + max(0, m − x): 0/1 labels silently train a different loss.',
    'The input should be a non-negative distance; a raw similarity score (higher = more similar) inverts the meaning of the labels.',
    'Input and target broadcast silently (no warning).',
    'An integer input keeps integer arithmetic (the margin is truncated) and cannot be averaged ("mean(): could not infer output dtype").',
    EMPTY_MEAN,
  ],
  equivalents: [
    { api: 'tfa.losses.ContrastiveLoss', note: 'squares both terms and uses y = 1 for similar, y = 0 for dissimilar.' },
    { api: 'torch.nn.CosineEmbeddingLoss', note: 'computes the (cosine) distance itself from two embeddings.' },
  ],
};

// ------------------------------------------------------------------------------ multilabel margin

const MLM_INPUT = 'Scores, shape (C) or (N, C) (0-d is one class).';
const MLM_TARGET = 'Class indices (int64), same shape as the input: the positive classes of each sample, then −1 padding (everything after the first −1 is ignored).';

const MULTILABEL_MARGIN: TorchLoss = {
  className: 'MultiLabelMarginLoss',
  fnName: 'multilabel_margin_loss',
  family: 'hinge',
  tasks: ['multilabel-classification'],
  input: 'scores',
  target: ['multilabel-indices'],
  classSummary: 'Multi-label hinge loss: every positive class must outscore every negative class by 1; averaged over classes.',
  fnSummary: 'Functional multi-label margin loss with −1-terminated index targets.',
  init: [...torchLegacyReduction(), torchReduction()],
  forward: [tensorArg('input', 'prediction', MLM_INPUT), tensorArg('target', 'target', MLM_TARGET)],
  fnCall: [tensorArg('input', 'prediction', MLM_INPUT), tensorArg('target', 'target', MLM_TARGET), ...torchLegacyReduction(), torchReduction()],
  formula: 'per sample: Σ_{t ∈ targets} Σ_{j ∉ targets} max(0, 1 − x_t + x_j) / C  (targets = indices before the first −1);  mean over samples',
  prose: {
    intuition:
      'Each sample has a set of positive classes; every positive must beat every negative class by a margin of 1. Satisfied ' +
      'pairs cost nothing, so only the ranking between positives and negatives is trained, not calibrated probabilities.',
    useWhen: 'Multi-label tagging where the label set per example is small and you care about ranking the true labels above the rest.',
  },
  pitfalls: [
    'The target is not a multi-hot vector: it lists class indices, padded with −1, and reading stops at the first −1. A multi-hot 0/1 row is read as "classes 0 and 1", silently.',
    'The target must be int64 ("expected scalar type Long but found Int") and every entry must lie in [−1, C), including entries after the first −1 ("argument #2 \'target\' is out of range").',
    'A class listed twice is counted twice; the positives themselves are never compared with each other.',
    'The sum over pairs is divided by C (all classes), not by the number of pairs.',
    'A NaN score fails the z > 0 test and is skipped silently: NaNs do not propagate into the loss.',
    "torch 1.13 returns an uninitialised number for 'mean' or 'sum' of an empty batch (0, C); Loss Lens returns NaN for 'mean' and 0 for 'sum'.",
  ],
  equivalents: [
    { api: 'torch.nn.MultiLabelSoftMarginLoss', note: 'takes multi-hot 0/1 targets and a per-class logistic loss instead of pairwise hinges.' },
    { api: 'torch.nn.MultiMarginLoss', note: 'the single-label version.' },
  ],
};

// ---------------------------------------------------------------------------------- soft margin

const SM_INPUT = 'Scores (logits) x, any shape.';
const SM_TARGET = 'Labels y ∈ {−1, +1}, broadcastable to the input (it may not enlarge it).';

const SOFT_MARGIN: TorchLoss = {
  className: 'SoftMarginLoss',
  fnName: 'soft_margin_loss',
  family: 'hinge',
  tasks: ['binary-classification'],
  input: 'logits',
  target: ['plus-minus-one'],
  classSummary: 'Logistic loss for ±1 labels, log(1 + exp(−y·x)), averaged over every element.',
  fnSummary: 'Functional soft margin (logistic) loss for ±1 labels.',
  init: [...torchLegacyReduction(), torchReduction()],
  forward: [tensorArg('input', 'prediction', SM_INPUT), tensorArg('target', 'target', SM_TARGET)],
  fnCall: [tensorArg('input', 'prediction', SM_INPUT), tensorArg('target', 'target', SM_TARGET), ...torchLegacyReduction(), torchReduction()],
  formula: 'ℓᵢ = log(1 + exp(−yᵢ·xᵢ))  (computed without the log-sum-exp trick);  mean over all elements, sum or none',
  prose: {
    intuition:
      'A smooth hinge: the logistic loss written for ±1 labels. It never reaches zero, so even correct examples keep a small ' +
      'gradient, and it is the same function as binary cross-entropy on logits with labels mapped to {0, 1}.',
    useWhen: 'Binary classification with ±1 labels when you want a smooth, probabilistic alternative to the hinge.',
  },
  pitfalls: [
    'torch evaluates log(1 + exp(−y·x)) naively: once −y·x exceeds about 709 (88 in float32) the loss is inf and its gradient NaN, where BCEWithLogitsLoss stays finite. Confidently wrong logits of ±1e3 are enough.',
    'Labels must be ±1: a 0 label gives log 2 whatever the score, so 0/1 labels silently stop training the negatives.',
    'The target may broadcast to the input\'s shape but not enlarge it ("output with shape … doesn\'t match the broadcast shape").',
    'An integer input raises ("result type Float can\'t be cast to the desired output type Long").',
    EMPTY_MEAN,
  ],
  equivalents: [
    { api: 'torch.nn.BCEWithLogitsLoss', note: 'the same values with targets (y + 1)/2, computed stably.' },
    { api: 'keras.losses.Hinge', note: 'the non-smooth hinge on ±1 labels.' },
  ],
};

// ------------------------------------------------------------------------------ cosine embedding

const CE_INPUT1 = 'First embeddings, shape (N, D) (or (D) with a 0-d target).';
const CE_INPUT2 = 'Second embeddings, broadcastable to input1.';
const CE_TARGET = 'Labels y, shape (N) (or 0-d): 1 for similar pairs, −1 for dissimilar.';
const CE_MARGIN = 'Margin m for dissimilar pairs: max(0, cos − m). Meaningful in [−1, 1]; 0 to 0.5 is typical. Default 0.';

const COSINE_EMBEDDING: TorchLoss = {
  className: 'CosineEmbeddingLoss',
  fnName: 'cosine_embedding_loss',
  family: 'cosine',
  tasks: ['metric-learning'],
  input: 'embeddings',
  target: ['plus-minus-one'],
  classSummary: 'Cosine embedding loss: 1 − cos for similar pairs, max(0, cos − margin) for dissimilar pairs.',
  fnSummary: 'Functional cosine embedding loss on pairs of embeddings with ±1 labels.',
  init: [optional('margin', 'number', 0, CE_MARGIN), ...torchLegacyReduction(), torchReduction()],
  forward: [tensorArg('input1', 'prediction', CE_INPUT1), { name: 'input2', type: 'tensor', doc: CE_INPUT2 }, tensorArg('target', 'target', CE_TARGET)],
  fnCall: [
    tensorArg('input1', 'prediction', CE_INPUT1),
    { name: 'input2', type: 'tensor', doc: CE_INPUT2 },
    tensorArg('target', 'target', CE_TARGET),
    optional('margin', 'number', 0, CE_MARGIN),
    ...torchLegacyReduction(),
    torchReduction(),
  ],
  formula:
    'cosᵢ = Σ_d x₁x₂ / √((Σ_d x₁² + 1e-12)·(Σ_d x₂² + 1e-12));  ℓᵢ = 1 − cosᵢ (y = 1),  max(0, cosᵢ − m) (y = −1),  0 (any other y);  then mean / sum / none',
  pitfalls: [
    'Labels must be exactly ±1: any other value (a 0 from a {0, 1} encoding) contributes 0 and no gradient, so those pairs silently drop out.',
    '1e-12 is added to each squared norm, not the norm: a zero vector gives cos = 0 rather than NaN, and very small vectors have their cosine shrunk towards 0.',
    'The target must be 1-D for 2-D inputs and 0-d for 1-D inputs; a (N, 1) target raises ("0D or 1D target tensor expected, multi-target not supported").',
    'reduction=\'mean\' averages over pairs including the dissimilar pairs that are already beyond the margin (they contribute 0).',
    EMPTY_MEAN,
  ],
  equivalents: [
    { api: 'keras.losses.CosineSimilarity', note: 'returns −cos for every pair (no labels, no margin), with a norm floor of 1e-7.' },
    { api: 'optax.losses.cosine_distance', note: '1 − cos for every pair, unreduced, without labels.' },
    { api: 'torch.nn.HingeEmbeddingLoss', note: 'the same similar/dissimilar structure on a distance you compute yourself.' },
  ],
};

// -------------------------------------------------------------------------------- margin ranking

const MR_INPUT1 = 'Scores of the first items, any shape.';
const MR_INPUT2 = 'Scores of the second items, same number of dimensions as input1.';
const MR_TARGET = 'y = 1 when the first item should rank higher, −1 when the second should; same number of dimensions.';
const MR_MARGIN = 'Margin m by which the preferred score must win. Default 0.';

const MARGIN_RANKING: TorchLoss = {
  className: 'MarginRankingLoss',
  fnName: 'margin_ranking_loss',
  family: 'margin-ranking',
  tasks: ['ranking'],
  input: 'scores',
  target: ['plus-minus-one'],
  classSummary: 'Pairwise ranking hinge: max(0, −y·(x₁ − x₂) + margin), averaged over pairs.',
  fnSummary: 'Functional pairwise margin ranking loss.',
  init: [optional('margin', 'number', 0, MR_MARGIN), ...torchLegacyReduction(), torchReduction()],
  forward: [tensorArg('input1', 'prediction', MR_INPUT1), { name: 'input2', type: 'tensor', doc: MR_INPUT2 }, tensorArg('target', 'target', MR_TARGET)],
  fnCall: [
    tensorArg('input1', 'prediction', MR_INPUT1),
    { name: 'input2', type: 'tensor', doc: MR_INPUT2 },
    tensorArg('target', 'target', MR_TARGET),
    optional('margin', 'number', 0, MR_MARGIN),
    ...torchLegacyReduction(),
    torchReduction(),
  ],
  formula: 'ℓᵢ = max(0, −yᵢ·(x₁ᵢ − x₂ᵢ) + m);  then mean / sum / none',
  pitfalls: [
    'With the default margin 0 a tie (x₁ = x₂) costs nothing and the loss is satisfied by any correct ordering, however close: set a positive margin to ask for separation.',
    'Labels must be ±1: a 0 label makes the loss the constant max(0, m) with no gradient.',
    'The three tensors must have the same number of dimensions ("margin_ranking_loss : All input tensors should have same dimension"); torch 1.13 still broadcasts sizes within that rank, so (N, 1) against (1, N) silently forms all N² pairs. Later releases require equal sizes.',
    EMPTY_MEAN,
  ],
  equivalents: [
    { api: 'torch.nn.SoftMarginLoss', note: 'a smooth version on the score difference: soft_margin_loss(x₁ − x₂, y) with no margin.' },
    { api: 'optax.losses.hinge_loss', note: 'hinge_loss(x₁ − x₂, y) is this loss with margin 1, unreduced.' },
  ],
};

// -------------------------------------------------------------------------------- multi margin

const MM_INPUT = 'Scores, shape (C) or (N, C).';
const MM_TARGET = 'Class indices (int64) in [0, C), shape () or (N).';
const MM_P = 'Exponent of the hinge: 1 (linear, default) or 2 (squared). Anything else raises.';
const MM_MARGIN = 'Margin by which the true class must beat every other class. Default 1.0.';
const MM_WEIGHT = 'Optional 1-D per-class weights (same dtype as the input); only the weight of the true class is used.';

const MULTI_MARGIN: TorchLoss = {
  className: 'MultiMarginLoss',
  fnName: 'multi_margin_loss',
  family: 'hinge',
  tasks: ['multiclass-classification'],
  input: 'scores',
  target: ['class-indices'],
  classSummary: 'Multi-class hinge (Weston–Watkins): Σ over wrong classes of max(0, margin − x_y + x_j)^p, divided by C.',
  fnSummary: 'Functional multi-class margin loss with class-index targets.',
  init: [
    optional('p', 'int', 1, MM_P),
    optional('margin', 'number', 1.0, MM_MARGIN),
    optional('weight', 'tensor', null, MM_WEIGHT, { role: 'weight' }),
    ...torchLegacyReduction(),
    torchReduction(),
  ],
  forward: [tensorArg('input', 'prediction', MM_INPUT), tensorArg('target', 'target', MM_TARGET)],
  fnCall: [
    tensorArg('input', 'prediction', MM_INPUT),
    tensorArg('target', 'target', MM_TARGET),
    optional('p', 'int', 1, MM_P),
    optional('margin', 'number', 1.0, MM_MARGIN),
    optional('weight', 'tensor', null, MM_WEIGHT, { role: 'weight' }),
    ...torchLegacyReduction(),
    torchReduction(),
  ],
  formula: 'per sample: Σ_{j≠y} w_y·max(0, m − x_y + x_j)^p / C  (C includes the true class);  mean over samples, sum or none',
  prose: {
    intuition:
      'Every wrong class whose score comes within the margin of the true class adds its shortfall (or its square). Unlike the ' +
      'Crammer–Singer hinge, which only looks at the best wrong class, all violating classes contribute, and the total is ' +
      'divided by the number of classes.',
  },
  pitfalls: [
    'The sum over wrong classes is divided by C, which counts the true class: with 10 classes a single violation of 1.0 costs 0.1.',
    'The class weight multiplies after the power (w_y·z², not (w_y·z)²) and it is the weight of the true class, so it rescales whole samples rather than individual wrong classes.',
    'p must be 1 or 2 ("only p == 1 and p == 2 supported"); the module checks this in its constructor.',
    'A NaN score fails the z > 0 test and is skipped silently: NaNs in the logits do not make the loss NaN.',
    'Targets must be int64 in [0, C) ("target out of range"); the weight must have the input\'s dtype ("expected scalar type Float but found Double").',
    'torch does not check the weight\'s length: a weight shorter than C is read past its end for high labels. Loss Lens raises instead.',
    "torch 1.13 returns an uninitialised number for 'mean' or 'sum' of an empty batch; Loss Lens returns NaN for 'mean' and 0 for 'sum'.",
  ],
  equivalents: [
    { api: 'optax.losses.multiclass_hinge_loss', note: 'Crammer–Singer: only the largest violation counts, no division by C, no power or weight.' },
    { api: 'keras.losses.CategoricalHinge', note: 'one-hot targets, max over wrong classes, margin 1.' },
    { api: 'torch.nn.CrossEntropyLoss', note: 'the probabilistic alternative on the same scores and labels.' },
  ],
};

// ------------------------------------------------------------------------------------- triplet

const T_ANCHOR = 'Anchor embeddings, shape (N, D) or (D).';
const T_POSITIVE = 'Positive embeddings (same identity as the anchor), same number of dimensions.';
const T_NEGATIVE = 'Negative embeddings (another identity), same number of dimensions.';
const T_MARGIN = 'Margin m between the positive and the negative distance. Default 1.0.';
const T_SWAP = 'Distance swap (Balntas et al.): use min(d(a, n), d(p, n)) as the negative distance. Default False.';

const TRIPLET: TorchLoss = {
  className: 'TripletMarginLoss',
  fnName: 'triplet_margin_loss',
  family: 'triplet',
  tasks: ['metric-learning'],
  input: 'embeddings',
  target: ['none'],
  classSummary: 'Triplet margin loss on explicit (anchor, positive, negative) embeddings with a p-norm distance.',
  fnSummary: 'Functional triplet margin loss with a p-norm distance.',
  init: [
    optional('margin', 'number', 1.0, T_MARGIN),
    optional('p', 'number', 2.0, 'Norm degree of the distance (2 = Euclidean, 1 = Manhattan; any real p, inf included). Default 2.'),
    optional('eps', 'number', 1e-6, 'Added to every component of the difference vector before the norm. Default 1e-6.'),
    optional('swap', 'bool', false, T_SWAP),
    ...torchLegacyReduction(),
    torchReduction(),
  ],
  forward: [tensorArg('anchor', 'prediction', T_ANCHOR), { name: 'positive', type: 'tensor', doc: T_POSITIVE }, { name: 'negative', type: 'tensor', doc: T_NEGATIVE }],
  fnCall: [
    tensorArg('anchor', 'prediction', T_ANCHOR),
    { name: 'positive', type: 'tensor', doc: T_POSITIVE },
    { name: 'negative', type: 'tensor', doc: T_NEGATIVE },
    optional('margin', 'number', 1.0, T_MARGIN),
    optional('p', 'number', 2, 'Norm degree of the distance (2 = Euclidean, 1 = Manhattan; any real p, inf included). Default 2.'),
    optional('eps', 'number', 1e-6, 'Added to every component of the difference vector before the norm. Default 1e-6.'),
    optional('swap', 'bool', false, T_SWAP),
    ...torchLegacyReduction(),
    torchReduction(),
  ],
  formula: 'd(u, v) = ‖u − v + ε‖_p  (ε added to each component);  ℓᵢ = max(0, m + d(aᵢ, pᵢ) − d(aᵢ, nᵢ))  (swap: d_neg = min(d(a, n), d(p, n)));  mean / sum / none',
  pitfalls: [
    'ε is added to the difference vector, not to the norm: identical vectors are ε·D^{1/p} apart (not 0), and the sign of the difference matters near zero. optax adds ε inside the root instead.',
    'The loss needs explicit triplets; it does no mining. Random triplets are mostly satisfied (loss 0) after a few epochs; mine hard or semi-hard negatives, or use a batch-mining loss.',
    'The three inputs must have the same number of dimensions ("All inputs should have same dimension but got 2D, 1D and 2D inputs."), but sizes broadcast: a single (1, D) positive is compared with every anchor.',
    'The scale of the margin depends on the embedding norm: with L2-normalised embeddings distances lie in [0, 2], so a margin of 1.0 is very large.',
    EMPTY_MEAN,
  ],
  equivalents: [
    { api: 'optax.losses.triplet_margin_loss', note: 'ε inside the root, (Σ (a − x)^p + ε)^{1/p} without abs (odd p misbehave), unreduced.' },
    { api: 'pytorch_metric_learning.losses.TripletMarginLoss', note: 'forms all triplets in the batch from class labels, normalises embeddings, margin 0.05, averages non-zero triplets.' },
    { api: 'tfa.losses.TripletSemiHardLoss', note: 'mines semi-hard negatives in the batch from labels.' },
  ],
};

const TWD_DISTANCE: Param = {
  name: 'distance_function',
  type: 'callable',
  default: null,
  nullable: true,
  keywordOnly: true,
  doc: 'A callable (x₁, x₂) → distances. None (default) means pairwise_distance (Euclidean, ε = 1e-6). Only None can be computed by Loss Lens.',
};

const TRIPLET_WITH_DISTANCE: TorchLoss = {
  className: 'TripletMarginWithDistanceLoss',
  fnName: 'triplet_margin_with_distance_loss',
  family: 'triplet',
  tasks: ['metric-learning'],
  input: 'embeddings',
  target: ['none'],
  classSummary: 'Triplet margin loss with a pluggable distance function (Euclidean pairwise_distance by default).',
  fnSummary: 'Functional triplet margin loss with a pluggable distance function.',
  init: [
    TWD_DISTANCE,
    optional('margin', 'number', 1.0, T_MARGIN, { keywordOnly: true }),
    optional('swap', 'bool', false, T_SWAP, { keywordOnly: true }),
    { ...torchReduction(), keywordOnly: true },
  ],
  forward: [tensorArg('anchor', 'prediction', T_ANCHOR), { name: 'positive', type: 'tensor', doc: T_POSITIVE }, { name: 'negative', type: 'tensor', doc: T_NEGATIVE }],
  fnCall: [
    tensorArg('anchor', 'prediction', T_ANCHOR),
    { name: 'positive', type: 'tensor', doc: T_POSITIVE },
    { name: 'negative', type: 'tensor', doc: T_NEGATIVE },
    TWD_DISTANCE,
    optional('margin', 'number', 1.0, T_MARGIN, { keywordOnly: true }),
    optional('swap', 'bool', false, T_SWAP, { keywordOnly: true }),
    { ...torchReduction(), keywordOnly: true },
  ],
  formula: 'ℓᵢ = max(0, m + d(aᵢ, pᵢ) − d(aᵢ, nᵢ)),  d = distance_function or ‖u − v + 1e-6‖₂  (swap: d_neg = min(d(a, n), d(p, n)));  mean / sum / none',
  pitfalls: [
    'With a custom distance_function the margin is in that function\'s units: a cosine distance lives in [0, 2], so the default margin 1.0 is half the whole range.',
    'A distance_function is called as f(a, p), f(a, n) and (with swap) f(p, n) and must return one distance per triplet; returning a similarity instead of a distance inverts the loss.',
    'Unlike triplet_margin_loss the inputs need not have the same number of dimensions: they broadcast through the distance function.',
    'All options are keyword-only (TripletMarginWithDistanceLoss(margin=0.5), not TripletMarginWithDistanceLoss(0.5)); there are no size_average/reduce arguments.',
    'Loss Lens computes the default distance only; a Python callable cannot be given as data.',
    EMPTY_MEAN,
  ],
  equivalents: [
    { api: 'torch.nn.TripletMarginLoss', note: 'fixed p-norm distance (p and eps configurable), same-rank inputs required.' },
    { api: 'optax.losses.triplet_margin_loss', note: 'fixed p-norm distance with ε inside the root, unreduced.' },
  ],
};

export const entries: LossEntry[] = [
  KL,
  HINGE_EMBEDDING,
  MULTILABEL_MARGIN,
  SOFT_MARGIN,
  COSINE_EMBEDDING,
  MARGIN_RANKING,
  MULTI_MARGIN,
  TRIPLET,
  TRIPLET_WITH_DISTANCE,
].flatMap(torchEntries);
