/**
 * optax margin-group losses (optax.losses.*, current release): KL divergences, binary and
 * multiclass hinge and perceptron losses, cosine similarity and distance, the triplet margin
 * loss and NT-Xent. Everything but ntxent is unreduced.
 */
import { optional, tensorArg } from '../../params.js';
import type { Equivalent, FamilyId, LossEntry, Param, TaskKind } from '../../types.js';
import { family } from './families.js';

const DOCS = 'https://optax.readthedocs.io/en/latest/api/losses.html#optax.losses.';
const UNREDUCED = 'optax returns one loss per example and never reduces: take jnp.mean (or a masked mean) yourself.';
const FLOAT = 'Inputs must be floating point (an integer array raises "Expected the input to have a dtype that is a subdtype of jax.numpy.floating").';

const AXIS: Param = optional('axis', 'axis', -1, 'Axis or axes summed over: an int, a tuple of ints, or None for all axes. Default −1.', { nullable: true });
const WHERE: Param = optional('where', 'tensor', null, 'Boolean mask (broadcast against the elements) of the elements included in the sum; excluded elements contribute 0.', { role: 'weight' });

interface OptaxLoss {
  name: string;
  family: FamilyId;
  tasks: TaskKind[];
  input: LossEntry['input'];
  target: LossEntry['target'];
  call: Param[];
  summary: string;
  formula: string;
  pitfalls: string[];
  equivalents: Equivalent[];
  prose?: Partial<Pick<LossEntry, 'intuition' | 'useWhen' | 'avoidWhen'>>;
  since?: string;
}

function optaxEntry(l: OptaxLoss): LossEntry {
  const f = family(l.family);
  return {
    id: `optax.losses.${l.name}`,
    aliases: [`optax.${l.name}`],
    framework: 'optax',
    kind: 'function',
    family: l.family,
    summary: l.summary,
    tasks: l.tasks,
    input: l.input,
    target: l.target,
    call: l.call,
    formula: l.formula,
    intuition: l.prose?.intuition ?? f.intuition,
    useWhen: l.prose?.useWhen ?? f.useWhen,
    avoidWhen: l.prose?.avoidWhen ?? f.avoidWhen,
    pitfalls: l.pitfalls,
    equivalents: l.equivalents,
    docs: `${DOCS}${l.name}`,
    ...(l.since ? { since: l.since } : {}),
    kernel: { computed: true },
  };
}

// ------------------------------------------------------------------------------------------- KL

const LOG_PRED = tensorArg('log_predictions', 'prediction', 'Log-probabilities of the predicted distribution q, shape (…, C).');
const TARGETS = tensorArg('targets', 'target', 'Target probabilities p, broadcastable to log_predictions.');
const LOG_TARGETS = tensorArg('log_targets', 'target', 'Target log-probabilities log p, broadcastable to log_predictions.');

const KL_TORCH: Equivalent = { api: 'torch.nn.functional.kl_div', note: "same argument order and log-space input; reduction='none' and a sum over the class axis give these values." };
const KL_KERAS: Equivalent = { api: 'keras.losses.kl_divergence', note: 'probabilities for both arguments (y_true first), clipped to [1e-7, 1].' };

const KL_DIVERGENCE: OptaxLoss = {
  name: 'kl_divergence',
  family: 'kl-divergence',
  tasks: ['distillation', 'multiclass-classification'],
  input: 'log-probabilities',
  target: ['probabilities'],
  call: [LOG_PRED, TARGETS, AXIS, WHERE],
  summary: 'KL(p ‖ q) per example from log-predictions and probability targets: Σ p·(log p − log q), zero targets contributing 0.',
  formula: 'ℓ = Σ_{axis, where} p·(where(p = 0, 0, log p) − log q)',
  pitfalls: [
    'log_predictions must be log-probabilities (log_softmax output): raw logits or probabilities give a meaningless number without any error.',
    'A zero target contributes exactly 0 only while log q is finite: p = 0 with log q = −inf gives 0·inf = NaN.',
    'A negative target gives NaN (log of a negative number).',
    FLOAT,
    UNREDUCED,
  ],
  equivalents: [KL_TORCH, KL_KERAS, { api: 'optax.losses.kl_divergence_with_log_targets', note: 'targets given as log-probabilities.' }],
};

