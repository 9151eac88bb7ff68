/**
 * Keras 3 overlap losses: Dice, Tversky and IoU, each as a class, a function and the
 * compile() string Keras registers for the function (keras.losses.get looks names up by
 * __name__). No smoothing and no activation: probabilities in, epsilon 1e-7 in the denominator.
 */
import { kerasBaseInit, kerasClassCall, kerasFunctionCall, optional } from '../../params.js';
import type { Equivalent, FamilyId, LossEntry, Param } from '../../types.js';
import { family } from './families.js';

const DOCS = 'https://keras.io/api/losses/';

const Y_TRUE = 'Target masks (0/1 or soft), same shape as y_pred (the class form also accepts a trailing 1 on either side).';
const Y_PRED = 'Probabilities (apply sigmoid/softmax first: there is no from_logits).';

const axisParam = optional('axis', 'axis', null, 'Axes the sums run over; None (default) sums over every axis, batch included, giving one scalar. Pass e.g. (1, 2, 3) for one value per sample.');

const SHARED_PITFALLS = [
  'axis=None (the default) pools the whole batch into one scalar, so sample_weight and the reduction have nothing per-sample to act on; pass axis=(1, 2, 3) for per-image losses averaged by the reduction.',
  'No from_logits: feeding logits gives values outside [0, 1] and a meaningless loss.',
  'The only smoothing is keras.config.epsilon() = 1e-7 in the denominator: an empty prediction on an empty mask gives loss 1 (smp gives 0, optax with smooth = 1 gives 0).',
  'Computed in floatx (float32 by default); Loss Lens computes in float64.',
];

interface Spec {
  className: string;
  fnName: string;
  family: FamilyId;
  options: Param[];
  formula: string;
  classSummary: string;
  fnSummary: string;
  pitfalls: string[];
  equivalents: Equivalent[];
  anchor: string;
}

function kerasEntries(s: Spec): LossEntry[] {
  const f = family(s.family);
  const common = {
    framework: 'keras' as const,
    family: s.family,
    tasks: ['semantic-segmentation' as const],
    input: 'probabilities' as const,
    target: ['binary-mask' as const, 'one-hot' as const],
    formula: s.formula,
    intuition: f.intuition,
    useWhen: f.useWhen,
    avoidWhen: f.avoidWhen,
    docs: `${DOCS}${s.anchor}`,
    kernel: { computed: true } as const,
  };
  const classId = `keras.losses.${s.className}`;
  const fnId = `keras.losses.${s.fnName}`;
  return [
    {
      ...common,
      id: classId,
      aliases: [`tf.keras.losses.${s.className}`, `keras.src.losses.${s.className}`, `keras.src.losses.losses.${s.className}`],
      kind: 'class',
      summary: s.classSummary,
      init: [...s.options, axisParam, ...kerasBaseInit(s.fnName)],
      call: kerasClassCall(Y_TRUE, Y_PRED),
      pitfalls: [...s.pitfalls, ...SHARED_PITFALLS],
      equivalents: [{ api: fnId, note: 'the function: the same values, no rank alignment, sample_weight or reduction.' }, ...s.equivalents],
    },
    {
      ...common,
      id: fnId,
      aliases: [`tf.keras.losses.${s.fnName}`, `keras.src.losses.${s.fnName}`, `keras.src.losses.losses.${s.fnName}`],
      kind: 'function',
      summary: s.fnSummary,
      call: [...kerasFunctionCall(Y_TRUE, Y_PRED), ...s.options, axisParam],
      pitfalls: [...s.pitfalls, ...SHARED_PITFALLS],
      equivalents: [{ api: classId, note: 'the class: the same values, then sample_weight and the reduction.' }, ...s.equivalents],
    },
    {
      ...common,
      id: s.fnName,
      // keras.losses.get also resolves the class name, instantiated with its defaults: the same loss.
      aliases: [s.className],
      kind: 'string',
      summary: `loss='${s.fnName}' (or '${s.className}') in compile(): keras.losses.${s.fnName} with its defaults (axis=None, one scalar per batch).`,
      call: kerasClassCall(Y_TRUE, Y_PRED),
      pitfalls: [...s.pitfalls, ...SHARED_PITFALLS],
      equivalents: [{ api: classId, note: 'the class form, which accepts axis and a reduction.' }],
    },
  ];
}

export const entries: LossEntry[] = [
  ...kerasEntries({
    className: 'Dice',
    fnName: 'dice',
    family: 'dice',
    options: [],
    formula: 'ℓ = 1 − 2·Σ(y·p) / (Σy + Σp + 1e-7), sums over `axis` (all axes when None)',
    classSummary: 'Keras Dice loss: 1 − 2Σyp/(Σy + Σp + ε) over `axis` (all axes by default), then sample_weight and the reduction.',
    fnSummary: 'Keras dice function: 1 − 2Σyp/(Σy + Σp + ε) over `axis`, unreduced.',
    pitfalls: [],
    equivalents: [
      { api: 'segmentation_models_pytorch.losses.DiceLoss', note: 'per class with batch pooled, absent classes zeroed, logits by default, smooth in numerator and denominator.' },
      { api: 'keras.losses.Tversky', note: 'alpha = beta = 0.5 gives the same value.' },
    ],
    anchor: 'dice-class',
  }),
  ...kerasEntries({
    className: 'Tversky',
    fnName: 'tversky',
    family: 'tversky',
    options: [
      optional('alpha', 'number', 0.5, 'Documented as the false-positive weight, but multiplies Σ(1 − p)·y, the missed foreground (false negatives).'),
      optional('beta', 'number', 0.5, 'Documented as the false-negative weight, but multiplies Σp·(1 − y), the false positives.'),
    ],
    formula: 'I = Σy·p,  ℓ = 1 − I / (I + α·Σ(1 − p)·y + β·Σp·(1 − y) + 1e-7), sums over `axis` (all axes when None)',
    classSummary: 'Keras Tversky loss over `axis` (all axes by default), then sample_weight and the reduction.',
    fnSummary: 'Keras tversky function: 1 − I/(I + α·FN + β·FP + ε) over `axis`, unreduced.',
    pitfalls: [
      'alpha and beta are swapped relative to the docstring and to smp/optax: in Keras alpha weights the false negatives Σ(1 − p)·y and beta the false positives. To favour recall (penalise misses), raise alpha, not beta.',
      'Older Keras 3 releases have no axis argument and always flatten everything (the axis=None behaviour).',
    ],
    equivalents: [
      { api: 'segmentation_models_pytorch.losses.TverskyLoss', note: 'swap alpha and beta; smp adds smooth, per-class pooling and class masking.' },
      { api: 'keras.losses.Dice', note: 'alpha = beta = 0.5.' },
    ],
    anchor: 'tversky-class',
  }),
  ...kerasEntries({
    className: 'IoU',
    fnName: 'iou',
    family: 'iou',
    options: [],
    formula: 'I = Σy·p,  ℓ = 1 − I / (Σy + Σp − I + 1e-7), sums over `axis` (all axes when None)',
    classSummary: 'Keras IoU (Jaccard) loss over `axis` (all axes by default), then sample_weight and the reduction.',
    fnSummary: 'Keras iou function: 1 − I/(Σy + Σp − I + ε) over `axis`, unreduced.',
    pitfalls: ['Only in recent Keras 3 releases (keras.losses.IoU); older ones raise AttributeError or "Could not interpret loss identifier: iou".'],
    equivalents: [{ api: 'segmentation_models_pytorch.losses.JaccardLoss', note: 'per class with batch pooled, absent classes zeroed, logits by default.' }],
    anchor: 'iou-class',
  }),
];
