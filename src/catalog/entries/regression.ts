/**
 * Regression losses: squared and absolute error, Huber / smooth L1, log-cosh, percentage and
 * log errors, Poisson and Gaussian likelihoods, quantile (pinball).
 */
import {
  kerasBaseInit,
  kerasClassCall,
  kerasFunctionCall,
  optional,
  tensorArg,
  torchInputTarget,
  torchLegacyReduction,
  torchReduction,
} from '../params.js';
import type { FamilyDoc, LossEntry } from '../types.js';

export const families: FamilyDoc[] = [
  {
    id: 'squared-error',
    title: 'Mean squared error (L2)',
    formula: 'ℓ = (ŷ − y)²,  MSE = (1/n)·Σᵢ (ŷᵢ − yᵢ)²',
    intuition:
      'Squares each residual, so an error twice as large costs four times as much. The minimiser is the conditional mean of ' +
      'the target, and the gradient 2(ŷ − y) shrinks as the prediction closes in, which makes training smooth near the optimum.',
    useWhen:
      'Regression of a continuous target whose noise is roughly Gaussian and free of gross outliers: prices, temperatures, ' +
      'coordinates, denoising and reconstruction targets.',
    avoidWhen:
      'The data has outliers or heavy tails (a few huge residuals dominate the sum: prefer Huber or MAE), the target spans ' +
      'orders of magnitude (regress its log or use MSLE), or the task is classification (use a cross-entropy).',
  },
];

const MSE_FORMULA_TORCH = 'ℓᵢ = (xᵢ − yᵢ)²;  mean: (1/n)·Σ ℓᵢ,  sum: Σ ℓᵢ,  none: ℓ';
const MSE_FORMULA_KERAS = 'per sample: (1/D)·Σ_d (y_pred − y_true)²  (mean over the last axis), then the Keras reduction';
const MSE_INTUITION = families[0]!.intuition;
const MSE_USE = families[0]!.useWhen;
const MSE_AVOID = families[0]!.avoidWhen;
const MSE_PITFALLS_TORCH = [
  'Input and target shapes that differ are silently broadcast (only a UserWarning): a (N, 1) prediction against a (N,) target ' +
    'computes an N×N matrix of errors. Reshape so the shapes match exactly.',
  "reduction='mean' averages over every element, not over the batch; multiply by the feature count to compare with a per-sample sum.",
  'An empty input gives NaN with the mean reduction (0/0).',
];
const MSE_PITFALLS_KERAS = [
  'Keras averages over the last axis first, so reduction="none" returns one value per sample (shape (N,)), not per element.',
  'A target of shape (N,) against predictions of shape (N, 1) is handled by squeezing; (N,) against (N, K) broadcasts every target over K outputs.',
  'An empty batch gives 0 under sum_over_batch_size (divide_no_nan), where torch gives NaN.',
];

