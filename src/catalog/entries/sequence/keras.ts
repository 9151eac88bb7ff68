/**
 * Keras 3 CTC (keras.losses.CTC, keras.losses.ctc and loss='ctc' in compile), TensorFlow
 * backend semantics: ops.ctc_loss → tf.nn.ctc_loss on batch-first logits with mask_index 0.
 */
import { kerasBaseInit, kerasClassCall, kerasFunctionCall } from '../../params.js';
import type { Equivalent, LossEntry } from '../../types.js';
import { family } from './families.js';

const DOCS = 'https://keras.io/api/losses/';
const Y_TRUE = 'Integer labels (batch, max_length); 0 is the blank and also the padding: label_length = count(y_true ≠ 0) and the first label_length entries are read.';
const Y_PRED = 'Logits (batch, frames, classes), batch-first, not softmaxed (log_softmax is applied inside); class 0 is the blank.';

const FORMULA =
  'n_b = #{s : y_true[b, s] ≠ 0},  ℓ_b = CTC(log_softmax(y_pred[b]), y_true[b, :n_b], frames = T, blank = 0)  (every frame used);  ' +
  'class / compile string: sum_over_batch_size of (sample_weight·ℓ_b)';

const PITFALLS = [
  'The blank is class 0 and cannot be moved: reserve index 0 in your vocabulary (a real label 0 is read as padding and dropped from label_length).',
  'label_length counts the non-zero entries of the row but the labels read are its first label_length entries, so padding must be at the end: [3, 0, 5] is read as [3, 0] (one label 3, one label that is the blank), not [3, 5]. For such a label Loss Lens returns the exact derivative of the value, which the hand-written TensorFlow CTC gradient need not match.',
  'Every frame of y_pred is used: there is no per-sample input length, so padded frames of shorter utterances are scored as if real. Use tf.nn.ctc_loss with logit_length when inputs have different lengths.',
  'The loss is the per-sequence negative log-likelihood, not divided by the target length (torch\'s mean divides); sum_over_batch_size averages it over the batch.',
  'Too few frames for the labels (frames < labels + adjacent repeats) gives +∞ for that sequence and the batch mean.',
  'On the TensorFlow backend the loss is computed in float32 even for float64 input (tf.nn.ctc_loss does not take float64); Loss Lens computes in float64, so values can differ around 1e-7 relative.',
];

function baseEquivalents(): Equivalent[] {
  return [
    { api: 'tf.nn.ctc_loss', note: 'what Keras calls on the TensorFlow backend, with logits_time_major=False, blank_index=0 and explicit lengths.' },
    { api: 'torch.nn.CTCLoss', note: "takes log-probabilities (T, N, C), explicit lengths, any blank index, and 'mean' divides by target length." },
    { api: 'optax.losses.ctc_loss', note: 'the algorithm the JAX and NumPy Keras backends port; impossible alignments give a large finite value instead of +∞.' },
  ];
}

const common = {
  framework: 'keras' as const,
  family: 'ctc' as const,
  tasks: ['speech-recognition' as const, 'sequence-generation' as const],
  input: 'logits' as const,
  target: ['label-sequence' as const],
  formula: FORMULA,
  intuition: family('ctc').intuition,
  useWhen: family('ctc').useWhen,
  avoidWhen: family('ctc').avoidWhen,
  kernel: { computed: true } as const,
  since: 'keras 3.0',
};

export const entries: LossEntry[] = [
  {
    ...common,
    id: 'keras.losses.CTC',
    aliases: ['tf.keras.losses.CTC', 'keras.src.losses.CTC', 'keras.src.losses.losses.CTC'],
    kind: 'class',
    summary: 'Keras 3 CTC loss on batch-first logits with 0 as blank and padding, then the Keras reduction (sum_over_batch_size).',
    init: kerasBaseInit('ctc'),
    call: kerasClassCall(Y_TRUE, Y_PRED),
    pitfalls: [...PITFALLS, 'sample_weight multiplies the per-sequence losses before the reduction.'],
    equivalents: [{ api: 'keras.losses.ctc', note: 'the function: per-sequence losses, no reduction or sample_weight.' }, ...baseEquivalents()],
    docs: `${DOCS}probabilistic_losses/#ctc-class`,
  },
  {
    ...common,
    id: 'keras.losses.ctc',
    aliases: ['tf.keras.losses.ctc', 'keras.src.losses.ctc', 'keras.src.losses.losses.ctc'],
    kind: 'function',
    summary: 'Keras 3 CTC: per-sequence negative log-likelihood of non-zero labels under batch-first logits.',
    call: kerasFunctionCall(Y_TRUE, Y_PRED),
    pitfalls: [...PITFALLS, 'The function returns one loss per sequence (batch,): average it yourself (or use the class) before logging it.'],
    equivalents: [{ api: 'keras.losses.CTC', note: 'the class: the same per-sequence losses, then sample_weight and the reduction.' }, ...baseEquivalents()],
    docs: `${DOCS}probabilistic_losses/#ctc-function`,
  },
  {
    ...common,
    id: 'ctc',
    aliases: ['CTC'],
    kind: 'string',
    summary: "loss='ctc' in compile(): keras.losses.ctc with its defaults, reduced with sum_over_batch_size.",
    call: kerasClassCall(Y_TRUE, Y_PRED),
    pitfalls: [
      ...PITFALLS,
      "Keras 3 resolves 'ctc' (the function) and 'CTC' (the class, instantiated with defaults) in compile(); tf.keras 2 has neither (its CTC was keras.backend.ctc_batch_cost inside a custom layer).",
    ],
    equivalents: [{ api: 'keras.losses.CTC', note: 'the class form, which accepts a reduction.' }],
    docs: `${DOCS}probabilistic_losses/#ctc-function`,
  },
];