const KL_LOG_TARGETS: OptaxLoss = {
  name: 'kl_divergence_with_log_targets',
  family: 'kl-divergence',
  tasks: ['distillation'],
  input: 'log-probabilities',
  target: ['log-probabilities'],
  call: [LOG_PRED, LOG_TARGETS, AXIS, WHERE],
  summary: 'KL(p ‖ q) per example with both distributions in log space: Σ exp(log p)·(log p − log q).',
  formula: 'ℓ = Σ_{axis, where} e^{log p}·(log p − log q)',
  prose: {
    useWhen:
      'Distillation or policy constraints where both distributions come out of log_softmax: keeping targets in log space avoids underflow for tiny teacher probabilities.',
  },
  pitfalls: [
    'A target log-probability of −inf (p = 0) gives e^{−inf}·(−inf − log q) = 0·−inf = NaN; clamp log targets to a large negative finite value.',
    'Both arguments must be log-probabilities; passing probabilities as log_targets silently computes e^p·(p − log q).',
    FLOAT,
    UNREDUCED,
  ],
  equivalents: [
    { api: 'torch.nn.functional.kl_div', note: "with log_target=True and reduction='none', summed over the class axis." },
    { api: 'optax.losses.kl_divergence', note: 'probability targets.' },
  ],
};

const CONVEX_KL: OptaxLoss = {
  name: 'convex_kl_divergence',
  family: 'kl-divergence',
  tasks: ['distillation'],
  input: 'log-probabilities',
  target: ['probabilities'],
  call: [LOG_PRED, TARGETS, AXIS, WHERE],
  summary: 'Generalised KL divergence for unnormalised measures: kl_divergence plus Σ (q − p), jointly convex in p and q.',
  formula: 'ℓ = Σ_{axis, where} p·(where(p = 0, 0, log p) − log q) + Σ_{axis, where} (e^{log q} − p)',
  prose: {
    intuition:
      'The KL divergence extended to measures that need not sum to one (the Bregman divergence of x·log x): the extra Σ(q − p) term ' +
      'vanishes for normalised distributions and penalises total mass that differs from the target\'s otherwise.',
    useWhen: 'Non-negative factorisation, Poisson-like count models or distributions you do not normalise, where plain KL is not a divergence.',
  },
  pitfalls: [
    'For normalised q and p the extra term is 0 and the value equals kl_divergence; the two differ only for unnormalised inputs, so a bug that skips log_softmax shows up here as a large positive mass term.',
    'Recent optax releases deprecate this name in favour of optax.losses.generalized_kl_divergence (the same computation) and warn on every call.',
    'Zero targets with log q = −inf give NaN, as in kl_divergence.',
    FLOAT,
    UNREDUCED,
  ],
  equivalents: [
    { api: 'optax.losses.generalized_kl_divergence', note: 'the new name of the same function.' },
    { api: 'optax.losses.kl_divergence', note: 'without the mass term.' },
  ],
};

const GENERALIZED_KL: OptaxLoss = {
  ...CONVEX_KL,
  name: 'generalized_kl_divergence',
  summary: 'Generalised KL divergence Σ p·log(p/q) + Σ (q − p) for unnormalised measures (the new name of convex_kl_divergence).',
  pitfalls: [
    'Not available in older optax releases, which only have convex_kl_divergence (same values).',
    'Zero targets with log q = −inf give NaN, as in kl_divergence.',
    FLOAT,
    UNREDUCED,
  ],
  equivalents: [
    { api: 'optax.losses.convex_kl_divergence', note: 'the deprecated name of the same function.' },
    { api: 'optax.losses.kl_divergence', note: 'without the mass term.' },
  ],
};

// ---------------------------------------------------------------------------------------- hinge

const OUTPUTS = tensorArg('predictor_outputs', 'prediction', 'Decision-function outputs (scores), any shape.');
const PM_TARGETS = tensorArg('targets', 'target', 'Labels in {−1, +1}, broadcastable to predictor_outputs.');
const SCORES = tensorArg('scores', 'prediction', 'Class scores, shape (…, C).');
const LABELS = tensorArg('labels', 'target', 'Integer class labels, shape (…) (the scores without their last axis).');

