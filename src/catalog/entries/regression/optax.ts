/**
 * optax's regression losses (optax.losses.*, with the deprecated top-level optax.* aliases):
 * squared_error, l2_loss, huber_loss and log_cosh. All are elementwise and unreduced.
 */
import { optional, tensorArg } from '../../params.js';
import type { LossEntry, Param } from '../../types.js';
import { family } from './families.js';

const DOCS = 'https://optax.readthedocs.io/en/latest/api/losses.html';
const UNREDUCED = 'Unreduced: returns one loss per element; take jnp.mean (or a masked mean) yourself.';
const FLOAT_ONLY = 'Predictions must be floating point; integer predictions raise ("Expected the input to have a dtype that is a subdtype of … floating").';
const BROADCASTS =
  'Targets are broadcast with NumPy rules and no warning: (N, 1) predictions against (N,) targets give an (N, N) result. squared_error and l2_loss refuse such pairs instead.';

function call(targetsDoc: string, extra: Param[] = []): Param[] {
  return [
    tensorArg('predictions', 'prediction', 'Predictions, any shape (floating point).'),
    optional('targets', 'tensor', null, targetsDoc, { role: 'target' }),
    ...extra,
  ];
}

const SAME_SHAPE_TARGETS = "Targets with exactly the predictions' shape; None means zeros.";
const BROADCAST_TARGETS = 'Targets broadcastable to the predictions; None means zeros.';
const SQUARED = family('squared-error');
const HUBER = family('huber');
const LOG_COSH = family('log-cosh');

export const entries: LossEntry[] = [
  {
    id: 'optax.losses.squared_error',
    aliases: ['optax.squared_error'],
    framework: 'optax',
    kind: 'function',
    family: 'squared-error',
    summary: 'Elementwise squared error (p − t)², unreduced.',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    call: call(SAME_SHAPE_TARGETS),
    formula: 'ℓ = (p − t)²  (elementwise, no reduction; t = 0 when targets is None)',
    intuition: SQUARED.intuition,
    useWhen: SQUARED.useWhen,
    avoidWhen: SQUARED.avoidWhen,
    pitfalls: [
      UNREDUCED,
      'Targets must have exactly the predictions\' shape: optax refuses to broadcast ("Shape mismatch: got (4, 3) and (3,)."), unlike huber_loss and log_cosh.',
      'optax.losses.l2_loss is half of this.',
      FLOAT_ONLY,
    ],
    equivalents: [
      { api: 'optax.losses.l2_loss', note: '0.5·(p − t)².' },
      { api: 'torch.nn.functional.mse_loss', note: "with reduction='none'." },
    ],
    docs: `${DOCS}#optax.losses.squared_error`,
    kernel: { computed: true },
  },
  {
    id: 'optax.losses.l2_loss',
    aliases: ['optax.l2_loss'],
    framework: 'optax',
    kind: 'function',
    family: 'squared-error',
    summary: 'Half the elementwise squared error, 0.5·(p − t)², unreduced.',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    call: call(SAME_SHAPE_TARGETS),
    formula: 'ℓ = ½·(p − t)²  (elementwise, no reduction; t = 0 when targets is None)',
    intuition: `${SQUARED.intuition} The ½ makes the gradient exactly p − t.`,
    useWhen: SQUARED.useWhen,
    avoidWhen: SQUARED.avoidWhen,
    pitfalls: [
      'Half of squared_error: loss values are not comparable with MSE from torch or Keras without the factor 2, and the effective learning rate is halved.',
      UNREDUCED,
      'Targets must have exactly the predictions\' shape ("Shape mismatch: …"); there is no broadcasting.',
      FLOAT_ONLY,
    ],
    equivalents: [
      { api: 'optax.losses.squared_error', note: 'twice this.' },
      { api: 'tf.nn.l2_loss', note: 'sums ½·t² over every element of one tensor (pass the residual).' },
    ],
    docs: `${DOCS}#optax.losses.l2_loss`,
    kernel: { computed: true },
  },
  {
    id: 'optax.losses.huber_loss',
    aliases: ['optax.huber_loss'],
    framework: 'optax',
    kind: 'function',
    family: 'huber',
    summary: 'Elementwise Huber loss: ½e² up to δ, then linear with slope δ; unreduced.',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    call: call(BROADCAST_TARGETS, [
      optional(
        'delta',
        'number',
        1.0,
        'δ, where the loss turns from quadratic to linear (keyword-only). optax also accepts an array broadcast against the errors; Loss Lens takes a number.',
        { keywordOnly: true },
      ),
    ]),
    formula: 'e = p − t;  q = min(|e|, δ);  ℓ = ½·q² + δ·(|e| − q)  (elementwise, no reduction)',
    intuition: `${HUBER.intuition} Gradient descent on it is l2_loss with gradients clipped to [−δ, δ].`,
    useWhen: HUBER.useWhen,
    avoidWhen: HUBER.avoidWhen,
    pitfalls: [UNREDUCED, 'delta is keyword-only: huber_loss(p, t, delta=2.0), not huber_loss(p, t, 2.0).', BROADCASTS, FLOAT_ONLY],
    equivalents: [
      { api: 'torch.nn.functional.huber_loss', note: "same values with reduction='none'." },
      { api: 'keras.losses.huber', note: 'same elementwise values, averaged over the last axis.' },
      { api: 'torch.nn.functional.smooth_l1_loss', note: 'smooth_l1(β) = huber(δ = β) / β.' },
    ],
    docs: `${DOCS}#optax.losses.huber_loss`,
    kernel: { computed: true },
  },
  {
    id: 'optax.losses.log_cosh',
    aliases: ['optax.log_cosh'],
    framework: 'optax',
    kind: 'function',
    family: 'log-cosh',
    summary: 'Elementwise log(cosh(p − t)), computed stably; unreduced.',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    call: call(BROADCAST_TARGETS),
    formula: 'e = p − t;  ℓ = logaddexp(e, −e) − log 2 = log cosh e  (elementwise, no reduction)',
    intuition: LOG_COSH.intuition,
    useWhen: LOG_COSH.useWhen,
    avoidWhen: LOG_COSH.avoidWhen,
    pitfalls: [
      UNREDUCED,
      BROADCASTS,
      'Infinite errors of either sign give ∞ (Keras\' form gives NaN at e = −∞); the gradient is tanh(e).',
      FLOAT_ONLY,
    ],
    equivalents: [{ api: 'keras.losses.log_cosh', note: 'averaged over the last axis; NaN at e = −∞.' }],
    docs: `${DOCS}#optax.losses.log_cosh`,
    kernel: { computed: true },
  },
];
