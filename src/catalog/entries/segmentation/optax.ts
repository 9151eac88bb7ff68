/**
 * optax's segmentation losses (optax.losses, optax/losses/_segmentation.py): dice_loss with
 * Tversky-style α/β weights, binary_dice_loss and multiclass_generalized_dice_loss. The class
 * axis is last (JAX layout), smooth defaults to 1 and the result keeps the batch axes.
 */
import { optional, tensorArg } from '../../params.js';
import type { LossEntry, Param } from '../../types.js';
import { family } from './families.js';
import { familyProse } from '../../familyDocs.js';

const DOCS = 'https://optax.readthedocs.io/en/latest/api/losses.html';
const kw = (p: Param): Param => ({ ...p, keywordOnly: true });

const PRED = tensorArg('predictions', 'prediction', 'Logits with the class axis last, e.g. (N, H, W, C); (…, 1) or no class axis for binary.');
const TARGETS = tensorArg('targets', 'target', 'One-hot (or soft) targets of the same shape, class axis last; a missing class axis is added.');
const SMOOTH = kw(optional('smooth', 'number', 1.0, 'Added to numerator and denominator: an empty prediction on an empty mask scores 1 (loss 0).'));

const SHARED_PITFALLS = [
  'The class axis is last (JAX layout): a torch-style (N, C, H, W) array is read as N×C×H images of W classes.',
  'smooth defaults to 1, which is large for small masks: a 3-pixel object predicted empty loses only 1 − 1/4 = 0.75, not 1.',
  'Sums run per sample (over every axis but the first and the last) by default, unlike smp, which pools the batch.',
];

const DICE_DOCS = `${DOCS}#optax.losses.dice_loss`;