const HINGE: OptaxLoss = {
  name: 'hinge_loss',
  family: 'hinge',
  tasks: ['binary-classification'],
  input: 'scores',
  target: ['plus-minus-one'],
  call: [OUTPUTS, PM_TARGETS],
  summary: 'Elementwise binary hinge max(0, 1 − y·x) for ±1 labels, unreduced.',
  formula: 'ℓ = max(0, 1 − x·y)  (elementwise)',
  pitfalls: [
    'Labels must be ±1: optax does not convert 0/1 labels, so a 0 label costs a constant 1 with no gradient (Keras converts, torch and optax do not).',
    'Outputs and labels broadcast: (N,) labels against (N, 1) scores give an (N, N) result.',
    'At exactly 1 − x·y = 0 JAX gives half the gradient (its max splits ties).',
    UNREDUCED,
  ],
  equivalents: [
    { api: 'keras.losses.hinge', note: 'converts 0/1 labels to ±1 and averages over the last axis.' },
    { api: 'optax.losses.perceptron_loss', note: 'the same with margin 0.' },
  ],
};

const PERCEPTRON: OptaxLoss = {
  name: 'perceptron_loss',
  family: 'hinge',
  tasks: ['binary-classification'],
  input: 'scores',
  target: ['plus-minus-one'],
  call: [OUTPUTS, tensorArg('targets', 'target', 'Labels in {−1, +1}, exactly the shape of predictor_outputs.')],
  summary: 'Elementwise perceptron loss max(0, −y·x): the hinge with margin 0, unreduced.',
  formula: 'ℓ = max(0, −x·y)  (elementwise; shapes must be equal)',
  prose: {
    intuition:
      'Charges only misclassified examples, by how far they are on the wrong side; anything on the right side costs nothing, however ' +
      'close to the boundary. It is the loss Rosenblatt\'s perceptron update descends.',
  },
  pitfalls: [
    'With no margin, the trivial solution x = 0 has zero loss: nothing pushes scores away from the boundary, so the model may stop at it.',
    'The two arrays must have exactly the same shape (chex.assert_equal_shape raises); there is no broadcasting.',
    'Labels must be ±1; a 0 label costs 0 whatever the score.',
    UNREDUCED,
  ],
  equivalents: [{ api: 'optax.losses.hinge_loss', note: 'adds the margin of 1.' }],
};

const MULTICLASS_HINGE: OptaxLoss = {
  name: 'multiclass_hinge_loss',
  family: 'hinge',
  tasks: ['multiclass-classification'],
  input: 'scores',
  target: ['class-indices'],
  call: [SCORES, LABELS],
  summary: 'Crammer–Singer multiclass hinge: max_j (s_j + 1 − [j = y]) − s_y, unreduced.',
  formula: 'ℓ = max_j (s_j + 1 − 1[j = y]) − s_y  (0 once s_y beats every other score by 1)',
  prose: {
    intuition:
      'Only the strongest competitor counts: the true score must exceed the best wrong score by 1. The max includes the true class ' +
      'itself (without the +1), so the loss is never negative and is exactly 0 once the margin holds.',
  },
  pitfalls: [
    'A label outside [0, C) (including −1 padding) makes jax.nn.one_hot return a zero row: the loss becomes max_j s_j + 1 with no error.',
    'Ties between the best wrong scores share the gradient equally (JAX\'s max).',
    'Labels are integer ids, not one-hot rows (use keras.losses.categorical_hinge for one-hot).',
    UNREDUCED,
  ],
  equivalents: [
    { api: 'torch.nn.MultiMarginLoss', note: 'Weston–Watkins: sums every violating class and divides by C.' },
    { api: 'keras.losses.categorical_hinge', note: 'one-hot targets; the true class enters the max as 0.' },
    { api: 'optax.losses.multiclass_perceptron_loss', note: 'margin 0.' },
  ],
};

