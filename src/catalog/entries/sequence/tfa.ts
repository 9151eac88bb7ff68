/** TensorFlow Addons sequence loss: tfa.seq2seq.sequence_loss and SequenceLoss (0.23 on tf.keras 2). */
import { optional, tensorArg } from '../../params.js';
import type { Equivalent, LossEntry, Param } from '../../types.js';
import { family } from './families.js';
import { familyProse } from '../../familyDocs.js';

const DOCS = 'https://www.tensorflow.org/addons/api_docs/python/tfa/seq2seq/';
const EOL = 'TF Addons reached end of life in May 2024 and only supports TensorFlow up to 2.15 (tf.keras 2); port to Keras 3 or another library for new code.';

function flags(avg: boolean): Param[] {
  return [
    optional('average_across_timesteps', 'bool', avg, 'Sum over the time axis and divide by the sum of the weights over it (div_no_nan).'),
    optional('average_across_batch', 'bool', avg, 'Sum over the batch axis and divide by the sum of the weights over it (div_no_nan).'),
    optional('sum_over_timesteps', 'bool', !avg, 'Sum over the time axis and divide by the number of non-zero weights over it (div_no_nan).'),
    optional('sum_over_batch', 'bool', !avg, 'Sum over the batch axis and divide by the number of non-zero weights over it (div_no_nan).'),
    optional('softmax_loss_function', 'callable', null, 'Replacement for the token loss, called as f(labels=…, logits=…); None uses sparse softmax cross-entropy (softmax cross-entropy for one-hot targets). Only None is computable.'),
    optional('name', 'string', null, 'Op name scope; no effect on the value.'),
  ];
}

const FORMULA =
  'ce_{bt} = −log softmax(logits_{bt})_{y_{bt}},  x_{bt} = ce_{bt}·w_{bt};  both averages: Σx / Σw;  both sums: Σx / count_nonzero(w);  ' +
  'one flag: per-sequence (B,) or per-timestep (T,) with the same rule on that axis;  none: x (B, T);  every division div_no_nan (0/0 → 0)';

const PITFALLS = [
  'The function defaults (average_across_timesteps=True, average_across_batch=True) give Σ ce·w / Σ w; the SequenceLoss class defaults (sum_over_timesteps=True, sum_over_batch=True) give Σ ce·w / count_nonzero(w). They agree for 0/1 masks and differ for fractional weights.',
  'Everything uses div_no_nan: an all-masked batch gives 0, not NaN (torch\'s cross_entropy with ignore_index gives NaN there).',
  'average_across_timesteps with sum_over_timesteps, average_across_batch with sum_over_batch, and the mixed pairs average_across_batch + sum_over_timesteps or sum_over_batch + average_across_timesteps raise a ValueError (ambiguous order).',
  'Averaging over all tokens weighs long sequences more than short ones; averaging per sequence (average_across_timesteps only, then a mean of the (B,) result) weighs every sequence equally.',
  'weights is required (SequenceLoss without sample_weight fails): pass a 0/1 mask such as tf.sequence_mask(lengths, T, dtype=tf.float32).',
  'Targets are class indices (B, T) or one-hot/probability rows (B, T, V); a label outside [0, V) raises on CPU.',
  EOL,
];

function equivalents(self: 'fn' | 'class'): Equivalent[] {
  return [
    self === 'fn'
      ? { api: 'tfa.seq2seq.SequenceLoss', note: 'the Keras-style class: call(y_true, y_pred, sample_weight), defaults sum_over_timesteps and sum_over_batch (count of non-zero weights).' }
      : { api: 'tfa.seq2seq.sequence_loss', note: 'the function: argument order (logits, targets, weights) and defaults average_across_timesteps and average_across_batch (Σ w).' },
    { api: 'torch.nn.functional.cross_entropy', note: "on logits.permute(0, 2, 1) with ignore_index for padding gives the token mean Σ ce / #real tokens, but NaN when every token is ignored." },
    { api: 'keras.losses.SparseCategoricalCrossentropy', note: 'with from_logits=True and ignore_class=pad on (B, T, V) logits: a masked token mean, 0 when everything is masked.' },
  ];
}

const common = {
  framework: 'tfa' as const,
  family: 'sequence' as const,
  tasks: ['sequence-generation' as const, 'multiclass-classification' as const],
  input: 'logits' as const,
  target: ['class-indices' as const, 'one-hot' as const, 'probabilities' as const],
  formula: FORMULA,
  ...familyProse(family('sequence')),
  pitfalls: PITFALLS,
  kernel: { computed: true } as const,
};

export const entries: LossEntry[] = [
  {
    ...common,
    id: 'tfa.seq2seq.sequence_loss',
    aliases: ['tensorflow_addons.seq2seq.sequence_loss', 'tfa.seq2seq.loss.sequence_loss'],
    kind: 'function',
    summary: 'Weighted token-level softmax cross-entropy over (B, T, V) logits, by default Σ ce·w / Σ w.',
    call: [
      tensorArg('logits', 'prediction', 'Logits [batch, time, classes].'),
      tensorArg('targets', 'target', 'Class indices [batch, time] (or one-hot / probabilities [batch, time, classes]).'),
      { name: 'weights', type: 'tensor', role: 'weight', doc: 'Weights [batch, time]: 1 for real tokens and 0 for padding, or any non-negative weighting.' },
      ...flags(true),
    ],
    equivalents: equivalents('fn'),
    docs: `${DOCS}sequence_loss`,
  },
  {
    ...common,
    id: 'tfa.seq2seq.SequenceLoss',
    aliases: ['tensorflow_addons.seq2seq.SequenceLoss', 'tfa.seq2seq.loss.SequenceLoss'],
    kind: 'class',
    summary: 'Keras-style class around sequence_loss: call(y_true, y_pred, sample_weight), by default Σ ce·w / count_nonzero(w).',
    init: flags(false),
    call: [
      tensorArg('y_true', 'target', 'Class indices [batch, time] (or one-hot / probabilities [batch, time, classes]).'),
      tensorArg('y_pred', 'prediction', 'Logits [batch, time, classes].'),
      optional('sample_weight', 'tensor', null, 'Weights [batch, time] (required in practice: None fails inside sequence_loss).', { role: 'weight' }),
    ],
    equivalents: equivalents('class'),
    docs: `${DOCS}SequenceLoss`,
  },
];
