/**
 * pytorch_metric_learning losses (2.x): ContrastiveLoss, TripletMarginLoss and NTXentLoss, which
 * build every pair or triplet of the batch from class labels, measure them with a distance
 * object and reduce them with a reducer object.
 */
import { optional, tensorArg } from '../../params.js';
import type { LossEntry, Param } from '../../types.js';
import { family } from './families.js';
import { familyProse } from '../../familyDocs.js';

const DOCS = 'https://kevinmusgrave.github.io/pytorch-metric-learning/losses/';

function objectParam(name: string, doc: string): Param {
  return { name, type: 'callable', default: null, nullable: true, doc };
}

function baseInit(distanceDefault: string, reducerDefault: string): Param[] {
  return [
    objectParam('distance', `A distances.* object; None means ${distanceDefault}. Loss Lens computes the default only.`),
    objectParam('reducer', `A reducers.* object; None means ${reducerDefault}. Loss Lens computes the default only.`),
    objectParam('embedding_regularizer', 'A regularizers.* object added to the loss; None (default) adds nothing.'),
    optional('embedding_reg_weight', 'number', 1, 'Weight of the embedding regulariser (unused without one). Default 1.'),
    optional('collect_stats', 'bool', false, 'Record statistics (pair counts, distances) on the loss object; does not change the value.'),
  ];
}

const CALL: Param[] = [
  tensorArg('embeddings', 'prediction', 'Embeddings, shape (batch, dim).'),
  optional('labels', 'tensor', null, 'Class labels, shape (batch,): pairs and triplets are formed from them (required unless indices_tuple is given).', { role: 'target' }),
  optional('indices_tuple', 'any', null, 'Mined pairs or triplets from a miner; None (default) uses every pair or triplet the labels allow. Loss Lens computes None only.'),
  optional('ref_emb', 'tensor', null, 'Reference embeddings to pair the batch with instead of itself; None (default) compares the batch with itself. Loss Lens computes None only.'),
  optional('ref_labels', 'tensor', null, 'Labels of ref_emb. Loss Lens computes None only.'),
];

const PML_PITFALLS = [
  'The loss forms pairs (or triplets) from the labels of the batch: with a random sampler most batches hold one sample per class and there are no positives. Use an MPerClassSampler.',
  'Embeddings are L2-normalised by the default distance (normalize_embeddings=True), so margins are in units of a distance in [0, 2] (or a cosine in [−1, 1]).',
  'The default distance uses torch.cdist; for batches above 25 rows torch switches to a matrix-product formula that is slightly less exact near zero distance.',
];