const MULTICLASS_PERCEPTRON: OptaxLoss = {
  name: 'multiclass_perceptron_loss',
  family: 'hinge',
  tasks: ['multiclass-classification'],
  input: 'scores',
  target: ['class-indices'],
  call: [SCORES, LABELS],
  summary: 'Multiclass perceptron loss max_j s_j − s_y: zero when the true class has the top score, unreduced.',
  formula: 'ℓ = max_j s_j − s_y',
  prose: {
    intuition: 'How far the true class is behind the top-scoring class; zero as soon as it is on top, even by a hair (no margin).',
  },
  pitfalls: [
    'Zero loss (and zero gradient) as soon as the true class ties for the top: scores all equal give 0.',
    'An out-of-range label gives a zero one-hot row, so the loss silently becomes max_j s_j.',
    UNREDUCED,
  ],
  equivalents: [
    { api: 'optax.losses.multiclass_hinge_loss', note: 'adds the margin of 1.' },
    { api: 'optax.losses.perceptron_loss', note: 'the binary form.' },
  ],
};

// --------------------------------------------------------------------------------------- cosine

const PREDICTIONS = tensorArg('predictions', 'prediction', 'Predicted vectors, shape (…, D).');
const COS_TARGETS = tensorArg('targets', 'target', 'Target vectors, broadcastable to predictions.');
const COS_EPS = optional('epsilon', 'number', 0.0, 'Lower bound of each squared norm (so the smallest norm used is √epsilon). Default 0: a zero vector gives NaN.', { keywordOnly: true });
const COS_AXIS: Param = { ...AXIS, keywordOnly: true };
const COS_WHERE: Param = { ...WHERE, keywordOnly: true };
const COS_PITFALLS = [
  'epsilon defaults to 0, so a zero vector divides 0 by 0 and gives NaN (Keras and torch return 0): pass epsilon=1e-12 or similar when vectors can vanish.',
  'epsilon clips the squared norm, not the norm: epsilon=1e-6 means vectors shorter than 1e-3 are not normalised.',
  'epsilon, axis and where are keyword-only.',
  FLOAT,
  UNREDUCED,
];

const COSINE_SIMILARITY: OptaxLoss = {
  name: 'cosine_similarity',
  family: 'cosine',
  tasks: ['metric-learning', 'regression'],
  input: 'embeddings',
  target: ['real'],
  call: [PREDICTIONS, COS_TARGETS, COS_EPS, COS_AXIS, COS_WHERE],
  summary: 'Cosine similarity per example, Σ a·b / (√max(Σa², ε)·√max(Σb², ε)); a similarity (maximise it), unreduced.',
  formula: 'cos = Σ_{axis, where} (a / √max(Σa², ε))·(b / √max(Σb², ε))',
  pitfalls: ['It is a similarity in [−1, 1]: minimising it pushes predictions away from the targets. Use cosine_distance (or its negative) as a loss.', ...COS_PITFALLS],
  equivalents: [
    { api: 'keras.losses.cosine_similarity', note: 'returns −cos and floors each norm at 1e-7.' },
    { api: 'optax.losses.cosine_distance', note: '1 − cos.' },
  ],
};

const COSINE_DISTANCE: OptaxLoss = {
  ...COSINE_SIMILARITY,
  name: 'cosine_distance',
  summary: 'Cosine distance 1 − cos per example, with squared norms clipped at epsilon; unreduced.',
  formula: 'ℓ = 1 − Σ_{axis, where} (a / √max(Σa², ε))·(b / √max(Σb², ε))',
  pitfalls: ['The range is [0, 2]; opposite vectors cost 2, orthogonal ones 1.', ...COS_PITFALLS],
  equivalents: [
    { api: 'torch.nn.CosineEmbeddingLoss', note: 'with all labels 1 it averages the same 1 − cos (norm guard 1e-12 added to each squared norm).' },
    { api: 'keras.losses.CosineSimilarity', note: '−cos, i.e. this value minus 1, then reduced.' },
    { api: 'optax.losses.cosine_similarity', note: 'the similarity itself.' },
  ],
};

// ------------------------------------------------------------------------------------- triplet

