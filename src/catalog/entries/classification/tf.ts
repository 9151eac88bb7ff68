/**
 * TensorFlow's cross-entropy ops in tf.nn: unreduced building blocks under the Keras losses.
 */
import { optional, tensorArg } from '../../params.js';
import type { LossEntry, Param } from '../../types.js';
import { families } from './families.js';
import { BCE_PITFALLS_SHARED } from './shared.js';

const family = (id: string) => families.find((f) => f.id === id)!;
const BCE = family('binary-cross-entropy');
const CCE = family('categorical-cross-entropy');
const SCCE = family('sparse-categorical-cross-entropy');

const NAME: Param = optional('name', 'string', null, 'Name of the TensorFlow op (no effect on the values).');
const UNREDUCED = 'Unreduced: wrap it in tf.reduce_mean (or a weighted mean) yourself; summing instead changes the effective learning rate with the batch size.';

const TF_SOFTMAX_GRAD =
  "TensorFlow's registered gradient is softmax(logits) − labels, the true derivative only when each label row sums to 1: multi-hot or unnormalised labels train on a wrong gradient without any warning.";

export const entries: LossEntry[] = [
  {
    id: 'tf.nn.sigmoid_cross_entropy_with_logits',
    aliases: ['tf.compat.v2.nn.sigmoid_cross_entropy_with_logits'],
    framework: 'tensorflow',
    kind: 'function',
    family: 'binary-cross-entropy',
    summary: 'Elementwise sigmoid cross-entropy on logits, unreduced (one value per logit).',
    tasks: ['binary-classification', 'multilabel-classification'],
    input: 'logits',
    target: ['binary', 'soft-binary'],
    call: [
      optional('labels', 'tensor', null, 'Targets in [0, 1], same shape as the logits (required despite the None default).', { role: 'target' }),
      optional('logits', 'tensor', null, 'Logits of any shape (required despite the None default).', { role: 'prediction' }),
      NAME,
    ],
    formula: 'ℓ = max(x, 0) − x·z + log(1 + e^−|x|)   (z = labels, x = logits; elementwise, no reduction)',
    intuition: BCE.intuition,
    useWhen: BCE.useWhen,
    avoidWhen: BCE.avoidWhen,
    pitfalls: [
      'labels and logits must have exactly the same shape ("`logits` and `labels` must have the same shape, received ((N, 1) vs (N,)).") — no broadcasting.',
      'Pass arguments by keyword: the order is (labels, logits), the reverse of most losses.',
      BCE_PITFALLS_SHARED.sigmoidTwice,
      'A logit of +∞ gives NaN (∞·0 in x·z when z = 0); −∞ gives NaN when z > 0.',
      UNREDUCED,
    ],
    equivalents: [
      { api: 'torch.nn.functional.binary_cross_entropy_with_logits', note: "with reduction='none'." },
      { api: 'optax.losses.sigmoid_binary_cross_entropy', note: 'same values; arguments in (logits, labels) order.' },
      { api: 'keras.losses.binary_crossentropy', note: 'with from_logits=True, averaged over the last axis.' },
    ],
    docs: 'https://www.tensorflow.org/api_docs/python/tf/nn/sigmoid_cross_entropy_with_logits',
    kernel: { computed: true },
  },
  {
    id: 'tf.nn.weighted_cross_entropy_with_logits',
    aliases: ['tf.compat.v2.nn.weighted_cross_entropy_with_logits'],
    framework: 'tensorflow',
    kind: 'function',
    family: 'binary-cross-entropy',
    summary: 'Sigmoid cross-entropy with the positive term weighted by pos_weight, unreduced.',
    tasks: ['binary-classification', 'multilabel-classification', 'semantic-segmentation'],
    input: 'logits',
    target: ['binary', 'soft-binary'],
    call: [
      tensorArg('labels', 'target', 'Targets in [0, 1], same shape as the logits.'),
      tensorArg('logits', 'prediction', 'Logits of any shape.'),
      { name: 'pos_weight', type: 'tensor-or-number', role: 'weight', doc: 'Weight q of the positive term: a number or a tensor broadcastable to the logits (e.g. one per class). q > 1 favours recall, q < 1 precision.' },
      NAME,
    ],
    formula: 'ℓ = (1 − z)·x + (1 + (q − 1)·z)·(log(1 + e^−|x|) + max(−x, 0))  = −[q·z·log σ(x) + (1 − z)·log σ(−x)]',
    intuition: `${BCE.intuition} pos_weight multiplies only the positive term, so it trades recall against precision without touching the negatives.`,
    useWhen: 'Binary or multi-label targets with rare positives, where you want to up-weight positives directly (q ≈ n_neg/n_pos).',
    avoidWhen: BCE.avoidWhen,
    pitfalls: [
      'pos_weight is required (no default) and is the third positional argument; the TF1 version named the first argument `targets`.',
      'labels and logits must have the same shape.',
      'Large q inflates the loss scale as well as re-weighting; compare runs by metrics, not by loss values.',
      UNREDUCED,
    ],
    equivalents: [{ api: 'torch.nn.BCEWithLogitsLoss', note: "pos_weight has the same meaning; use reduction='none' to compare." }],
    docs: 'https://www.tensorflow.org/api_docs/python/tf/nn/weighted_cross_entropy_with_logits',
    kernel: { computed: true },
  },
  {
    id: 'tf.nn.softmax_cross_entropy_with_logits',
    aliases: ['tf.nn.softmax_cross_entropy_with_logits_v2', 'tf.compat.v1.nn.softmax_cross_entropy_with_logits_v2', 'tf.compat.v2.nn.softmax_cross_entropy_with_logits'],
    framework: 'tensorflow',
    kind: 'function',
    family: 'categorical-cross-entropy',
    summary: 'Softmax cross-entropy between label distributions and logits along one axis (TF2 / v2 semantics), one value per row.',
    tasks: ['multiclass-classification', 'semantic-segmentation'],
    input: 'logits',
    target: ['one-hot', 'probabilities'],
    call: [
      tensorArg('labels', 'target', 'A probability distribution per row (one-hot or soft), same shape as the logits.'),
      tensorArg('logits', 'prediction', 'Unscaled logits; never the output of a softmax.'),
      optional('axis', 'int', -1, 'The class axis. Defaults to the last one.'),
      NAME,
    ],
    formula: 'ℓ = −Σ_c labels_c·log softmax(logits)_c  (along `axis`, no reduction)',
    intuition: CCE.intuition,
    useWhen: CCE.useWhen,
    avoidWhen: CCE.avoidWhen,
    pitfalls: [
      TF_SOFTMAX_GRAD,
      'Passing softmax outputs as logits applies a second softmax: the loss cannot get near 0 and gradients shrink (the op\'s documentation warns against it).',
      'A −∞ logit on a class whose label is 0 gives NaN (0·∞); mask with a large negative number instead of −∞.',
      'TF1\'s tf.compat.v1.nn.softmax_cross_entropy_with_logits stops gradients into labels and is deprecated; this v2 op back-propagates into labels too.',
      UNREDUCED,
    ],
    equivalents: [
      { api: 'torch.nn.functional.cross_entropy', note: "probability targets, class dim 1, reduction='none'." },
      { api: 'optax.losses.softmax_cross_entropy', note: 'same values; JAX differentiates the formula exactly.' },
      { api: 'keras.losses.categorical_crossentropy', note: 'from_logits=True uses this op.' },
    ],
    docs: 'https://www.tensorflow.org/api_docs/python/tf/nn/softmax_cross_entropy_with_logits',
    kernel: { computed: true },
  },
  {
    id: 'tf.nn.sparse_softmax_cross_entropy_with_logits',
    aliases: ['tf.compat.v2.nn.sparse_softmax_cross_entropy_with_logits'],
    framework: 'tensorflow',
    kind: 'function',
    family: 'sparse-categorical-cross-entropy',
    summary: 'Softmax cross-entropy with integer class labels over the last axis, one value per row.',
    tasks: ['multiclass-classification', 'semantic-segmentation', 'sequence-generation'],
    input: 'logits',
    target: ['class-indices'],
    call: [
      tensorArg('labels', 'target', 'int32/int64 class ids of shape logits.shape[:-1], each in [0, C).'),
      tensorArg('logits', 'prediction', 'Unscaled logits of shape (…, C).'),
      NAME,
    ],
    formula: 'ℓ = logsumexp(logits) − logits[label]  (last axis, no reduction)',
    intuition: SCCE.intuition,
    useWhen: SCCE.useWhen,
    avoidWhen: SCCE.avoidWhen,
    pitfalls: [
      'Labels must be integers with exactly the logits\' leading shape: a (N, 1) label tensor raises "`labels.shape.rank` must equal `logits.shape.rank - 1`".',
      'Out-of-range labels raise on CPU ("Received a label value of 5 which is outside the valid range of [0, 3)") but silently return NaN on GPU.',
      'No ignore label: mask the per-row losses yourself before averaging.',
      UNREDUCED,
    ],
    equivalents: [
      { api: 'torch.nn.functional.cross_entropy', note: "index targets with reduction='none'; class dim 1 and ignore_index." },
      { api: 'optax.losses.softmax_cross_entropy_with_integer_labels', note: 'same values; out-of-range labels give NaN instead of an error.' },
      { api: 'keras.losses.sparse_categorical_crossentropy', note: 'from_logits=True uses this op.' },
    ],
    docs: 'https://www.tensorflow.org/api_docs/python/tf/nn/sparse_softmax_cross_entropy_with_logits',
    kernel: { computed: true },
  },
];
