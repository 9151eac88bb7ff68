/**
 * PyTorch's regression losses (torch.nn modules and torch.nn.functional forms, as in 1.13):
 * MSE, L1, Huber, smooth L1, Poisson NLL and Gaussian NLL.
 */
import { optional, tensorArg, torchInputTarget, torchLegacyReduction, torchReduction } from '../../params.js';
import type { Equivalent, FamilyId, LossEntry, Param, TaskKind } from '../../types.js';
import { family } from './families.js';

const DOCS = 'https://pytorch.org/docs/stable/generated/';

const INPUT_DOC = 'Predictions, any shape.';
const TARGET_DOC = 'Targets, same shape as the input (other shapes are broadcast with a warning).';

const BROADCAST_PITFALL =
  'Input and target shapes that differ are silently broadcast (only a UserWarning): a (N, 1) prediction against a (N,) target ' +
  'computes an N×N matrix of errors. Reshape so the shapes match exactly.';
const MEAN_PITFALL =
  "reduction='mean' averages over every element, not over the batch: with (N, D) inputs it is the per-sample mean averaged over samples, but a per-sample sum needs reduction='sum' / N.";
const EMPTY_PITFALL = "An empty input gives NaN with reduction='mean' (0/0) and 0 with 'sum'; Keras returns 0 for an empty batch.";

/** Reduction checked by the function itself, with torch's own message ("avg is not valid"). */
function selfCheckedReduction(): Param {
  return optional(
    'reduction',
    'string',
    'mean',
    "'none', 'mean' (default: average over every element, NaN when empty) or 'sum'. Any other value raises \"<value> is not valid\".",
  );
}

interface TorchLoss {
  className: string;
  fnName: string;
  family: FamilyId;
  tasks: TaskKind[];
  input: LossEntry['input'];
  inputSwitch?: LossEntry['inputSwitch'];
  target: LossEntry['target'];
  classSummary: string;
  fnSummary: string;
  /** Constructor parameters in torch's order. */
  init: Param[];
  /** Forward parameters of the module. */
  forward: Param[];
  /** Parameters of the functional form, in order. */
  fnCall: Param[];
  formula: string;
  pitfalls: string[];
  equivalents: Equivalent[];
  since?: string;
  prose?: Partial<Pick<LossEntry, 'intuition' | 'useWhen' | 'avoidWhen'>>;
}

function torchEntries(l: TorchLoss): LossEntry[] {
  const f = family(l.family);
  const common = {
    framework: 'torch' as const,
    family: l.family,
    tasks: l.tasks,
    input: l.input,
    ...(l.inputSwitch ? { inputSwitch: l.inputSwitch } : {}),
    target: l.target,
    formula: l.formula,
    intuition: l.prose?.intuition ?? f.intuition,
    useWhen: l.prose?.useWhen ?? f.useWhen,
    avoidWhen: l.prose?.avoidWhen ?? f.avoidWhen,
    pitfalls: l.pitfalls,
    ...(l.since ? { since: l.since } : {}),
    kernel: { computed: true } as const,
  };
  const fnId = `torch.nn.functional.${l.fnName}`;
  const classId = `torch.nn.${l.className}`;
  return [
    {
      ...common,
      id: classId,
      aliases: [`torch.nn.modules.loss.${l.className}`],
      kind: 'class',
      summary: l.classSummary,
      init: l.init,
      call: l.forward,
      equivalents: [{ api: fnId, note: 'the functional form; same arguments at call time.' }, ...l.equivalents],
      docs: `${DOCS}torch.nn.${l.className}.html`,
    },
    {
      ...common,
      id: fnId,
      aliases: [],
      kind: 'function',
      summary: l.fnSummary,
      call: l.fnCall,
      equivalents: [{ api: classId, note: 'the module form; arguments go to the constructor.' }, ...l.equivalents],
      docs: `${DOCS}${fnId}.html`,
    },
  ];
}

// --------------------------------------------------------------------------------------- MSE

const MSE: TorchLoss = {
  className: 'MSELoss',
  fnName: 'mse_loss',
  family: 'squared-error',
  tasks: ['regression'],
  input: 'real',
  target: ['real'],
  classSummary: 'Mean squared error between input and target, reduced by mean (default), sum or none.',
  fnSummary: 'Functional form of MSELoss: squared error, reduced by mean (default), sum or none.',
  init: [...torchLegacyReduction(), torchReduction()],
  forward: torchInputTarget(INPUT_DOC, TARGET_DOC),
  fnCall: [...torchInputTarget(INPUT_DOC, TARGET_DOC), ...torchLegacyReduction(), torchReduction()],
  formula: 'ℓᵢ = (xᵢ − yᵢ)²;  mean: (1/n)·Σ ℓᵢ,  sum: Σ ℓᵢ,  none: ℓ',
  pitfalls: [
    BROADCAST_PITFALL,
    MEAN_PITFALL,
    EMPTY_PITFALL,
    'Integer input and target together raise ("mse_cpu" not implemented for \'Long\'); cast the predictions to float.',
  ],
  equivalents: [
    { api: 'keras.losses.MeanSquaredError', note: 'Keras averages the last axis per sample, then averages samples; equal for (N, D) inputs with the default reductions.' },
    { api: 'optax.losses.squared_error', note: 'unreduced; take jnp.mean yourself.' },
    { api: 'tf.nn.l2_loss', note: "½·Σ t² of one tensor: ½ × reduction='sum' when given the residual." },
  ],
};