const TRIPLET: OptaxLoss = {
  name: 'triplet_margin_loss',
  family: 'triplet',
  tasks: ['metric-learning'],
  input: 'embeddings',
  target: ['none'],
  call: [
    tensorArg('anchors', 'prediction', 'Anchor embeddings, shape (N, D).'),
    { name: 'positives', type: 'tensor', doc: 'Positive embeddings (same identity), broadcastable to anchors.' },
    { name: 'negatives', type: 'tensor', doc: 'Negative embeddings (another identity), broadcastable to anchors.' },
    optional('axis', 'int', -1, 'Axis of the embedding features. Default −1.'),
    optional('norm_degree', 'number', 2, 'Degree p of the distance (Σ (a − x)^p + ε)^{1/p}. Default 2.'),
    optional('margin', 'number', 1.0, 'Margin between the positive and the negative distance. Default 1.0.'),
    optional('eps', 'number', 1e-6, 'Added to the sum of powers inside the root. Default 1e-6.'),
  ],
  summary: 'Triplet margin loss per triplet, max(0, d(a, p) − d(a, n) + margin) with d = (Σ (a − x)^p + ε)^{1/p}; unreduced.',
  formula: 'd(a, x) = (Σ_{axis} (a − x)^p + ε)^{1/p},  ℓ = max(0, d(a, p) − d(a, n) + m)',
  pitfalls: [
    'There is no absolute value: for odd norm_degree (1, 3) negative differences cancel positive ones, and the "distance" can be negative or NaN (a negative number to the power 1/p). Only even degrees give a norm.',
    'A non-integer norm_degree raises a negative difference to a fractional power: NaN.',
    'ε sits inside the root, so identical vectors are ε^{1/p} apart (1e-3 for p = 2), unlike torch, which adds ε to each component.',
    'No mining: every triplet you pass is used, and easy ones simply give 0.',
    FLOAT,
    UNREDUCED,
  ],
  equivalents: [
    { api: 'torch.nn.functional.triplet_margin_loss', note: 'a true p-norm with ε added to the difference vector; reduced by mean by default.' },
    { api: 'pytorch_metric_learning.losses.TripletMarginLoss', note: 'mines all triplets from labels, margin 0.05, averages the non-zero ones.' },
  ],
  since: 'optax 0.2.4',
};

const NTXENT: OptaxLoss = {
  name: 'ntxent',
  family: 'contrastive',
  tasks: ['self-supervised', 'metric-learning'],
  input: 'embeddings',
  target: ['class-indices'],
  call: [
    tensorArg('embeddings', 'prediction', 'Embeddings, shape (batch, features).'),
    tensorArg('labels', 'target', 'Group ids, shape (batch): rows with equal ids are positive pairs (e.g. two augmented views).'),
    optional('temperature', 'number', 0.07, 'Softmax temperature τ dividing the cosine similarities. Default 0.07.'),
  ],
  summary: 'NT-Xent (SimCLR) loss: for every positive pair, −log of its softmax against the anchor\'s negatives, averaged over positive pairs; a scalar.',
  formula:
    's_ij = cos(e_i, e_j)/τ (squared norms clipped at the dtype\'s machine ε);  ℓ = −(1/|P|) Σ_{(i,j)∈P} [s_ij − log(e^{s_ij} + Σ_{k: y_k≠y_i} e^{s_ik})],  P = {(i, j): i ≠ j, y_i = y_j}',
  prose: {
    intuition:
      'Each positive pair must win a softmax against every sample of another group in the batch. Other positives of the same anchor ' +
      'are not in the denominator, so an anchor with several positives is not penalised for being close to all of them.',
  },
  pitfalls: [
    'It is already averaged over the positive pairs: the result is a scalar, unlike the other optax losses.',
    'A batch where no two samples share a label has no positive pair: the loss is 0/0 = NaN.',
    'The temperature 0.07 makes the softmax very sharp; with unnormalised similarities from a custom head the loss saturates quickly. It divides cosine similarities, which are in [−1, 1].',
    'labels and embeddings must have the same leading dimension ("Labels and embeddings must have the same leading dimension").',
    FLOAT,
  ],
  equivalents: [{ api: 'pytorch_metric_learning.losses.NTXentLoss', note: 'the same pairs and temperature; a tiny constant is added inside the log.' }],
  since: 'optax 0.2.3',
};

export const entries: LossEntry[] = [
  KL_DIVERGENCE,
  KL_LOG_TARGETS,
  CONVEX_KL,
  GENERALIZED_KL,
  HINGE,
  PERCEPTRON,
  MULTICLASS_HINGE,
  MULTICLASS_PERCEPTRON,
  COSINE_SIMILARITY,
  COSINE_DISTANCE,
  TRIPLET,
  NTXENT,
].map(optaxEntry);
