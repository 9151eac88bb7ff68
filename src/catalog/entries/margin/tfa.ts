/**
 * TensorFlow Addons metric-learning losses (tfa.losses, 0.23 on tf.keras 2): contrastive loss on
 * given distances, the batch-mining triplet losses, lifted structured loss and N-pairs loss.
 * TF Addons is in maintenance mode (end of life since May 2024).
 */
import { optional, tensorArg } from '../../params.js';
import type { Equivalent, FamilyId, LossEntry, Param, TaskKind } from '../../types.js';
import { family } from './families.js';

const DOCS = 'https://www.tensorflow.org/addons/api_docs/python/tfa/losses/';
const EOL = 'TF Addons reached end of life in May 2024 and only supports TensorFlow up to 2.15 (tf.keras 2); port to Keras 3 or another library for new code.';

function keras2Init(name: string | null, reductionDefault: string, fixed: boolean): Param[] {
  const choices = ['auto', 'none', 'sum', 'sum_over_batch_size'];
  return [
    ...(fixed
      ? []
      : [
          optional(
            'reduction',
            'string',
            reductionDefault,
            "tf.keras 2 reduction of the per-pair losses: 'auto' and 'sum_over_batch_size' (sum / number of losses, 0 when empty), 'sum' or 'none'.",
            { choices },
          ),
        ]),
    optional('name', 'string', name, 'Name of the loss instance.'),
  ];
}

function keras2Call(yTrue: string, yPred: string): Param[] {
  return [
    tensorArg('y_true', 'target', yTrue),
    tensorArg('y_pred', 'prediction', yPred),
    optional('sample_weight', 'tensor', null, 'Weights multiplied into the losses before the reduction.', { role: 'weight' }),
  ];
}

interface TfaLoss {
  className: string;
  fnName: string;
  family: FamilyId;
  tasks: TaskKind[];
  input: LossEntry['input'];
  target: LossEntry['target'];
  classInit: Param[];
  classCall: Param[];
  fnCall: Param[];
  classSummary: string;
  fnSummary: string;
  formula: string;
  pitfalls: string[];
  equivalents: Equivalent[];
  kernel: LossEntry['kernel'];
  prose?: Partial<Pick<LossEntry, 'intuition' | 'useWhen' | 'avoidWhen'>>;
}

function tfaEntries(l: TfaLoss): LossEntry[] {
  const f = family(l.family);
  const common = {
    framework: 'tfa' as const,
    family: l.family,
    tasks: l.tasks,
    input: l.input,
    target: l.target,
    formula: l.formula,
    intuition: l.prose?.intuition ?? f.intuition,
    useWhen: l.prose?.useWhen ?? f.useWhen,
    avoidWhen: l.prose?.avoidWhen ?? f.avoidWhen,
    kernel: l.kernel,
  };
  const classId = `tfa.losses.${l.className}`;
  const fnId = `tfa.losses.${l.fnName}`;
  return [
    {
      ...common,
      id: classId,
      aliases: [`tensorflow_addons.losses.${l.className}`],
      kind: 'class',
      summary: l.classSummary,
      init: l.classInit,
      call: l.classCall,
      pitfalls: [...l.pitfalls, EOL],
      equivalents: [{ api: fnId, note: 'the function form.' }, ...l.equivalents],
      docs: `${DOCS}${l.className}`,
    },
    {
      ...common,
      id: fnId,
      aliases: [`tensorflow_addons.losses.${l.fnName}`],
      kind: 'function',
      summary: l.fnSummary,
      call: l.fnCall,
      pitfalls: [...l.pitfalls, EOL],
      equivalents: [{ api: classId, note: 'the Keras loss class.' }, ...l.equivalents],
      docs: `${DOCS}${l.fnName}`,
    },
  ];
}

const MARGIN = (doc: string): Param => optional('margin', 'number', 1.0, doc);
const MINING_LABELS = '1-D integer class labels, shape (batch,) (or (batch, 1)).';
const MINING_EMB = 'Embeddings, shape (batch, dim); TF Addons expects them L2-normalised.';
const SCALAR_WEIGHT =
  "The classes wrap a loss that is already a scalar for the whole batch, with Reduction.NONE: sample_weight cannot weight samples. A scalar or shape-(1,) weight scales the loss, a (batch,) weight raises 'Can not squeeze dim[0]', and a (k, 1) weight returns k scaled copies.";
