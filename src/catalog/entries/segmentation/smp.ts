/**
 * segmentation_models_pytorch's segmentation losses: DiceLoss, JaccardLoss, TverskyLoss,
 * LovaszLoss and MCCLoss (smp ≥ 0.4 semantics; a pinned version before 0.4 gives the older
 * Dice/Jaccard/Tversky intersection). FocalLoss, SoftBCEWithLogitsLoss and SoftCrossEntropyLoss
 * are catalogued with the classification group.
 */
import { optional, param, tensorArg } from '../../params.js';
import type { LossEntry, Param } from '../../types.js';
import { family } from './families.js';
import { familyProse } from '../../familyDocs.js';

const DOCS = 'https://smp.readthedocs.io/en/latest/losses.html';

const modeParam = param('mode', 'string', "'binary' (one mask, every channel of a sample pooled), 'multiclass' (softmax over dim 1, (N, H, W) class-id targets) or 'multilabel' (one sigmoid mask per channel).", {
  choices: ['binary', 'multiclass', 'multilabel'],
});

function overlapInit(extra: Param[] = []): Param[] {
  return [
    modeParam,
    optional('classes', 'ints', null, 'Indices of the per-class losses to average (Python indexing: negatives count from the end, repeats count twice); None uses every channel. Not allowed with mode=\'binary\'.'),
    optional('log_loss', 'bool', false, 'True: −log(clamp_min(score, eps)) instead of 1 − score.'),
    optional('from_logits', 'bool', true, 'True: y_pred holds logits and gets exp(log_softmax) (multiclass) or exp(logsigmoid) (otherwise); False: probabilities used as given.'),
    optional('smooth', 'number', 0.0, 'Added to the numerator and the denominator of the score.'),
    optional('ignore_index', 'int', null, 'Target value whose pixels are zeroed in both prediction and target (they still count as pixels, but add nothing to the sums).'),
    optional('eps', 'number', 1e-7, 'Lower clamp of the denominator (and of the score inside the log with log_loss).'),
    ...extra,
  ];
}

const CALL: Param[] = [
  tensorArg('y_pred', 'prediction', 'Logits (or probabilities with from_logits=False), shape (N, C, H, W) or (N, C, *).'),
  tensorArg('y_true', 'target', "multiclass: int64 class ids (N, H, W); binary: a mask with as many elements per sample as y_pred; multilabel: (N, C, H, W) masks."),
];

const OVERLAP_PITFALLS = [
  'The sums run over the batch and the pixels together (dims (0, 2)): there is no per-image score, so one large image dominates a batch of small ones.',
  'A class absent from the target (Σt = 0) contributes 0 but still counts in the mean: a batch missing most classes gets a small loss however bad the prediction is on them.',
  "from_logits defaults to True: a model built with activation='sigmoid'/'softmax' gets the activation twice and the loss can never reach 0.",
  "smp 0.4 changed the intersection to (Σp + Σt − Σ|p − t|)/2 (PR #927): identical to Σp·t for hard 0/1 targets, different for soft targets or label smoothing; pin version \"0.3.3\" to reproduce older runs.",
  "mode='binary' flattens every channel of a sample into one mask; use 'multilabel' for one mask per channel.",
  'Multiclass targets must be int64 class ids without ignore_index (one_hot raises "one_hot is only applicable to index tensor."), and ids ≥ C raise "Class values must be smaller than num_classes.".',
];

const TVERSKY_FORMULA_NOTE = 'I = (Σp + Σt − Σ|p − t|)/2 (smp ≥ 0.4; Σp·t before), FP = Σp − I, FN = Σt − I, sums per class over batch and pixels';