// ---------------------------------------------------------------------------------------- L1

const L1: TorchLoss = {
  className: 'L1Loss',
  fnName: 'l1_loss',
  family: 'absolute-error',
  tasks: ['regression'],
  input: 'real',
  target: ['real'],
  classSummary: 'Mean absolute error between input and target, reduced by mean (default), sum or none.',
  fnSummary: 'Functional form of L1Loss: absolute error, reduced by mean (default), sum or none.',
  init: [...torchLegacyReduction(), torchReduction()],
  forward: torchInputTarget(INPUT_DOC, TARGET_DOC),
  fnCall: [...torchInputTarget(INPUT_DOC, TARGET_DOC), ...torchLegacyReduction(), torchReduction()],
  formula: 'ℓᵢ = |xᵢ − yᵢ|;  mean: (1/n)·Σ ℓᵢ,  sum: Σ ℓᵢ,  none: ℓ',
  pitfalls: [
    BROADCAST_PITFALL,
    MEAN_PITFALL,
    EMPTY_PITFALL,
    'The gradient is sign(x − y)·(1/n): 0 where the prediction equals the target and 0 for a NaN prediction, so L1 hides NaNs from the optimiser where MSE would propagate them.',
    "A bool target raises (torch has no '-' for bool tensors); integer input and target work for 'sum'/'none' but 'mean' raises \"mean(): could not infer output dtype\".",
  ],
  equivalents: [
    { api: 'keras.losses.MeanAbsoluteError', note: 'per-sample mean over the last axis, then the batch reduction; equal for (N, D) inputs with the defaults.' },
    { api: 'torch.nn.SmoothL1Loss', note: 'beta=0 gives the same values.' },
    { api: 'tfa.losses.PinballLoss', note: 'tau=0.5 gives half of it (per sample over the last axis).' },
  ],
};

// ------------------------------------------------------------------------------------- Huber

const DELTA_DOC = 'δ > 0, the error size where the loss turns from quadratic to linear, in target units. Default 1.0.';
const HUBER: TorchLoss = {
  className: 'HuberLoss',
  fnName: 'huber_loss',
  family: 'huber',
  tasks: ['regression', 'object-detection'],
  input: 'real',
  target: ['real'],
  classSummary: 'Huber loss: quadratic below δ, linear (slope δ) above, reduced by mean (default), sum or none.',
  fnSummary: 'Functional form of HuberLoss: quadratic below δ, linear above, reduced by mean, sum or none.',
  init: [torchReduction(), optional('delta', 'number', 1.0, DELTA_DOC)],
  forward: torchInputTarget(INPUT_DOC, TARGET_DOC),
  fnCall: [...torchInputTarget(INPUT_DOC, TARGET_DOC), torchReduction(), optional('delta', 'number', 1.0, DELTA_DOC)],
  formula: 'zᵢ = |xᵢ − yᵢ|;  ℓᵢ = ½zᵢ² if zᵢ < δ, else δ·(zᵢ − ½δ);  mean: (1/n)·Σ ℓᵢ,  sum: Σ ℓᵢ,  none: ℓ',
  pitfalls: [
    'HuberLoss(delta=δ) = δ × SmoothL1Loss(beta=δ): the two agree only at δ = β = 1, so swapping one for the other with δ ≠ 1 rescales both the loss and its gradient by δ.',
    'δ must be positive ("huber_loss does not support non-positive values for delta."); it is in target units, so standardise the targets or choose δ from the residual scale.',
    BROADCAST_PITFALL,
    MEAN_PITFALL,
    'The result has the input\'s dtype: an integer input raises even when the target is float ("result type Float can\'t be cast to the desired output type Long").',
  ],
  equivalents: [
    { api: 'torch.nn.SmoothL1Loss', note: 'smooth_l1(β) = huber(δ = β) / β.' },
    { api: 'keras.losses.Huber', note: 'same elementwise values; Keras averages the last axis per sample, then the batch.' },
    { api: 'optax.losses.huber_loss', note: "same elementwise values, unreduced (reduction='none')." },
  ],
  since: 'torch 1.9',
};

// --------------------------------------------------------------------------------- smooth L1