const METRIC: Param = optional(
  'distance_metric',
  'string',
  'L2',
  "'L2' (Euclidean), 'squared-L2' or 'angular' (1 − cosine of the normalised rows, floored at 1e-16); TF Addons also calls a callable returning a (batch, batch) distance matrix, which Loss Lens cannot take as data. Default 'L2'.",
);

// ---------------------------------------------------------------------------------- contrastive

const CONTRASTIVE: TfaLoss = {
  className: 'ContrastiveLoss',
  fnName: 'contrastive_loss',
  family: 'contrastive',
  tasks: ['metric-learning'],
  input: 'distance',
  target: ['pair-label'],
  classInit: [MARGIN('Margin m: dissimilar pairs closer than m are pushed apart. Default 1.0.'), ...keras2Init('contrasitve_loss', 'sum_over_batch_size', false)],
  classCall: keras2Call('Pair labels, 1 for similar and 0 for dissimilar, shape (batch,).', 'Distances between the two embeddings of each pair, shape (batch,).'),
  fnCall: [
    tensorArg('y_true', 'target', 'Pair labels, 1 for similar and 0 for dissimilar.'),
    tensorArg('y_pred', 'prediction', 'Distances between the two embeddings of each pair.'),
    MARGIN('Margin m. Default 1.0.'),
  ],
  classSummary: 'Contrastive loss on given pair distances: y·d² + (1 − y)·max(m − d, 0)², reduced over the batch.',
  fnSummary: 'Per-pair contrastive loss y·d² + (1 − y)·max(m − d, 0)² on distances, unreduced.',
  formula: 'ℓ = y·d² + (1 − y)·max(m − d, 0)²  (d = y_pred, y = 1 similar);  class: sum_over_batch_size',
  prose: {
    intuition:
      'Similar pairs are charged their squared distance; dissimilar pairs are charged only while they sit inside the margin, and then ' +
      'quadratically. The loss takes the distance as its input, so you choose (and differentiate through) the metric.',
  },
  pitfalls: [
    'y_pred is the distance, not the embeddings and not a similarity: compute tf.linalg.norm(a − b, axis=1) yourself. A similarity score inverts the loss.',
    'y = 1 means similar here, the reverse of the original Hadsell et al. paper (Y = 0 similar); there is no ½ factor.',
    "The default name is spelled 'contrasitve_loss' in TF Addons (a typo kept for compatibility), which shows up in logs and saved configs.",
    'Some TF Addons releases write the default reduction as the literal string "tf.keras.losses.Reduction.SUM_OVER_BATCH_SIZE"; pass reduction="sum_over_batch_size" explicitly if constructing the class fails with "Invalid Reduction Key".',
    'A distance of exactly 0 for a similar pair has zero gradient, but a Euclidean distance itself has an infinite gradient at 0: identical embeddings can produce NaN upstream.',
  ],
  equivalents: [
    { api: 'pytorch_metric_learning.losses.ContrastiveLoss', note: 'mines all pairs from class labels, unsquared hinges, averages the non-zero pairs.' },
    { api: 'torch.nn.HingeEmbeddingLoss', note: 'unsquared, ±1 labels, distance given.' },
  ],
  kernel: { computed: true },
};

// ------------------------------------------------------------------------------------ triplets