export const entries: LossEntry[] = [
  {
    id: 'segmentation_models_pytorch.losses.DiceLoss',
    aliases: ['smp.losses.DiceLoss', 'segmentation_models_pytorch.losses.dice.DiceLoss'],
    framework: 'smp',
    kind: 'class',
    family: 'dice',
    summary: 'Soft Dice loss per class with batch and pixels pooled, absent classes zeroed, averaged over classes.',
    tasks: ['semantic-segmentation'],
    input: 'logits',
    inputSwitch: { param: 'from_logits', whenTrue: 'logits', whenFalse: 'probabilities' },
    target: ['class-index-mask', 'binary-mask'],
    init: overlapInit(),
    call: CALL,
    formula:
      `score_c = (I + s) / clamp_min(½Σp + ½Σt + s, eps)  with ${TVERSKY_FORMULA_NOTE};  smp < 0.4: (2Σp·t + s)/clamp_min(Σp + Σt + s, eps);  ` +
      'ℓ_c = 1 − score_c (or −log clamp_min(score_c, eps)),  ℓ_c ·= [Σt_c > 0],  loss = mean over `classes`',
    ...familyProse(family('dice')),
    pitfalls: [
      ...OVERLAP_PITFALLS,
      'Since smp 0.4 smooth enters as (I + s)/(½(Σp + Σt) + s): the same smooth is worth twice as much as in the textbook (2I + s)/(Σp + Σt + s).',
      'An empty prediction against an empty target gives loss 0 (masked out), where keras.losses.Dice gives 1.',
    ],
    equivalents: [
      { api: 'segmentation_models_pytorch.losses.TverskyLoss', note: 'alpha = beta = 0.5, gamma = 1.' },
      { api: 'segmentation_models_pytorch.losses.JaccardLoss', note: 'the IoU counterpart with the same pooling and masking.' },
    ],
    docs: `${DOCS}#diceloss`,
    kernel: { computed: true },
  },
  {
    id: 'segmentation_models_pytorch.losses.JaccardLoss',
    aliases: ['smp.losses.JaccardLoss', 'segmentation_models_pytorch.losses.jaccard.JaccardLoss'],
    framework: 'smp',
    kind: 'class',
    family: 'iou',
    summary: 'Soft IoU (Jaccard) loss per class with batch and pixels pooled, absent classes zeroed, averaged over classes.',
    tasks: ['semantic-segmentation'],
    input: 'logits',
    inputSwitch: { param: 'from_logits', whenTrue: 'logits', whenFalse: 'probabilities' },
    target: ['class-index-mask', 'binary-mask'],
    init: overlapInit(),
    call: CALL,
    formula:
      `score_c = (I + s) / clamp_min(Σp + Σt − I + s, eps)  with ${TVERSKY_FORMULA_NOTE};  ` +
      'ℓ_c = 1 − score_c (or −log clamp_min(score_c, eps)),  ℓ_c ·= [Σt_c > 0],  loss = mean over `classes`',
    ...familyProse(family('iou')),
    pitfalls: [
      ...OVERLAP_PITFALLS,
      'ignore_index was added to JaccardLoss in 2025 (PR #1151); earlier releases reject it with TypeError, so masks with void pixels silently count them as background there.',
    ],
    equivalents: [
      { api: 'segmentation_models_pytorch.losses.TverskyLoss', note: 'alpha = beta = 1, gamma = 1.' },
      { api: 'segmentation_models_pytorch.losses.LovaszLoss', note: 'optimises the Jaccard index through its Lovász extension instead of a soft relaxation.' },
    ],
    docs: `${DOCS}#jaccardloss`,
    kernel: { computed: true },
  },
  {
    id: 'segmentation_models_pytorch.losses.TverskyLoss',
    aliases: ['smp.losses.TverskyLoss', 'segmentation_models_pytorch.losses.tversky.TverskyLoss'],
    framework: 'smp',
    kind: 'class',
    family: 'tversky',
    summary: 'Tversky loss (DiceLoss with α-weighted false positives and β-weighted false negatives), mean over classes raised to γ.',
    tasks: ['semantic-segmentation'],
    input: 'logits',
    inputSwitch: { param: 'from_logits', whenTrue: 'logits', whenFalse: 'probabilities' },
    target: ['class-index-mask', 'binary-mask'],
    init: overlapInit([
      optional('alpha', 'number', 0.5, 'Weight of the false positives FP = Σp − I.'),
      optional('beta', 'number', 0.5, 'Weight of the false negatives FN = Σt − I.'),
      optional('gamma', 'number', 1.0, 'Exponent of the final mean (focal Tversky); applied once to the class mean, not per class.'),
    ]),
    call: CALL,
    formula:
      `score_c = (I + s) / clamp_min(I + α·FP + β·FN + s, eps)  with ${TVERSKY_FORMULA_NOTE};  ` +
      'ℓ_c = 1 − score_c (or −log clamp_min(score_c, eps)),  ℓ_c ·= [Σt_c > 0],  loss = (mean over `classes`)^γ',
    ...familyProse(family('tversky')),
    pitfalls: [
      ...OVERLAP_PITFALLS,
      'gamma raises the mean over classes, not each class loss: it is not the per-class focal Tversky loss of Abraham & Khan (2019).',
      'With gamma < 1 and a loss of exactly 0 (perfect prediction, or every class absent) the gradient is infinite times 0 = NaN, as torch gives.',
    ],
    equivalents: [
      { api: 'segmentation_models_pytorch.losses.DiceLoss', note: 'alpha = beta = 0.5, gamma = 1.' },
      { api: 'keras.losses.Tversky', note: 'Keras has no smoothing or class masking, and its alpha weights the false negatives.' },
    ],
    docs: `${DOCS}#tverskyloss`,
    kernel: { computed: true },
  },
  {
    id: 'segmentation_models_pytorch.losses.LovaszLoss',
    aliases: ['smp.losses.LovaszLoss', 'segmentation_models_pytorch.losses.lovasz.LovaszLoss'],
    framework: 'smp',
    kind: 'class',
    family: 'lovasz',
    summary: 'Lovász hinge (binary/multilabel, on logits) or Lovász-softmax over present classes (multiclass), per batch or per image.',
    tasks: ['semantic-segmentation'],
    input: 'logits',
    target: ['class-index-mask', 'binary-mask'],
    init: [
      modeParam,
      optional('per_image', 'bool', false, 'True: one loss per element of the first dimension, then their mean; False: the whole batch as one set of pixels.'),
      optional('ignore_index', 'int', null, 'Target value whose pixels are removed before sorting.'),
      optional('from_logits', 'bool', true, 'Accepted but ignored: the hinge always reads logits and multiclass always applies softmax.'),
    ],
    call: [
      tensorArg('y_pred', 'prediction', 'Logits: (N, C, H, W) for multiclass, any shape for binary/multilabel.'),
      tensorArg('y_true', 'target', 'multiclass: class ids (N, H, W); binary/multilabel: 0/1 masks with as many elements as y_pred.'),
    ],
    formula:
      'hinge: m = 1 − x·(2y − 1), sorted decreasingly, ℓ = Σᵢ relu(m₍ᵢ₎)·g(y₍ᵢ₎)ᵢ;  softmax: p = softmax(x, 1), per present class c: m = |[y = c] − p_c| sorted, ℓ_c = Σᵢ m₍ᵢ₎·g([y = c]₍ᵢ₎)ᵢ, ℓ = mean over present classes;  ' +
      'g(gt)ᵢ = J(i) − J(i − 1), J(i) = 1 − (Σgt − Σ_{≤i} gt)/(Σgt + Σ_{≤i}(1 − gt));  per_image: mean over images',
    ...familyProse(family('lovasz')),
    pitfalls: [
      'from_logits is ignored: passing probabilities to the binary hinge (e.g. a model with activation="sigmoid") silently trains on the wrong scale, and multiclass applies softmax even to probabilities.',
      'per_image defaults to False (one IoU for the whole batch), unlike the reference implementation\'s lovasz_hinge(per_image=True).',
      'A 3-D multiclass prediction (N, C, L) is read as one class of shape (C, L) and raises "Sigmoid output possible only with 1 class".',
      'With every pixel ignored the multiclass loss is an empty (0, C) tensor, not 0; per image, an all-ignored image after a normal one raises torch\'s in-place broadcast error.',
      'The gradient is piecewise constant and depends on the sort order; tied errors share it in whatever order torch\'s sort leaves them.',
    ],
    equivalents: [{ api: 'segmentation_models_pytorch.losses.JaccardLoss', note: 'a soft relaxation of the same Jaccard index, smooth and pooled per class.' }],
    docs: `${DOCS}#lovaszloss`,
    kernel: { computed: true },
  },
  {
    id: 'segmentation_models_pytorch.losses.MCCLoss',
    aliases: ['smp.losses.MCCLoss', 'segmentation_models_pytorch.losses.mcc.MCCLoss'],
    framework: 'smp',
    kind: 'class',
    family: 'matthews',
    summary: '1 − Matthews correlation of soft TP/TN/FP/FN counted over the whole batch (binary masks, probabilities).',
    tasks: ['semantic-segmentation', 'binary-classification'],
    input: 'probabilities',
    target: ['binary-mask'],
    init: [optional('eps', 'number', 1e-5, 'Added to each of TP, TN, FP and FN, so a one-class batch does not divide by zero.')],
    call: [
      tensorArg('y_pred', 'prediction', 'Probabilities (after a sigmoid), e.g. (N, 1, H, W).'),
      tensorArg('y_true', 'target', 'Binary mask with as many elements per sample as y_pred.'),
    ],
    formula: 'TP = Σp·t + ε, TN = Σ(1 − p)(1 − t) + ε, FP = Σp(1 − t) + ε, FN = Σ(1 − p)t + ε over the whole batch;  ℓ = 1 − (TP·TN − FP·FN)/√((TP + FP)(TP + FN)(TN + FP)(TN + FN))',
    ...familyProse(family('matthews')),
    pitfalls: [
      'No activation is applied: y_pred must already be probabilities (logits give values outside [0, 2] and meaningless gradients).',
      'The counts pool the whole batch; there is no per-image MCC and no mode argument (binary only).',
      'The loss lies in [0, 2]; 1 means no correlation, not the worst case.',
    ],
    equivalents: [{ api: 'segmentation_models_pytorch.losses.DiceLoss', note: "mode='binary': ignores true negatives, which MCC rewards." }],
    docs: `${DOCS}#mccloss`,
    kernel: { computed: true },
  },
];
