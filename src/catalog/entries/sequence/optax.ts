/** optax CTC: optax.losses.ctc_loss and ctc_loss_with_forward_probs (current optax). */
import { optional, tensorArg } from '../../params.js';
import type { LossEntry, Param } from '../../types.js';
import { family } from './families.js';
import { familyProse } from '../../familyDocs.js';

const DOCS = 'https://optax.readthedocs.io/en/latest/api/losses.html#optax.losses.';

function call(): Param[] {
  return [
    tensorArg('logits', 'prediction', 'Logits (B, T, K), batch-first, including the blank class; log_softmax is applied inside.'),
    { name: 'logit_paddings', type: 'tensor', role: 'length', doc: '(B, T) padding indicators: 1.0 marks a padded frame (the state is carried through unchanged), 0.0 a real one.' },
    tensorArg('labels', 'target', 'Integer labels (B, N), right-padded.'),
    { name: 'label_paddings', type: 'tensor', role: 'length', doc: '(B, N) padding indicators: 1.0 marks a padded label; label length = N − Σ paddings. Must be right-padded.' },
    optional('blank_id', 'int', 0, 'Class index of the blank.'),
    optional('log_epsilon', 'number', -1e5, 'Stand-in for log(0): initial unreachable states and forbidden transitions get this value instead of −∞.'),
  ];
}

const FORMULA =
  'optax\'s two-state recursion over logα_blank (N+1) and logα_label (N) with log(0) ≈ log_epsilon, frames with padding 1 carried over;  ' +
  'ℓ_b = −logα_blank[T, n_b] after the final ε-transition,  n_b = N − Σ label_paddings[b];  no reduction';

const PITFALLS = [
  'Paddings, not lengths: 1.0 means padded. Passing a validity mask (1 = real) inverts the meaning and scores the padding.',
  'log(0) is log_epsilon = −1e5, not −∞: an impossible alignment gives a large finite loss (a multiple of 1e5) instead of +∞, and its gradient is finite, so it does not stop training the way a NaN would but dominates the batch mean.',
  'Labels must be right-padded; the label length is read from label_paddings only, so a padded label with a real value is ignored while a 0.5 padding truncates the count.',
  'The blank defaults to class 0 (blank_id=0); the labels may not contain it.',
  'optax returns one loss per sequence with no reduction and no division by label length: take jnp.mean (or divide by lengths) yourself.',
  'JAX computes in float32 by default; Loss Lens computes in float64, so results can differ around 1e-7 relative.',
];

const common = {
  framework: 'optax' as const,
  family: 'ctc' as const,
  tasks: ['speech-recognition' as const, 'sequence-generation' as const],
  input: 'logits' as const,
  target: ['label-sequence' as const],
  call: call(),
  formula: FORMULA,
  ...familyProse(family('ctc')),
  kernel: { computed: true } as const,
};

export const entries: LossEntry[] = [
  {
    ...common,
    id: 'optax.losses.ctc_loss',
    aliases: ['optax.ctc_loss'],
    kind: 'function',
    summary: 'optax CTC: per-sequence loss on batch-first logits with 0/1 logit and label paddings and a finite log(0).',
    pitfalls: PITFALLS,
    equivalents: [
      { api: 'optax.losses.ctc_loss_with_forward_probs', note: 'the same loss, also returning the forward variables.' },
      { api: 'torch.nn.functional.ctc_loss', note: "log-probabilities (T, N, C) with integer lengths; +∞ for impossible alignments; 'mean' divides by target length." },
      { api: 'tf.nn.ctc_loss', note: 'lengths instead of paddings, time-major by default, +∞ for impossible alignments.' },
    ],
    docs: `${DOCS}ctc_loss`,
  },
  {
    ...common,
    id: 'optax.losses.ctc_loss_with_forward_probs',
    aliases: ['optax.ctc_loss_with_forward_probs'],
    kind: 'function',
    summary: 'optax CTC returning (per-sequence loss, logα_blank, logα_label); Loss Lens computes the loss, the first output.',
    pitfalls: [
      ...PITFALLS,
      'It returns a tuple (loss, logalpha_blank, logalpha_label), the last two of shape (T, B, N+1) and (T, B, N); Loss Lens evaluates and differentiates the first element only.',
    ],
    equivalents: [{ api: 'optax.losses.ctc_loss', note: 'returns the first output only.' }],
    docs: `${DOCS}ctc_loss_with_forward_probs`,
  },
];
