/**
 * segmentation_models_pytorch's classification-style losses (FocalLoss, SoftBCEWithLogitsLoss,
 * SoftCrossEntropyLoss) and TensorFlow Addons' sigmoid focal cross-entropy.
 */
import { optional, param, tensorArg } from '../../params.js';
import type { LossEntry, Param } from '../../types.js';
import { families } from './families.js';
import { BCE_PITFALLS_SHARED, kerasYPred, kerasYTrue } from './shared.js';

const family = (id: string) => families.find((f) => f.id === id)!;
const BCE = family('binary-cross-entropy');
const CCE = family('categorical-cross-entropy');
const FOCAL = family('focal');

const SMP_DOCS = 'https://smp.readthedocs.io/en/latest/losses.html';
const SMP_CALL: Param[] = [
  tensorArg('y_pred', 'prediction', 'Logits of shape (N, C, H, W) (or any shape in binary/multilabel mode).'),
  tensorArg('y_true', 'target', 'Targets: (N, H, W) class ids in multiclass mode, or a mask with as many elements as y_pred.'),
];
const SMP_REDUCTION_NOTE = "Any other value returns the unreduced losses (smp does not validate it).";

const TFA_DOCS = 'https://www.tensorflow.org/addons/api_docs/python/tfa/losses/';
const TFA_FORMULA =
  'CE = Keras-2 binary cross-entropy (probabilities: clip to [1e-7, 1 − 1e-7] and +1e-7 inside the logs; logits: exact),  p_t = y·p + (1 − y)·(1 − p),  ' +
  'ℓ = Σ_last axis α_t·(1 − p_t)^γ·CE  with α_t = y·α + (1 − y)·(1 − α) (skipped when α = 0) and the factor skipped when γ = 0';
const TFA_PITFALLS = [
  'Takes probabilities by default (from_logits=False); with a linear output set from_logits=True.',
  'Sums over the last axis (not a mean), so values scale with the number of classes, unlike Keras\' focal losses.',
  'α = 0 disables the α weighting entirely instead of zeroing the positives (TF Addons tests `if alpha:`); a negative γ raises "Value of gamma should be greater than or equal to zero".',
  'TensorFlow Addons is end-of-life and built on Keras 2 (TF ≤ 2.15): the cross-entropy adds 1e-7 inside the logs, so its worst value is −log(2e-7) ≈ 15.42. Prefer keras.losses.BinaryFocalCrossentropy in new code.',
];

const focalInit: Param[] = [
  param('mode', 'string', "'binary', 'multiclass' or 'multilabel'. Multiclass sums one-vs-rest sigmoid focal losses over the C channels of y_pred (no softmax).", {
    choices: ['binary', 'multiclass', 'multilabel'],
  }),
  optional('alpha', 'number', null, 'Weight of the positives (negatives get 1 − α); None (default) applies no weighting.'),
  optional('gamma', 'number', 2.0, 'Focusing exponent γ.'),
  optional('ignore_index', 'int', null, 'Target value whose elements are dropped before the loss (so they are not counted in the mean).'),
  optional('reduction', 'string', 'mean', `'mean' (default), 'sum', 'batchwise_mean' (sum over the first axis) or 'none'. ${SMP_REDUCTION_NOTE}`),
  optional('normalized', 'bool', false, 'Divide by Σ (1 − p_t)^γ over the elements (normalised focal loss, arXiv 1909.07829).'),
  optional('reduced_threshold', 'number', null, 'Reduced focal loss (arXiv 1903.01347): the focal factor is 1 where p_t < threshold and ((1 − p_t)/threshold)^γ above it.'),
];