export const entries: LossEntry[] = [
  {
    id: 'optax.losses.dice_loss',
    aliases: ['optax.losses._segmentation.dice_loss'],
    framework: 'optax',
    kind: 'function',
    family: 'dice',
    summary: 'Soft Dice (Tversky-weighted) loss per sample and class, class axis last, softmax/sigmoid applied, reduced over classes.',
    tasks: ['semantic-segmentation'],
    input: 'logits',
    inputSwitch: { param: 'apply_softmax', whenTrue: 'logits', whenFalse: 'probabilities' },
    target: ['one-hot', 'binary-mask'],
    call: [
      PRED,
      TARGETS,
      kw(optional('class_weights', 'tensor', null, 'Per-class weights (rank 1) multiplied into the per-class losses before the reduction (the mean still divides by the class count).', { role: 'weight' })),
      SMOOTH,
      kw(optional('alpha', 'number', 0.5, 'Weight of the false positives P − I.')),
      kw(optional('beta', 'number', 0.5, 'Weight of the false negatives T − I.')),
      kw(optional('apply_softmax', 'bool', true, 'Softmax over the last axis (sigmoid when it has size 1); False: predictions must already sum to 1 along it.')),
      kw(optional('reduction', 'string', 'mean', "'mean' or 'sum' over the class axis, or 'none' for per-class losses.", { choices: ['mean', 'sum', 'none'] })),
      kw(optional('ignore_background', 'bool', false, 'Drop class 0 before the reduction (only when there are at least 2 classes).')),
      kw(optional('axis', 'axis', null, 'Axes to sum over; None: every axis but the first and the last.', { nullable: true })),
    ],
    formula: 'p = softmax(x, −1) (sigmoid if C = 1);  I = Σp·t, P = Σp, T = Σt over `axis`;  ℓ_c = w_c·(1 − (I + s)/(I + α(P − I) + β(T − I) + s));  mean/sum over c',
    ...familyProse(family('dice')),
    pitfalls: [
      ...SHARED_PITFALLS,
      'apply_softmax=False checks that the predictions sum to 1 over the last axis: binary probabilities of shape (…, 1) fail that check ("must be valid probability distributions"), so pass two-class probabilities or keep logits.',
      'With class_weights the mean still divides by the number of classes, not by Σw.',
      'Since α/β were added, the default score is (I + s)/(½P + ½T + s) = (2I + 2s)/(P + T + 2s): smooth counts twice as much as in the earlier (2I + s)/(P + T + s).',
      'Returns one value per sample: average it yourself (jnp.mean) before taking gradients.',
    ],
    equivalents: [
      { api: 'segmentation_models_pytorch.losses.TverskyLoss', note: 'smp pools the batch, masks absent classes, uses smooth 0 and the L1 intersection.' },
      { api: 'keras.losses.Dice', note: 'probabilities, no smoothing, all axes summed by default.' },
      { api: 'optax.losses.binary_dice_loss', note: 'the binary convenience form.' },
    ],
    docs: DICE_DOCS,
    kernel: { computed: true },
  },
  {
    id: 'optax.losses.binary_dice_loss',
    aliases: ['optax.losses._segmentation.binary_dice_loss'],
    framework: 'optax',
    kind: 'function',
    family: 'dice',
    summary: 'Binary soft Dice per sample: sigmoid on logits, smooth 1, one value per sample.',
    tasks: ['semantic-segmentation'],
    input: 'logits',
    inputSwitch: { param: 'apply_sigmoid', whenTrue: 'logits', whenFalse: 'probabilities' },
    target: ['binary-mask'],
    call: [
      PRED,
      TARGETS,
      SMOOTH,
      kw(optional('apply_sigmoid', 'bool', true, 'Sigmoid on the predictions; False: they must be probabilities (and pass dice_loss\'s sum-to-1 check).')),
    ],
    formula: 'masks get a trailing class axis of 1;  p = σ(x);  ℓ = 1 − (I + s)/(½Σp + ½Σt + s), I = Σp·t, per sample (sums over every axis but the first)',
    ...familyProse(family('dice')),
    pitfalls: [
      ...SHARED_PITFALLS,
      'apply_sigmoid=False with probabilities raises, because dice_loss then requires the size-1 class axis to sum to 1: only all-ones predictions pass.',
      'A (N, W) input is read as N samples of W pixels only if its last axis is not 1; (N, 1) is taken as N one-pixel samples of one class.',
    ],
    equivalents: [{ api: 'optax.losses.dice_loss', note: 'with a size-1 class axis and reduction="mean".' }],
    docs: `${DOCS}#optax.losses.binary_dice_loss`,
    kernel: { computed: true },
  },
  {
    id: 'optax.losses.multiclass_generalized_dice_loss',
    aliases: ['optax.losses._segmentation.multiclass_generalized_dice_loss'],
    framework: 'optax',
    kind: 'function',
    family: 'dice',
    summary: 'Generalized Dice (Sudre et al.): per-class Dice weighted by 1/(frequency² + 1e-7), normalised, averaged to one scalar.',
    tasks: ['semantic-segmentation'],
    input: 'logits',
    inputSwitch: { param: 'apply_softmax', whenTrue: 'logits', whenFalse: 'probabilities' },
    target: ['one-hot'],
    call: [
      PRED,
      TARGETS,
      SMOOTH,
      kw(optional('apply_softmax', 'bool', true, 'Softmax over the last axis; False: probabilities that sum to 1.')),
      kw(optional('ignore_background', 'bool', false, 'Drop class 0 before averaging.')),
    ],
    formula: 'f_c = Σ t_c over the batch,  w_c = C·(1/(f_c² + 1e-7)) / Σ_k 1/(f_k² + 1e-7);  ℓ = mean over samples and classes of w_c·dice_loss_c',
    intuition: `${family('dice').intuition} The weights make rare classes count as much as frequent ones.`,
    useWhen: 'Multi-class segmentation with very unequal class sizes, where plain Dice is dominated by the large classes.',
    avoidWhen: 'Some class can be absent from a batch: its weight becomes ~1e7/Σ and its (smoothed) loss dominates everything else.',
    pitfalls: [
      ...SHARED_PITFALLS,
      'A class absent from the batch gets weight ≈ C (all others ≈ 0), so the loss becomes that class\'s smoothed Dice on an empty mask.',
      'Weights come from the batch\'s targets, so the same prediction scores differently in different batches.',
    ],
    equivalents: [{ api: 'optax.losses.dice_loss', note: 'with class_weights computed from the targets and reduction="none", then averaged.' }],
    docs: `${DOCS}#optax.losses.multiclass_generalized_dice_loss`,
    kernel: { computed: true },
  },
];
