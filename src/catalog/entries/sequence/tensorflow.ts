/** tf.nn.ctc_loss (TensorFlow 2, ctc_loss_v3) with dense, padded labels. */
import { optional, tensorArg } from '../../params.js';
import type { LossEntry } from '../../types.js';
import { family } from './families.js';
import { familyProse } from '../../familyDocs.js';

export const entries: LossEntry[] = [
  {
    id: 'tf.nn.ctc_loss',
    aliases: ['tf.compat.v2.nn.ctc_loss'],
    framework: 'tensorflow',
    kind: 'function',
    family: 'ctc',
    summary: 'TensorFlow 2 CTC on logits (time-major by default) with dense padded labels and per-sequence lengths; one loss per sequence.',
    tasks: ['speech-recognition', 'sequence-generation'],
    input: 'logits',
    target: ['label-sequence'],
    call: [
      tensorArg('labels', 'target', 'Dense int labels [batch, max_label_length] (only the first label_length[b] read). SparseTensor labels are not accepted by Loss Lens.'),
      tensorArg('logits', 'prediction', 'Unnormalised logits [frames, batch, classes] (logits_time_major=True) or [batch, frames, classes]; log_softmax is applied inside.'),
      { name: 'label_length', type: 'tensor', role: 'length', nullable: true, doc: 'Labels per sequence [batch]; required for dense labels (None only for SparseTensor labels).' },
      { name: 'logit_length', type: 'tensor', role: 'length', doc: 'Frames per sequence [batch], each ≤ frames; frames beyond are ignored (zero gradient).' },
      optional('logits_time_major', 'bool', true, 'True: logits are [frames, batch, classes]; False: [batch, frames, classes].'),
      optional('unique', 'any', null, 'Optional ctc_unique_labels(labels) result that speeds up the TPU algorithm; does not change the value. Loss Lens accepts only None.'),
      optional('blank_index', 'int', null, 'Class used as blank; None means 0. Negative values count from the end (−1 is the last class, the TF1 convention).'),
      optional('name', 'string', null, 'Op name scope; no effect on the value.'),
    ],
    formula:
      'ℓ_b = −log Σ_{π: B(π) = labels[b, :label_length[b]]} Π_{t < logit_length[b]} softmax(logits[t, b])_{πₜ}  (∅ = blank_index, default 0);  no reduction',
    ...familyProse(family('ctc')),
    pitfalls: [
      'The default layout is time-major (logits_time_major=True): batch-first logits need logits_time_major=False, otherwise batch and frames are swapped.',
      'blank_index defaults to 0 in TF2 (tf.compat.v1.nn.ctc_loss used the last class). With another blank_index TensorFlow moves that class to position 0 and shifts lower labels up by one; a label equal to blank_index then silently scores class blank_index − 1 instead of raising.',
      'The result is one negative log-likelihood per sequence with no reduction and no division by label length; average it yourself (torch\'s mean also divides by target length).',
      'Too few frames for a sequence (logit_length < labels + adjacent repeats) gives +∞ and a NaN gradient for it.',
      'label_length may not be None with dense labels; labels outside [0, classes) are undefined.',
      'Logits must be float32 (float16/bfloat16 are cast to float32 inside): float64 logits fail against the float32 transition matrices of the dense implementation, which is why Keras casts float64 to float32 first. Loss Lens computes in float64 on the float32 values.',
    ],
    equivalents: [
      { api: 'torch.nn.functional.ctc_loss', note: "takes log-probabilities (no log_softmax inside), always time-major, reduction='mean' divides by target length." },
      { api: 'keras.losses.ctc', note: 'calls this with logits_time_major=False, blank 0, label_length = count of non-zero labels and every frame.' },
      { api: 'optax.losses.ctc_loss', note: 'batch-first logits and 0/1 paddings; finite loss for impossible alignments.' },
    ],
    docs: 'https://www.tensorflow.org/api_docs/python/tf/nn/ctc_loss',
    kernel: { computed: true },
  },
];