export const entries: LossEntry[] = [
  {
    id: 'segmentation_models_pytorch.losses.FocalLoss',
    aliases: ['smp.losses.FocalLoss', 'segmentation_models_pytorch.losses.focal.FocalLoss'],
    framework: 'smp',
    kind: 'class',
    family: 'focal',
    summary: 'Sigmoid focal loss on logits for binary, multi-label and (one-vs-rest) multiclass segmentation masks.',
    tasks: ['semantic-segmentation', 'binary-classification', 'multilabel-classification'],
    input: 'logits',
    target: ['binary-mask', 'class-index-mask'],
    init: focalInit,
    call: SMP_CALL,
    formula:
      'logpt = BCE-with-logits(x, y),  p_t = e^−logpt,  ℓ = α_t·(1 − p_t)^γ·logpt  (α_t = α·y + (1 − α)·(1 − y) when α is set);  ' +
      'binary/multilabel: over all non-ignored elements;  multiclass: Σ_c FL(y_pred[:, c], y_true == c)',
    intuition: FOCAL.intuition,
    useWhen: `${FOCAL.useWhen} Often combined with DiceLoss for segmentation.`,
    avoidWhen: FOCAL.avoidWhen,
    pitfalls: [
      'Multiclass mode is not a softmax focal loss: each channel is a separate sigmoid problem and the per-class means are summed, so the value grows with C.',
      'Ignored elements are removed before the mean (they do not count in the denominator); if everything is ignored the mean is NaN.',
      'Logits only — smp 0.5.0 FocalLoss has no from_logits switch (issue #1263); a model with activation="sigmoid"/"softmax" applies it twice.',
      'alpha defaults to None (no class balancing), unlike torchvision\'s 0.25.',
      'An unknown reduction (e.g. a typo) silently returns the unreduced losses.',
    ],
    equivalents: [
      { api: 'torchvision.ops.sigmoid_focal_loss', note: "binary/multilabel mode with alpha=0.25 and reduction='mean'." },
      { api: 'keras.losses.BinaryFocalCrossentropy', note: 'Keras applies α only with apply_class_balancing.' },
    ],
    docs: `${SMP_DOCS}#focalloss`,
    since: 'smp 0.2',
    kernel: { computed: true },
  },
  {
    id: 'segmentation_models_pytorch.losses.SoftBCEWithLogitsLoss',
    aliases: ['smp.losses.SoftBCEWithLogitsLoss', 'segmentation_models_pytorch.losses.soft_bce.SoftBCEWithLogitsLoss'],
    framework: 'smp',
    kind: 'class',
    family: 'binary-cross-entropy',
    summary: 'BCEWithLogitsLoss with symmetric label smoothing, y·(1 − s) + (1 − y)·s, and an ignore_index that zeroes elements.',
    tasks: ['semantic-segmentation', 'binary-classification', 'multilabel-classification'],
    input: 'logits',
    target: ['binary-mask', 'soft-binary'],
    init: [
      optional('weight', 'tensor', null, 'Rescaling weight multiplied into each element (torch BCEWithLogitsLoss semantics).', { role: 'weight' }),
      optional('ignore_index', 'int', -100, 'Target value whose elements get loss 0 (they still count in the mean). None disables it.', { nullable: true }),
      optional('reduction', 'string', 'mean', `'mean' (default), 'sum' or 'none'. ${SMP_REDUCTION_NOTE}`),
      optional('smooth_factor', 'number', null, 'Label smoothing s: targets become (1 − y)·s + y·(1 − s), e.g. s = 0.1 maps 1 → 0.9 and 0 → 0.1.'),
      optional('pos_weight', 'tensor', null, 'Weight of the positive term, broadcast along the last dimension (torch semantics).', { role: 'weight' }),
    ],
    call: [
      tensorArg('y_pred', 'prediction', 'Logits, e.g. (N, 1, H, W).'),
      tensorArg('y_true', 'target', 'Binary (or soft) float targets with y_pred\'s shape; ignore_index marks void pixels.'),
    ],
    formula: "y' = (1 − y)·s + y·(1 − s);  ℓᵢ = BCE-with-logits(xᵢ, y'ᵢ; weight, pos_weight)·[yᵢ ≠ ignore_index];  mean over all elements",
    intuition: BCE.intuition,
    useWhen: 'Binary segmentation with void pixels to ignore or with label smoothing.',
    avoidWhen: BCE.avoidWhen,
    pitfalls: [
      'Ignored pixels contribute 0 but still count in the mean, so a mostly-void image gets a small loss (torch CrossEntropyLoss excludes them).',
      'Label smoothing here is symmetric (1 → 1 − s, 0 → s): s = 0.1 gives 0.9/0.1, where Keras\' binary smoothing ε = 0.1 gives 0.95/0.05.',
      'Shapes must match exactly: (N, H, W) targets against (N, 1, H, W) logits raise in torch; unsqueeze the target.',
      'With smooth_factor=None the target must already be floating point.',
      BCE_PITFALLS_SHARED.sigmoidTwice,
    ],
    equivalents: [{ api: 'torch.nn.BCEWithLogitsLoss', note: 'without smoothing and with ignore_index=None.' }],
    docs: `${SMP_DOCS}#softbcewithlogitsloss`,
    kernel: { computed: true },
  },
  {
    id: 'segmentation_models_pytorch.losses.SoftCrossEntropyLoss',
    aliases: ['smp.losses.SoftCrossEntropyLoss', 'segmentation_models_pytorch.losses.soft_ce.SoftCrossEntropyLoss'],
    framework: 'smp',
    kind: 'class',
    family: 'categorical-cross-entropy',
    summary: 'Cross-entropy on logits with label smoothing (fairseq style) and an ignore_index that zeroes positions.',
    tasks: ['semantic-segmentation', 'multiclass-classification'],
    input: 'logits',
    target: ['class-index-mask', 'class-indices'],
    init: [
      optional('reduction', 'string', 'mean', `'mean' (default), 'sum' or 'none'. ${SMP_REDUCTION_NOTE}`),
      optional('smooth_factor', 'number', null, 'Label smoothing ε. The default None fails at the first call (TypeError); pass 0.0 for none.'),
      optional('ignore_index', 'int', -100, 'Target value whose positions get loss 0 (still counted in the mean). None disables it.', { nullable: true }),
      optional('dim', 'int', 1, 'The class dimension of y_pred (1 for (N, C, H, W)).'),
    ],
    call: [
      tensorArg('y_pred', 'prediction', 'Logits, e.g. (N, C, H, W).'),
      tensorArg('y_true', 'target', 'int64 class ids, (N, H, W) (or with a size-1 class dimension).'),
    ],
    formula: 'ℓₚ = (1 − ε)·(−log softmax(x)_y) + (ε/C)·(−Σ_c log softmax(x)_c), 0 where y = ignore_index;  mean over all positions',
    intuition: CCE.intuition,
    useWhen: 'Segmentation or classification with label smoothing when porting pytorch-toolbelt/fairseq recipes.',
    avoidWhen: 'You can use torch.nn.CrossEntropyLoss(label_smoothing=…), which excludes ignored positions from the mean.',
    pitfalls: [
      "The default smooth_factor=None raises TypeError \"unsupported operand type(s) for /: 'NoneType' and 'int'\" on the first call (smp issue #372): always pass smooth_factor.",
      'Ignored positions count in the mean (torch CrossEntropyLoss excludes them), so losses shrink as the share of void pixels grows.',
      "With an ignore_index (the default −100), reduction='none' keeps the class dimension: (N, 1, H, W), not (N, H, W).",
      'Targets must be int64 and inside [0, C) unless ignored (torch gather raises "index 5 is out of bounds for dimension 1 with size 3").',
    ],
    equivalents: [{ api: 'torch.nn.CrossEntropyLoss', note: 'label_smoothing matches, but ignored positions are excluded from the mean there.' }],
    docs: `${SMP_DOCS}#softcrossentropyloss`,
    kernel: { computed: true },
  },
  {
    id: 'tfa.losses.SigmoidFocalCrossEntropy',
    aliases: ['tensorflow_addons.losses.SigmoidFocalCrossEntropy', 'tfa.losses.focal_loss.SigmoidFocalCrossEntropy'],
    framework: 'tfa',
    kind: 'class',
    family: 'focal',
    summary: 'TF Addons sigmoid focal cross-entropy (Keras 2 loss): summed over the last axis, unreduced by default.',
    tasks: ['object-detection', 'binary-classification', 'multilabel-classification'],
    input: 'probabilities',
    inputSwitch: { param: 'from_logits', whenTrue: 'logits', whenFalse: 'probabilities' },
    target: ['binary', 'soft-binary'],
    init: [
      optional('from_logits', 'bool', false, 'True when y_pred holds logits; False (default) for probabilities.'),
      optional('alpha', 'number', 0.25, 'Weight of the positives (negatives get 1 − α); 0 disables the weighting.'),
      optional('gamma', 'number', 2.0, 'Focusing exponent γ ≥ 0; 0 disables the focal factor.'),
      optional('reduction', 'string', 'none', "Keras 2 reduction: 'none' (default here), 'sum', 'sum_over_batch_size' or 'auto' (= sum_over_batch_size)."),
      optional('name', 'string', 'sigmoid_focal_crossentropy', 'Name of the loss instance.'),
    ],
    call: [kerasYTrue('Targets in [0, 1].'), kerasYPred('Probabilities (or logits with from_logits=True).'), optional('sample_weight', 'tensor', null, 'Per-sample weights multiplied into the per-sample losses.', { role: 'weight' })],
    formula: TFA_FORMULA,
    intuition: FOCAL.intuition,
    useWhen: FOCAL.useWhen,
    avoidWhen: `${FOCAL.avoidWhen} In new code, also avoid the end-of-life TF Addons package.`,
    pitfalls: ["The default reduction is NONE: model.fit averages the per-sample values for you, but calling the loss directly returns a vector.", ...TFA_PITFALLS],
    equivalents: [
      { api: 'tfa.losses.sigmoid_focal_crossentropy', note: 'the function it wraps.' },
      { api: 'keras.losses.BinaryFocalCrossentropy', note: 'averages (not sums) over the last axis; α only with apply_class_balancing.' },
    ],
    docs: `${TFA_DOCS}SigmoidFocalCrossEntropy`,
    kernel: { computed: true },
  },
  {
    id: 'tfa.losses.sigmoid_focal_crossentropy',
    aliases: ['tensorflow_addons.losses.sigmoid_focal_crossentropy', 'tfa.losses.focal_loss.sigmoid_focal_crossentropy'],
    framework: 'tfa',
    kind: 'function',
    family: 'focal',
    summary: 'Function form of SigmoidFocalCrossEntropy: per-sample focal loss summed over the last axis.',
    tasks: ['object-detection', 'binary-classification', 'multilabel-classification'],
    input: 'probabilities',
    inputSwitch: { param: 'from_logits', whenTrue: 'logits', whenFalse: 'probabilities' },
    target: ['binary', 'soft-binary'],
    call: [
      kerasYTrue('Targets in [0, 1].'),
      kerasYPred('Probabilities (or logits with from_logits=True).'),
      optional('alpha', 'number', 0.25, 'Weight of the positives; 0 disables the weighting.'),
      optional('gamma', 'number', 2.0, 'Focusing exponent γ ≥ 0; 0 disables the focal factor.'),
      optional('from_logits', 'bool', false, 'True when y_pred holds logits.'),
    ],
    formula: TFA_FORMULA,
    intuition: FOCAL.intuition,
    useWhen: FOCAL.useWhen,
    avoidWhen: FOCAL.avoidWhen,
    pitfalls: TFA_PITFALLS,
    equivalents: [{ api: 'tfa.losses.SigmoidFocalCrossEntropy', note: 'adds sample weights and a reduction.' }],
    docs: `${TFA_DOCS}sigmoid_focal_crossentropy`,
    kernel: { computed: true },
  },
];