const BETA_DOC = 'β ≥ 0, the error size where the loss turns linear; the quadratic part is divided by β. 0 gives plain L1. Default 1.0.';
const SMOOTH_L1: TorchLoss = {
  className: 'SmoothL1Loss',
  fnName: 'smooth_l1_loss',
  family: 'huber',
  tasks: ['regression', 'object-detection'],
  input: 'real',
  target: ['real'],
  classSummary: 'Smooth L1: ½z²/β below β, z − ½β above (Huber divided by β), reduced by mean (default), sum or none.',
  fnSummary: 'Functional form of SmoothL1Loss: Huber(δ = β) divided by β, reduced by mean, sum or none.',
  init: [...torchLegacyReduction(), torchReduction(), optional('beta', 'number', 1.0, BETA_DOC)],
  forward: torchInputTarget(INPUT_DOC, TARGET_DOC),
  fnCall: [...torchInputTarget(INPUT_DOC, TARGET_DOC), ...torchLegacyReduction(), torchReduction(), optional('beta', 'number', 1.0, BETA_DOC)],
  formula: 'zᵢ = |xᵢ − yᵢ|;  ℓᵢ = ½zᵢ²/β if zᵢ < β, else zᵢ − ½β  (β = 0: ℓᵢ = zᵢ);  mean: (1/n)·Σ ℓᵢ,  sum: Σ ℓᵢ,  none: ℓ',
  pitfalls: [
    'smooth_l1(β) = huber(δ = β) / β, not HuberLoss(delta=β): the tail always has slope 1 and the quadratic zone gets steeper as β shrinks. Only β = δ = 1 makes them equal.',
    'Detection code often uses β = 1/9 (Detectron) or β = 0 (plain L1); check the β a recipe used before comparing losses.',
    "β < 0 raises (\"smooth_l1_loss does not support negative values for beta.\"); β = 0 gives L1's values, but torch's backward then returns −1 (not 0) where input equals target.",
    BROADCAST_PITFALL,
    MEAN_PITFALL,
  ],
  equivalents: [
    { api: 'torch.nn.HuberLoss', note: 'huber(δ) = δ · smooth_l1(β = δ).' },
    { api: 'keras.losses.Huber', note: 'divide Keras Huber(delta=β) by β, and mind Keras\' per-sample mean.' },
    { api: 'optax.losses.huber_loss', note: 'divide by δ = β; unreduced.' },
  ],
};

// ----------------------------------------------------------------------------------- Poisson

const LOG_INPUT_DOC =
  'True (default): the input is a log-rate and ℓ = exp(x) − y·x. False: the input is the rate itself and ℓ = x − y·log(x + eps).';
const FULL_POISSON_DOC = "Add Stirling's approximation of log(y!) (y·log y − y + ½·log 2πy) where y > 1. Changes values, not gradients.";
const EPS_POISSON_DOC = 'Added inside log(x + eps) when log_input=False, so a zero rate stays finite. Unused with log_input=True. Default 1e-8.';
const POISSON_PARAMS: Param[] = [
  optional('log_input', 'bool', true, LOG_INPUT_DOC),
  optional('full', 'bool', false, FULL_POISSON_DOC),
  torchLegacyReduction()[0]!,
  optional('eps', 'number', 1e-8, EPS_POISSON_DOC),
  torchLegacyReduction()[1]!,
  selfCheckedReduction(),
];
const POISSON_TARGET_DOC = 'Observed counts (non-negative), broadcastable to the input (no warning).';

const POISSON: TorchLoss = {
  className: 'PoissonNLLLoss',
  fnName: 'poisson_nll_loss',
  family: 'poisson-nll',
  tasks: ['count-regression'],
  input: 'log-rate',
  inputSwitch: { param: 'log_input', whenTrue: 'log-rate', whenFalse: 'positive-real' },
  target: ['counts'],
  classSummary: 'Poisson negative log-likelihood of counts given log-rates (default) or rates, reduced by mean (default), sum or none.',
  fnSummary: 'Functional form of PoissonNLLLoss: Poisson NLL on log-rates (default) or rates.',
  init: POISSON_PARAMS,
  forward: [
    tensorArg(
      'input',
      'prediction',
      'Log-rates (or rates with log_input=False), any shape. torch names this forward argument `log_input`, like the constructor flag; pass it positionally.',
    ),
    tensorArg('target', 'target', POISSON_TARGET_DOC),
  ],
  fnCall: [tensorArg('input', 'prediction', 'Log-rates (or rates with log_input=False), any shape.'), tensorArg('target', 'target', POISSON_TARGET_DOC), ...POISSON_PARAMS],
  formula:
    'log_input=True: ℓᵢ = exp(xᵢ) − yᵢ·xᵢ;  log_input=False: ℓᵢ = xᵢ − yᵢ·log(xᵢ + eps);  full=True adds yᵢ·log yᵢ − yᵢ + ½·log(2π·yᵢ) where yᵢ > 1;  then mean/sum/none',
  pitfalls: [
    'log_input=True (the default) expects log-rates: passing rates that already went through exp or softplus computes exp(rate) and trains the wrong model without any error.',
    'eps (1e-8) only enters log(x + eps) with log_input=False; with the default log_input=True it has no effect.',
    "full=True adds Stirling's term only where y > 1 (masked to 0 for y ≤ 1, negative targets included); tf.nn.log_poisson_loss masks 0 ≤ y ≤ 1 instead, so a negative target gives NaN there and not here.",
    'Without full=True the constant log(y!) is dropped, so the loss can be negative and is not a true log-likelihood; compare runs only with the same setting.',
    'Shapes are broadcast without any warning (unlike MSELoss and L1Loss); an invalid reduction raises "<value> is not valid".',
  ],
  equivalents: [
    { api: 'keras.losses.Poisson', note: 'takes rates (like log_input=False) with ε = 1e-7, averaged over the last axis per sample.' },
    { api: 'tf.nn.log_poisson_loss', note: "takes log-rates, unreduced (reduction='none'); compute_full_loss masks 0 ≤ y ≤ 1." },
  ],
};