const SEMIHARD: TfaLoss = {
  className: 'TripletSemiHardLoss',
  fnName: 'triplet_semihard_loss',
  family: 'triplet',
  tasks: ['metric-learning'],
  input: 'embeddings',
  target: ['class-indices'],
  classInit: [MARGIN('Margin m. Default 1.0.'), METRIC, ...keras2Init(null, 'none', true)],
  classCall: keras2Call(MINING_LABELS, MINING_EMB),
  fnCall: [tensorArg('y_true', 'target', MINING_LABELS), tensorArg('y_pred', 'prediction', MINING_EMB), MARGIN('Margin m. Default 1.0.'), METRIC],
  classSummary: 'Triplet loss with online semi-hard negative mining (FaceNet) over every anchor–positive pair of the batch; a scalar.',
  fnSummary: 'Semi-hard triplet loss over the batch: for each anchor–positive pair, the closest negative farther than the positive (else the farthest negative).',
  formula:
    'for each ordered pair (a, p), y_a = y_p, a ≠ p: n* = argmin_{n: y_n ≠ y_a, d(a,n) > d(a,p)} d(a, n) (if none: the farthest negative argmax_{n: y_n ≠ y_a} d(a, n));  ' +
    'ℓ = Σ_(a,p) max(0, m + d(a,p) − d(a,n*)) / #(a,p)',
  pitfalls: [
    'The mean is over all anchor–positive pairs, including those already satisfied: as training progresses the loss shrinks by dilution, not only by improvement.',
    'Needs at least two samples of some class in every batch: with all-distinct labels there are no positive pairs and the loss is 0/0 = NaN (TF Addons does not guard the division).',
    'An anchor with no negative in the batch (a single-class batch) has no semi-hard or hard negative; the masked maximum then falls back to the smallest distance of its row (0, its own; ≈1e-16 for angular), so each of its pairs costs m + d(a,p).',
    "'L2' is the Euclidean distance in the final releases; early releases spelled the option 'L_2' and computed the squared distance under that name, so old configs change meaning.",
    'Embeddings should be L2-normalised (the margin 1.0 assumes distances in [0, 2]).',
    'y_true must be integer class ids of shape (batch,) or (batch, 1), not one-hot.',
    SCALAR_WEIGHT,
  ],
  equivalents: [
    { api: 'tfa.losses.TripletHardLoss', note: 'batch-hard mining: the farthest positive and the closest negative per anchor.' },
    { api: 'pytorch_metric_learning.losses.TripletMarginLoss', note: 'all triplets, averaged over the non-zero ones.' },
  ],
  kernel: { computed: true },
};

const HARD: TfaLoss = {
  className: 'TripletHardLoss',
  fnName: 'triplet_hard_loss',
  family: 'triplet',
  tasks: ['metric-learning'],
  input: 'embeddings',
  target: ['class-indices'],
  classInit: [MARGIN('Margin m. Default 1.0.'), optional('soft', 'bool', false, 'Use log(1 + exp(d_p − d_n)) instead of the hinge (then the margin is unused). Default False.'), METRIC, ...keras2Init(null, 'none', true)],
  classCall: keras2Call(MINING_LABELS, MINING_EMB),
  fnCall: [
    tensorArg('y_true', 'target', MINING_LABELS),
    tensorArg('y_pred', 'prediction', MINING_EMB),
    MARGIN('Margin m. Default 1.0.'),
    optional('soft', 'bool', false, 'Soft-margin version log(1 + exp(d_p − d_n)). Default False.'),
    METRIC,
  ],
  classSummary: 'Batch-hard triplet loss: per anchor, the farthest positive against the closest negative; averaged over anchors.',
  fnSummary: 'Batch-hard triplet loss (Hermans et al.): max(d_hardest_pos − d_hardest_neg + m, 0) per anchor, averaged.',
  formula: 'ℓ = mean_a max(0, max_{p: y_p = y_a} d(a, p) − min_{n: y_n ≠ y_a} d(a, n) + m)  (soft: log(1 + e^{d_p − d_n}))',
  prose: {
    intuition:
      'Each anchor is judged only by its hardest case: the farthest sample of its own class and the nearest sample of another. ' +
      'Strong gradients from every batch, at the price of sensitivity to label noise and outliers.',
  },
  pitfalls: [
    'Hard mining on noisy labels trains on the mislabelled samples first and can collapse the embedding to a point (all distances equal, loss = margin).',
    'An anchor without any positive in the batch uses the smallest distance of its row (0, its own; ≈1e-16 for angular) as its hardest positive, so it still contributes through its negatives.',
    'An anchor without any negative (a single-class batch) takes the largest distance of its row as its hardest negative, which is also its hardest positive: it contributes exactly max(m, 0) (log 2 with soft=True).',
    'soft=True ignores the margin.',
    SCALAR_WEIGHT,
  ],
  equivalents: [{ api: 'tfa.losses.TripletSemiHardLoss', note: 'semi-hard negatives, every anchor–positive pair.' }],
  kernel: { computed: true },
};

