/**
 * Keras 3 CTC (keras.losses.CTC, keras.losses.ctc and loss='ctc' in compile), TensorFlow
 * backend semantics: ops.ctc_loss → tf.nn.ctc_loss on batch-first logits with mask_index 0;
 * and tf.keras 2's backend.ctc_batch_cost (softmax probabilities, last class blank), the CTC of
 * the Keras 2 OCR and speech examples.
 */
import { kerasBaseInit, kerasClassCall, kerasFunctionCall, tensorArg } from '../../params.js';
import type { Equivalent, LossEntry } from '../../types.js';
import { family } from './families.js';
import { familyProse } from '../../familyDocs.js';

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
  ...familyProse(family('ctc')),
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
  {
    id: 'tf.keras.backend.ctc_batch_cost',
    aliases: ['keras.backend.ctc_batch_cost', 'tf.compat.v1.keras.backend.ctc_batch_cost'],
    framework: 'keras',
    kind: 'function',
    family: 'ctc',
    summary: 'tf.keras 2 backend CTC: softmax probabilities (B, T, C) with the last class as blank, (B, 1) length columns, (B, 1) per-sequence losses.',
    tasks: ['speech-recognition', 'sequence-generation'],
    input: 'probabilities',
    target: ['label-sequence'],
    call: [
      tensorArg('y_true', 'target', 'Labels (samples, max_string_length); the first label_length[b] entries are read, values in [0, num_categories − 1) (the last class is the blank).'),
      tensorArg('y_pred', 'prediction', 'Softmax outputs (samples, time_steps, num_categories), batch-first probabilities, not logits.'),
      { name: 'input_length', type: 'tensor', role: 'length', doc: 'Frames per sample as a (samples, 1) column (squeezed on the last axis).' },
      { name: 'label_length', type: 'tensor', role: 'length', doc: 'Labels per sample as a (samples, 1) column.' },
    ],
    formula:
      'z = log(y_pred + 1e-7),  ℓ_b = CTC(log_softmax(z[b]), y_true[b, :label_length[b]], frames = input_length[b], blank = C − 1),  result (B, 1), unreduced',
    ...familyProse(family('ctc')),
    pitfalls: [
      'It expects softmax probabilities (the model ends in a softmax) and takes log(y_pred + 1e-7) itself; feeding logits is silently wrong. The TF1 CTCLoss op then applies log_softmax to those logs again, which renormalises p + 1e-7.',
      'The blank is the LAST class (num_categories − 1), unlike keras.losses.CTC, tf.nn.ctc_loss and torch (class 0 by default): size the output layer as vocabulary + 1.',
      'input_length and label_length must be (samples, 1) columns; a label_length larger than the frames raises "Not enough time for target transition sequence", but labels that only fit without the blanks between repeats give +∞ instead (the check ignores repeats).',
      'The result is (samples, 1) and not reduced; Keras 2 compile() averages it. It is typically used inside a Lambda or custom layer that adds it with add_loss.',
      'Keras 2 / tf.keras (TensorFlow ≤ 2.15) only: Keras 3 removed keras.backend.ctc_batch_cost in favour of keras.losses.CTC and keras.ops.ctc_loss.',
    ],
    equivalents: [
      { api: 'keras.losses.CTC', note: 'Keras 3: logits instead of probabilities, blank 0 (also the padding), every frame used.' },
      { api: 'tf.nn.ctc_loss', note: 'logits with blank_index (−1 selects the last class, the same blank as here) and per-sequence lengths.' },
      { api: 'torch.nn.functional.ctc_loss', note: "log-probabilities (T, N, C) and blank=C−1 for the same blank; 'mean' divides by target length." },
    ],
    docs: 'https://www.tensorflow.org/versions/r2.15/api_docs/python/tf/keras/backend/ctc_batch_cost',
    kernel: { computed: true },
  },
];