// ---------------------------------------------------------------------------------- Gaussian

const FULL_GAUSSIAN_DOC = 'Add the constant ½·log 2π per element, making the value a true negative log-likelihood. Default False.';
const EPS_GAUSSIAN_DOC = 'Lower clamp for the variance (default 1e-6), applied without gradient: values use max(var, eps), gradients pass through.';
const VAR_DOC =
  "Predicted variances σ² ≥ 0: the input's shape, the input's shape without its last dimension (one variance per row), or that shape followed by 1. Negative entries raise.";

const GAUSSIAN: TorchLoss = {
  className: 'GaussianNLLLoss',
  fnName: 'gaussian_nll_loss',
  family: 'gaussian-nll',
  tasks: ['probabilistic-regression', 'regression'],
  input: 'real',
  target: ['real'],
  classSummary: 'Gaussian negative log-likelihood of targets given predicted means and variances, reduced by mean (default), sum or none.',
  fnSummary: 'Functional form of GaussianNLLLoss: Gaussian NLL with predicted means and variances.',
  init: [
    optional('full', 'bool', false, FULL_GAUSSIAN_DOC, { keywordOnly: true }),
    optional('eps', 'number', 1e-6, EPS_GAUSSIAN_DOC, { keywordOnly: true }),
    { ...selfCheckedReduction(), keywordOnly: true },
  ],
  forward: [
    tensorArg('input', 'prediction', 'Predicted means μ, shape (N, *).'),
    tensorArg('target', 'target', 'Observed values, shape (N, *), broadcastable to the input.'),
    { name: 'var', type: 'tensor', doc: VAR_DOC },
  ],
  fnCall: [
    tensorArg('input', 'prediction', 'Predicted means μ, shape (N, *).'),
    tensorArg('target', 'target', 'Observed values, shape (N, *), broadcastable to the input.'),
    { name: 'var', type: 'tensor', doc: VAR_DOC },
    optional('full', 'bool', false, FULL_GAUSSIAN_DOC),
    optional('eps', 'number', 1e-6, EPS_GAUSSIAN_DOC),
    selfCheckedReduction(),
  ],
  formula: 'vᵢ = max(varᵢ, eps) (clamped without gradient);  ℓᵢ = ½·(log vᵢ + (xᵢ − yᵢ)²/vᵢ)  (+ ½·log 2π if full);  then mean/sum/none',
  pitfalls: [
    'var must have the input\'s shape, the input\'s shape minus its last dimension (unsqueezed to one variance per row), or that shape ending in 1; anything else raises "var is of incorrect size" (no general broadcasting).',
    'Any negative variance raises "var has negative entry/entries"; zero is allowed and clamped to eps.',
    'The clamp to eps happens in a no-grad copy: the value uses max(var, eps) but the gradient reaches var as if it were unclamped, so a collapsing variance still gets pushed back up. The input\'s gradient is (x − y)/max(var, eps).',
    'var must be a variance, not a log-variance or a standard deviation: constrain the head with softplus or exp, and square a predicted σ.',
    'full=False drops ½·log 2π, so values can be negative; only compare runs with the same setting.',
    'The constructor arguments are keyword-only: GaussianNLLLoss(full=True), not GaussianNLLLoss(True).',
  ],
  equivalents: [{ api: 'torch.nn.MSELoss', note: 'with var ≡ 1 and full=False the value is ½·MSE.' }],
  since: 'torch 1.8',
};

export const entries: LossEntry[] = [MSE, L1, HUBER, SMOOTH_L1, POISSON, GAUSSIAN].flatMap(torchEntries);