export const entries: LossEntry[] = [
  {
    id: 'pytorch_metric_learning.losses.ContrastiveLoss',
    aliases: ['pytorch_metric_learning.losses.contrastive_loss.ContrastiveLoss'],
    framework: 'pml',
    kind: 'class',
    family: 'contrastive',
    summary: 'Contrastive loss over every pair of the batch: positives beyond pos_margin and negatives within neg_margin, each averaged over its non-zero pairs.',
    tasks: ['metric-learning'],
    input: 'embeddings',
    target: ['class-indices'],
    init: [
      optional('pos_margin', 'number', 0, 'Positive pairs farther apart than this contribute d − pos_margin. Default 0.'),
      optional('neg_margin', 'number', 1, 'Negative pairs closer than this contribute neg_margin − d. Default 1.'),
      ...baseInit('LpDistance(p=2, normalize_embeddings=True)', 'AvgNonZeroReducer()'),
    ],
    call: CALL,
    formula:
      'd = ‖ê_i − ê_j‖₂ (ê = e/‖e‖);  pos: relu(d − m⁺) over i ≠ j with y_i = y_j,  neg: relu(m⁻ − d) over y_i ≠ y_j;  ℓ = mean of non-zero pos + mean of non-zero neg (an empty set gives 0)',
    ...familyProse(family('contrastive')),
    pitfalls: [
      'The hinges are not squared (unlike Hadsell et al. and tfa.losses.contrastive_loss) and each ordered pair (i, j) and (j, i) is counted.',
      'AvgNonZeroReducer divides by the number of non-zero pairs, not all pairs: the loss does not fall as pairs get satisfied, only when the remaining violations shrink. A batch where every pair is satisfied gives exactly 0.',
      'The positive and negative terms are averaged separately and then added, so a batch with few positives weighs them as much as thousands of negatives.',
      ...PML_PITFALLS,
    ],
    equivalents: [
      { api: 'tfa.losses.ContrastiveLoss', note: 'takes the pair distances and 0/1 pair labels, squares both terms.' },
      { api: 'torch.nn.HingeEmbeddingLoss', note: 'distance given, ±1 pair labels, unsquared.' },
    ],
    docs: `${DOCS}#contrastiveloss`,
    kernel: { computed: true },
  },
  {
    id: 'pytorch_metric_learning.losses.TripletMarginLoss',
    aliases: ['pytorch_metric_learning.losses.triplet_margin_loss.TripletMarginLoss'],
    framework: 'pml',
    kind: 'class',
    family: 'triplet',
    summary: 'Triplet margin loss over every valid (anchor, positive, negative) triplet of the batch, averaged over the non-zero ones.',
    tasks: ['metric-learning'],
    input: 'embeddings',
    target: ['class-indices'],
    init: [
      optional('margin', 'number', 0.05, 'Desired gap between the negative and the positive distance. Default 0.05.'),
      optional('swap', 'bool', false, 'Use min(d(a, n), d(p, n)) as the negative distance. Default False.'),
      optional('smooth_loss', 'bool', false, 'softplus(d_ap − d_an + m) instead of relu. Default False.'),
      optional('triplets_per_anchor', 'any', 'all', "'all' (default) uses every triplet; an int samples that many per anchor at random (not computable)."),
      ...baseInit('LpDistance(p=2, normalize_embeddings=True)', 'AvgNonZeroReducer()'),
    ],
    call: CALL,
    formula:
      'd = ‖ê_i − ê_j‖₂;  for all (a, p, n) with y_a = y_p, a ≠ p, y_n ≠ y_a:  v = d(a, p) − d(a, n) + m  (swap: d(a, n) → min(d(a, n), d(p, n)));  ℓ = mean of the non-zero relu(v) (softplus(v) with smooth_loss)',
    ...familyProse(family('triplet')),
    pitfalls: [
      'The default margin is 0.05, not torch\'s 1.0: distances between normalised embeddings lie in [0, 2].',
      'The number of triplets grows as N³: a batch of 256 with 4 samples per class has about 200 000 triplets.',
      'Averaging only the non-zero triplets keeps the loss near the margin even late in training; watch the number of active triplets instead.',
      'smooth_loss makes every triplet non-zero (softplus > 0), so the average then runs over all triplets.',
      ...PML_PITFALLS,
    ],
    equivalents: [
      { api: 'torch.nn.TripletMarginLoss', note: 'explicit triplets, raw (unnormalised) embeddings, margin 1.0, mean over all triplets.' },
      { api: 'tfa.losses.TripletSemiHardLoss', note: 'semi-hard mining, margin 1.0.' },
    ],
    docs: `${DOCS}#tripletmarginloss`,
    kernel: { computed: true },
  },
  {
    id: 'pytorch_metric_learning.losses.NTXentLoss',
    aliases: ['pytorch_metric_learning.losses.ntxent_loss.NTXentLoss'],
    framework: 'pml',
    kind: 'class',
    family: 'contrastive',
    summary: 'NT-Xent (InfoNCE) loss: for every positive pair, −log of its softmax against the anchor\'s negatives at temperature τ, averaged over positive pairs.',
    tasks: ['self-supervised', 'metric-learning'],
    input: 'embeddings',
    target: ['class-indices'],
    init: [
      optional('temperature', 'number', 0.07, 'Temperature τ dividing the cosine similarities. Default 0.07.'),
      ...baseInit('CosineSimilarity()', 'MeanReducer()'),
    ],
    call: CALL,
    formula:
      's_ij = ê_i·ê_j / τ;  for each (a, p), a ≠ p, y_a = y_p:  ℓ_ap = −log(e^{s_ap} / (e^{s_ap} + Σ_{n: y_n ≠ y_a} e^{s_an}) + tiny);  ℓ = mean over positive pairs',
    intuition: family('contrastive').intuition,
    useWhen:
      'Self-supervised pre-training (SimCLR, MoCo-style views: give both views of an image the same label) and supervised contrastive embedding learning.',
    avoidWhen: family('contrastive').avoidWhen,
    pitfalls: [
      'A tiny constant (float32: 1.2e-38) is added inside the log, so a perfectly separated positive gives a loss just below 0 rather than exactly 0, and a hopeless one is capped near 87 (float32) instead of infinity.',
      'Anchors without a negative in the batch still count: their softmax has only the positive, loss 0, which dilutes the mean.',
      'With MeanReducer the loss is a mean over positive pairs; a batch without positive pairs (or without negatives at all) returns 0, not NaN.',
      'The temperature 0.07 is tuned for large batches; in small batches it makes the loss very sharp.',
      ...PML_PITFALLS.slice(0, 2),
    ],
    equivalents: [
      { api: 'optax.losses.ntxent', note: 'the same pairs; no constant in the log, NaN without positive pairs.' },
      { api: 'tfa.losses.NpairsLoss', note: 'softmax over a given similarity matrix, no temperature.' },
    ],
    docs: `${DOCS}#ntxentloss`,
    kernel: { computed: true },
  },
];
