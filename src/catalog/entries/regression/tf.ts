/**
 * TensorFlow's regression ops (tf.nn.l2_loss, tf.nn.log_poisson_loss) and TensorFlow Addons'
 * pinball (quantile) loss.
 */
import { kerasClassCall, kerasFunctionCall, optional, tensorArg } from '../../params.js';
import type { LossEntry, Param } from '../../types.js';
import { family } from './families.js';

const NAME: Param = optional('name', 'string', null, 'Name of the TensorFlow op (no effect on the values).');
const SQUARED = family('squared-error');
const POISSON = family('poisson-nll');
const QUANTILE = family('quantile');

const TFA_DOCS = 'https://www.tensorflow.org/addons/api_docs/python/tfa/losses/';
const TAU_DOC =
  'τ in [0, 1], the quantile to estimate (default 0.5, the median), or a tensor of shape (d₀, …, d_N) giving one τ per output (a multi-quantile head); a leading batch axis is added before broadcasting.';
const PINBALL_PITFALLS = [
  'Sign convention: d = y_true − y_pred, so under-predicting costs τ per unit. τ = 0.9 pushes predictions up to the 90th percentile; code that defines d = y_pred − y_true with the same τ learns the 10th.',
  'τ = 0.5 gives half the absolute error (not MAE itself), so its values are half of MeanAbsoluteError\'s.',
  'With a τ tensor, the per-sample loss averages over the quantile (last) axis: y_pred (N, K) with τ of shape (K,) and y_true (N, 1) trains K quantiles at once, but nothing stops them from crossing.',
  'TensorFlow Addons is end-of-life and built on tf.keras 2 (TF ≤ 2.15): it does not run on Keras 3.',
];
const PINBALL_FORMULA = 'd = y_true − y_pred;  ℓ = max(τ·d, (τ − 1)·d)  (τ broadcast with a leading batch axis);  per sample: mean over the last axis';