const LIFTED: TfaLoss = {
  className: 'LiftedStructLoss',
  fnName: 'lifted_struct_loss',
  family: 'contrastive',
  tasks: ['metric-learning'],
  input: 'embeddings',
  target: ['class-indices'],
  classInit: [MARGIN('Margin m in the log-sum-exp over negatives. Default 1.0.'), ...keras2Init(null, 'none', true)],
  classCall: keras2Call(MINING_LABELS, 'Embeddings, shape (batch, dim); not required to be normalised.'),
  fnCall: [
    tensorArg('labels', 'target', MINING_LABELS),
    tensorArg('embeddings', 'prediction', 'Embeddings, shape (batch, dim).'),
    MARGIN('Margin m. Default 1.0.'),
  ],
  classSummary: 'Lifted structured loss (Oh Song et al. 2016): every positive pair against a smooth max over all negatives of both its members.',
  fnSummary: 'Lifted structured loss over the batch, with a log-sum-exp over the negatives of each positive pair.',
  formula:
    'J_ij = log(Σ_{k: y_k ≠ y_i} e^{m − d(i,k)} + Σ_{l: y_l ≠ y_j} e^{m − d(j,l)}) + d(i, j)  (d Euclidean; the log-sum-exp shifted by max(m_i, m_j), m_i = max over i\'s negatives of m − d(i,k));  ' +
    'ℓ = Σ_{i<j, y_i = y_j} max(0, J_ij)² / (2·#{i<j, y_i = y_j})',
  prose: {
    intuition:
      'Lifts the batch to all pairwise distances at once: each positive pair is pushed together while a soft maximum over every negative ' +
      'of either member is pushed beyond the margin, so all negatives of the batch give gradient, weighted towards the hardest.',
  },
  pitfalls: [
    'The function takes (labels, embeddings) with those names, while the class call is (y_true, y_pred).',
    'Distances are Euclidean on the raw embeddings: without normalisation the margin has no fixed scale.',
    'The squared hinge and the log-sum-exp make the loss sensitive to the batch size (more negatives raise J).',
    'A batch without positive pairs (all-distinct labels) or without negatives (a single class: log 0 = −inf, and −inf·0 = NaN in the masking) gives NaN.',
    SCALAR_WEIGHT,
  ],
  equivalents: [{ api: 'tfa.losses.NpairsLoss', note: 'a softmax over similarities instead of a hinge over distances.' }],
  kernel: { computed: true },
};

const NPAIRS: TfaLoss = {
  className: 'NpairsLoss',
  fnName: 'npairs_loss',
  family: 'contrastive',
  tasks: ['metric-learning'],
  input: 'scores',
  target: ['class-indices'],
  classInit: [optional('name', 'string', 'npairs_loss', 'Name of the loss instance.')],
  classCall: keras2Call(
    'Class labels of the anchors, shape (batch,) (or (batch, 1)).',
    'Similarity matrix, shape (batch, batch): y_pred[i, j] = anchor_i · positive_j.',
  ),
  fnCall: [
    tensorArg('y_true', 'target', 'Class labels, shape (batch,) (or (batch, 1)).'),
    tensorArg('y_pred', 'prediction', 'Similarity matrix anchor·positiveᵀ, shape (batch, batch).'),
  ],
  classSummary: 'N-pairs loss (Sohn 2016): softmax cross-entropy of each anchor\'s row of similarities against the positives of its class; a scalar.',
  fnSummary: 'N-pairs loss on a similarity matrix: mean over rows of softmax cross-entropy against the label-equality row, normalised.',
  formula: 't_ij = [y_i = y_j] / Σ_k [y_i = y_k],  ℓ = mean_i (−Σ_j t_ij·log softmax(S_i)_j)',
  prose: {
    intuition:
      'Each anchor must pick out the positives of its own class among all positives in the batch: a (batch)-way softmax over ' +
      'similarities, so every other pair in the batch serves as a negative at once.',
  },
  pitfalls: [
    'y_pred is the similarity matrix, not the embeddings: compute tf.matmul(anchors, positives, transpose_b=True) yourself, and add the L2 regulariser on the embeddings from the paper separately (it is not included).',
    'The class uses Reduction.NONE internally; the function already averages over the anchors and returns a scalar.',
    'With several samples per class the target row is spread uniformly over that class\'s positives.',
  ],
  equivalents: [
    { api: 'optax.losses.ntxent', note: 'computes the cosine similarities itself and uses a temperature.' },
    { api: 'pytorch_metric_learning.losses.NTXentLoss', note: 'the same softmax-over-the-batch idea on embeddings, with a temperature.' },
  ],
  kernel: { computed: true },
};

export const entries: LossEntry[] = [CONTRASTIVE, SEMIHARD, HARD, LIFTED, NPAIRS].flatMap(tfaEntries);
