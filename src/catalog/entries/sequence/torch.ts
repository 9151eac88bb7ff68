/**
 * torch CTC: torch.nn.CTCLoss and torch.nn.functional.ctc_loss (PyTorch 1.13 CPU semantics).
 * Input is log-probabilities (T, N, C), targets padded (N, S) or concatenated, explicit lengths.
 */
import { optional, tensorArg } from '../../params.js';
import type { Equivalent, LossEntry, Param } from '../../types.js';
import { family } from './families.js';
import { familyProse } from '../../familyDocs.js';

const DOCS = 'https://pytorch.org/docs/stable/generated/';

const BLANK: Param = optional('blank', 'int', 0, 'Index of the blank class in [0, C). Targets must not contain it.');
const REDUCTION: Param = optional(
  'reduction',
  'string',
  'mean',
  "'none': one loss per sequence (N,) (a scalar for unbatched input); 'sum': their sum; 'mean': each loss divided by its " +
    'target length (clamped to ≥ 1), then averaged over the batch.',
  { choices: ['none', 'mean', 'sum'] },
);
const ZERO_INF: Param = optional(
  'zero_infinity',
  'bool',
  false,
  'Replace infinite losses (no valid alignment: too few frames) and their gradients by 0. False lets one impossible sequence make the mean/sum +∞ and the gradient NaN.',
);

function inputs(): Param[] {
  return [
    tensorArg('log_probs', 'prediction', 'Log-probabilities (T, N, C), time first (or (T, C) unbatched), i.e. log_softmax over C already applied; float32 or float64.'),
    tensorArg('targets', 'target', 'Labels, padded (N, S) (only the first target_lengths[b] read) or concatenated 1-D of length Σ target_lengths; integer class indices ≠ blank.'),
    { name: 'input_lengths', type: 'any', role: 'length', doc: 'Frames per sequence (N,), each ≤ T: an int tensor or a list/tuple of ints (same kind as target_lengths).' },
    { name: 'target_lengths', type: 'any', role: 'length', doc: 'Labels per sequence (N,): an int tensor or a list/tuple of ints.' },
  ];
}

const FORMULA =
  'ℓ_b = −log Σ_{π: B(π) = y_b} Π_{t < input_lengths[b]} exp(log_probs[t, b, πₜ]) (∅ = blank);  ' +
  "'mean' = (1/N)·Σ_b ℓ_b / max(target_lengths[b], 1),  'sum' = Σ_b ℓ_b;  zero_infinity: ℓ_b = +∞ → 0";

const PITFALLS = [
  'log_probs must already be log_softmax over the class axis: torch does not normalise them. Passing raw logits gives a wrong (often negative) loss without any error.',
  'The layout is time-major (T, N, C); a batch-first (N, T, C) tensor must be transposed (permute(1, 0, 2)) or the batch and time axes are silently swapped when N and T both fit the lengths.',
  "reduction='mean' divides each sequence's loss by its target length before averaging over the batch, so it is a per-label loss; Keras, TensorFlow and optax return the per-sequence negative log-likelihood with no such division.",
  'An impossible alignment (input_lengths[b] < target length + number of adjacent repeated labels) gives +∞, which makes mean and sum +∞ and the gradient NaN; set zero_infinity=True to drop those sequences (their loss and gradient become 0).',
  'Repeated labels need a blank between them: "aa" needs 3 frames, "ab" needs 2.',
  'The gradient torch returns for log_probs is exp(log_probs) − posterior, the gradient with respect to the logits under a log_softmax, not the plain derivative with respect to log_probs (which would be −posterior). Autograd through a preceding log_softmax then adds nothing, because the posterior rows sum to 1; Loss Lens returns exactly what torch returns.',
  'A label equal to blank is not checked: torch runs the recursion with it as an ordinary label and returns a meaningless value (Loss Lens reproduces it), and the torch backward there is not even the derivative of that value (Loss Lens returns the true derivative). A label outside [0, C) and a negative length read out of bounds in torch 1.13; Loss Lens refuses them. input_lengths[b] = 0 also reads out of bounds in 1.13; Loss Lens follows newer torch (0 for an empty target, +∞ otherwise).',
  'input_lengths and target_lengths must both be tensors or both be lists of ints; a float tensor raises "input_lengths must be integral".',
];

function equivalents(self: string): Equivalent[] {
  const other = self === 'torch.nn.CTCLoss' ? 'torch.nn.functional.ctc_loss' : 'torch.nn.CTCLoss';
  return [
    { api: other, note: self === 'torch.nn.CTCLoss' ? 'the functional form, same arguments and defaults.' : 'the module form, same defaults.' },
    { api: 'tf.nn.ctc_loss', note: 'takes logits (applies log_softmax), time-major by default, blank_index 0, no reduction and no length normalisation.' },
    { api: 'keras.losses.CTC', note: 'batch-first logits, blank 0 doubles as padding, all frames used, per-sequence loss with no target-length division.' },
    { api: 'optax.losses.ctc_loss', note: 'batch-first logits with 0/1 paddings instead of lengths; impossible alignments give a large finite loss, not +∞.' },
  ];
}

const common = {
  framework: 'torch' as const,
  family: 'ctc' as const,
  tasks: ['speech-recognition' as const, 'sequence-generation' as const],
  input: 'log-probabilities' as const,
  target: ['label-sequence' as const],
  formula: FORMULA,
  ...familyProse(family('ctc')),
  pitfalls: PITFALLS,
  kernel: { computed: true } as const,
};

export const entries: LossEntry[] = [
  {
    ...common,
    id: 'torch.nn.CTCLoss',
    aliases: ['torch.nn.modules.loss.CTCLoss'],
    kind: 'class',
    summary: 'CTC negative log-likelihood of label sequences under (T, N, C) log-probabilities, per-label mean over the batch by default.',
    init: [BLANK, REDUCTION, ZERO_INF],
    call: inputs(),
    equivalents: equivalents('torch.nn.CTCLoss'),
    docs: `${DOCS}torch.nn.CTCLoss.html`,
  },
  {
    ...common,
    id: 'torch.nn.functional.ctc_loss',
    aliases: [],
    kind: 'function',
    summary: 'Functional CTC loss on (T, N, C) log-probabilities with explicit input and target lengths.',
    call: [...inputs(), BLANK, REDUCTION, ZERO_INF],
    equivalents: equivalents('torch.nn.functional.ctc_loss'),
    docs: `${DOCS}torch.nn.functional.ctc_loss.html`,
  },
];