export const entries: LossEntry[] = [
  {
    id: 'tf.nn.l2_loss',
    aliases: ['tf.compat.v1.nn.l2_loss'],
    framework: 'tensorflow',
    kind: 'function',
    family: 'squared-error',
    summary: 'Half the sum of squares of one tensor, Σ t²/2, as a single scalar.',
    tasks: ['regression'],
    input: 'real',
    target: ['none'],
    call: [tensorArg('t', 'prediction', 'Any floating-point tensor: a residual (prediction − target) or a weight tensor.'), NAME],
    formula: 'output = Σ t² / 2  (one scalar over every element)',
    intuition: `${SQUARED.intuition} Its most common use is weight decay: l2_loss(w) summed over the weights.`,
    useWhen: `${SQUARED.useWhen} Pass the residual yourself; also used as an L2 penalty on parameters.`,
    avoidWhen: SQUARED.avoidWhen,
    pitfalls: [
      'It takes one tensor: l2_loss(predictions) measures the size of the predictions, not an error. Pass predictions − targets.',
      'A half sum, not a mean: it grows with the batch size and the number of elements. Divide by the count and double it to compare with MSE.',
      'Only half, bfloat16, float32 and float64 are accepted; an integer tensor raises ("Value for attr \'T\' of int32 is not in the list of allowed values").',
    ],
    equivalents: [
      { api: 'optax.losses.l2_loss', note: 'the same ½·e² elementwise; sum it to match.' },
      { api: 'torch.nn.functional.mse_loss', note: "½ × reduction='sum' on the residual." },
    ],
    docs: 'https://www.tensorflow.org/api_docs/python/tf/nn/l2_loss',
    kernel: { computed: true },
  },
  {
    id: 'tf.nn.log_poisson_loss',
    aliases: ['tf.compat.v1.nn.log_poisson_loss'],
    framework: 'tensorflow',
    kind: 'function',
    family: 'poisson-nll',
    summary: 'Elementwise Poisson negative log-likelihood of counts given log-rates, optionally with Stirling\'s log(z!) term; unreduced.',
    tasks: ['count-regression'],
    input: 'log-rate',
    target: ['counts'],
    call: [
      tensorArg('targets', 'target', 'Observed counts z, with the same shape and dtype as log_input.'),
      tensorArg('log_input', 'prediction', 'Log-rates c = log λ (float32 or float64).'),
      optional(
        'compute_full_loss',
        'bool',
        false,
        "Add Stirling's approximation of log(z!), z·log z − z + ½·log(2πz), except where 0 ≤ z ≤ 1. Changes values, not gradients.",
      ),
      NAME,
    ],
    formula: 'ℓ = exp(c) − c·z  (+ z·log z − z + ½·log(2π·z) where not 0 ≤ z ≤ 1, with compute_full_loss)  (elementwise, no reduction)',
    intuition: POISSON.intuition,
    useWhen: POISSON.useWhen,
    avoidWhen: POISSON.avoidWhen,
    pitfalls: [
      'The order is (targets, log_input), the reverse of torch\'s (input, target): pass them by keyword.',
      'log_input is a log-rate: passing a rate computes exp(rate) and trains the wrong model silently.',
      'No broadcasting or dtype promotion: shapes must match ("`log_input` and `targets` must have the same shape") and integer counts must be cast to log_input\'s float dtype first.',
      "compute_full_loss masks the Stirling term where 0 ≤ z ≤ 1, so a negative target gives NaN; torch's full=True masks every y ≤ 1.",
      'Unreduced: wrap it in tf.reduce_mean (or a weighted mean) yourself.',
    ],
    equivalents: [
      { api: 'torch.nn.functional.poisson_nll_loss', note: "log_input=True, reduction='none'; full=True masks y ≤ 1 instead of 0 ≤ y ≤ 1." },
      { api: 'keras.losses.poisson', note: 'takes rates (not log-rates), averaged over the last axis.' },
    ],
    docs: 'https://www.tensorflow.org/api_docs/python/tf/nn/log_poisson_loss',
    kernel: { computed: true },
  },
  {
    id: 'tfa.losses.PinballLoss',
    aliases: ['tensorflow_addons.losses.PinballLoss', 'tfa.losses.quantiles.PinballLoss'],
    framework: 'tfa',
    kind: 'class',
    family: 'quantile',
    summary: 'Pinball (quantile) loss for the τ-quantile, averaged over the last axis per sample, then reduced (tf.keras 2 loss).',
    tasks: ['quantile-regression', 'regression'],
    input: 'real',
    target: ['real'],
    init: [
      { name: 'tau', type: 'tensor-or-number', default: 0.5, doc: TAU_DOC },
      optional(
        'reduction',
        'string',
        'auto',
        "Keras 2 reduction: 'auto' (default, = 'sum_over_batch_size': sum / number of weighted values, 0 when empty), 'sum_over_batch_size', 'sum' or 'none'.",
      ),
      optional('name', 'string', 'pinball_loss', 'Name of the loss instance.'),
    ],
    call: kerasClassCall('Ground-truth values, shape (batch, d₀, …, d_N).', 'Predicted quantiles, same shape (a trailing 1 on either side is squeezed).'),
    formula: `${PINBALL_FORMULA}, then Keras 2 sample weighting and reduction`,
    intuition: QUANTILE.intuition,
    useWhen: QUANTILE.useWhen,
    avoidWhen: QUANTILE.avoidWhen,
    pitfalls: [
      ...PINBALL_PITFALLS,
      "Reductions are Keras 2's ('auto', 'none', 'sum', 'sum_over_batch_size'); anything else raises \"Invalid Reduction Key\".",
    ],
    equivalents: [
      { api: 'tfa.losses.pinball_loss', note: 'the per-sample function it wraps.' },
      { api: 'keras.losses.MeanAbsoluteError', note: 'τ = 0.5 gives half of it.' },
      { api: 'torch.nn.L1Loss', note: 'τ = 0.5 gives half of it (torch averages all elements).' },
    ],
    docs: `${TFA_DOCS}PinballLoss`,
    kernel: { computed: true },
  },
  {
    id: 'tfa.losses.pinball_loss',
    aliases: ['tensorflow_addons.losses.pinball_loss', 'tfa.losses.quantiles.pinball_loss'],
    framework: 'tfa',
    kind: 'function',
    family: 'quantile',
    summary: 'Per-sample pinball (quantile) loss averaged over the last axis (unreduced over the batch).',
    tasks: ['quantile-regression', 'regression'],
    input: 'real',
    target: ['real'],
    call: [
      ...kerasFunctionCall('Ground-truth values, shape (batch, d₀, …, d_N).', 'Predicted quantiles, same shape (no squeezing: shapes broadcast).'),
      { name: 'tau', type: 'tensor-or-number', default: 0.5, doc: TAU_DOC },
    ],
    formula: PINBALL_FORMULA,
    intuition: QUANTILE.intuition,
    useWhen: QUANTILE.useWhen,
    avoidWhen: QUANTILE.avoidWhen,
    pitfalls: [...PINBALL_PITFALLS, 'The function does not squeeze: (N,) targets against (N, 1) predictions broadcast to (N, N).'],
    equivalents: [
      { api: 'tfa.losses.PinballLoss', note: 'adds sample weights and a reduction.' },
      { api: 'keras.losses.mean_absolute_error', note: 'τ = 0.5 gives half of it.' },
    ],
    docs: `${TFA_DOCS}pinball_loss`,
    kernel: { computed: true },
  },
];