export const entries: LossEntry[] = [
  {
    id: 'torch.nn.MSELoss',
    aliases: ['torch.nn.modules.loss.MSELoss'],
    framework: 'torch',
    kind: 'class',
    family: 'squared-error',
    summary: 'Mean squared error between input and target, reduced by mean (default), sum or none.',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    init: [...torchLegacyReduction(), torchReduction()],
    call: torchInputTarget('Predictions, any shape.', 'Targets, same shape as the input.'),
    formula: MSE_FORMULA_TORCH,
    intuition: MSE_INTUITION,
    useWhen: MSE_USE,
    avoidWhen: MSE_AVOID,
    pitfalls: MSE_PITFALLS_TORCH,
    equivalents: [
      { api: 'torch.nn.functional.mse_loss' },
      { api: 'keras.losses.MeanSquaredError', note: 'Keras averages the last axis per sample, then averages samples; equal for (N, D) inputs with the default reductions.' },
      { api: 'optax.losses.squared_error', note: 'unreduced; take jnp.mean yourself.' },
    ],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html',
    kernel: { computed: true },
  },
  {
    id: 'torch.nn.functional.mse_loss',
    aliases: [],
    framework: 'torch',
    kind: 'function',
    family: 'squared-error',
    summary: 'Functional form of MSELoss.',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    call: [
      ...torchInputTarget('Predictions, any shape.', 'Targets, same shape as the input.'),
      ...torchLegacyReduction(),
      torchReduction(),
    ],
    formula: MSE_FORMULA_TORCH,
    intuition: MSE_INTUITION,
    useWhen: MSE_USE,
    avoidWhen: MSE_AVOID,
    pitfalls: MSE_PITFALLS_TORCH,
    equivalents: [{ api: 'torch.nn.MSELoss' }, { api: 'keras.losses.mean_squared_error', note: 'returns per-sample means over the last axis.' }],
    docs: 'https://pytorch.org/docs/stable/generated/torch.nn.functional.mse_loss.html',
    kernel: { computed: true },
  },
  {
    id: 'keras.losses.MeanSquaredError',
    aliases: ['tf.keras.losses.MeanSquaredError', 'keras.src.losses.MeanSquaredError'],
    framework: 'keras',
    kind: 'class',
    family: 'squared-error',
    summary: 'Mean of squared errors over the last axis per sample, then reduced over the batch.',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    init: kerasBaseInit('mean_squared_error'),
    call: kerasClassCall('Ground-truth values, shape (batch, d0, …, dN).', 'Predicted values, same shape.'),
    formula: MSE_FORMULA_KERAS,
    intuition: MSE_INTUITION,
    useWhen: MSE_USE,
    avoidWhen: MSE_AVOID,
    pitfalls: MSE_PITFALLS_KERAS,
    equivalents: [
      { api: 'keras.losses.mean_squared_error', note: 'the per-sample function this class reduces.' },
      { api: 'torch.nn.MSELoss', note: 'torch averages all elements at once.' },
    ],
    docs: 'https://keras.io/api/losses/regression_losses/#meansquarederror-class',
    kernel: { computed: true },
  },
  {
    id: 'keras.losses.mean_squared_error',
    aliases: ['keras.losses.mse', 'keras.losses.MSE', 'tf.keras.losses.mean_squared_error', 'tf.keras.losses.mse', 'tf.keras.losses.MSE', 'keras.metrics.mean_squared_error'],
    framework: 'keras',
    kind: 'function',
    family: 'squared-error',
    summary: 'Per-sample mean squared error over the last axis (unreduced over the batch).',
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    call: kerasFunctionCall('Ground-truth values, shape (batch, d0, …, dN).', 'Predicted values, same shape.'),
    formula: 'loss = mean(square(y_true − y_pred), axis=−1)',
    intuition: MSE_INTUITION,
    useWhen: MSE_USE,
    avoidWhen: MSE_AVOID,
    pitfalls: MSE_PITFALLS_KERAS.slice(1),
    equivalents: [{ api: 'keras.losses.MeanSquaredError', note: 'adds sample weights and the batch reduction.' }],
    docs: 'https://keras.io/api/losses/regression_losses/#meansquarederror-function',
    kernel: { computed: true },
  },
  {
    id: 'mse',
    aliases: ['mean_squared_error', 'MSE', 'MeanSquaredError'],
    framework: 'keras',
    kind: 'string',
    family: 'squared-error',
    summary: "loss='mse' in compile(): mean_squared_error wrapped with the default sum_over_batch_size reduction.",
    tasks: ['regression'],
    input: 'real',
    target: ['real'],
    call: kerasClassCall('Ground-truth values.', 'Predicted values, same shape.'),
    formula: MSE_FORMULA_KERAS,
    intuition: MSE_INTUITION,
    useWhen: MSE_USE,
    avoidWhen: MSE_AVOID,
    pitfalls: MSE_PITFALLS_KERAS,
    equivalents: [{ api: 'keras.losses.MeanSquaredError' }],
    docs: 'https://keras.io/api/losses/regression_losses/#meansquarederror-function',
    kernel: { computed: true },
  },
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
    call: [
      tensorArg('predictions', 'prediction', 'Predictions, any shape.'),
      optional('targets', 'tensor', null, 'Targets broadcastable to the predictions; None means zeros.', { role: 'target' }),
    ],
    formula: 'ℓ = (p − t)²  (elementwise, no reduction)',
    intuition: MSE_INTUITION,
    useWhen: MSE_USE,
    avoidWhen: MSE_AVOID,
    pitfalls: ['Unreduced: call jnp.mean (or a masked mean) yourself.', 'optax.losses.l2_loss is half of this.'],
    equivalents: [{ api: 'optax.losses.l2_loss', note: '0.5·(p − t)².' }, { api: 'torch.nn.functional.mse_loss', note: "with reduction='none'." }],
    docs: 'https://optax.readthedocs.io/en/latest/api/losses.html#optax.losses.squared_error',
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
    call: [
      tensorArg('predictions', 'prediction', 'Predictions, any shape.'),
      optional('targets', 'tensor', null, 'Targets broadcastable to the predictions; None means zeros.', { role: 'target' }),
    ],
    formula: 'ℓ = ½·(p − t)²  (elementwise, no reduction)',
    intuition: MSE_INTUITION + ' The ½ makes the gradient exactly p − t.',
    useWhen: MSE_USE,
    avoidWhen: MSE_AVOID,
    pitfalls: ['Half of squared_error: loss values are not comparable with MSE from other frameworks without the factor 2.'],
    equivalents: [{ api: 'optax.losses.squared_error', note: 'twice this.' }],
    docs: 'https://optax.readthedocs.io/en/latest/api/losses.html#optax.losses.l2_loss',
    kernel: { computed: true },
  },
];
