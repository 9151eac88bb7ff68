/**
 * Family prose for the regression losses: what each loss family measures, why it behaves the
 * way it does, and when to reach for it. Entries reuse these texts and add their framework's
 * specifics.
 */
import type { FamilyDoc } from '../../types.js';
import { familyLookup } from '../../familyDocs.js';

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
  {
    id: 'absolute-error',
    title: 'Mean absolute error (L1)',
    formula: 'ℓ = |ŷ − y|,  MAE = (1/n)·Σᵢ |ŷᵢ − yᵢ|',
    intuition:
      'Every unit of error costs the same, however large the residual, so a single outlier cannot dominate the loss. The ' +
      'minimiser is the conditional median. The gradient is ±1 whatever the size of the error: it does not fade near the ' +
      'optimum, so a fixed learning rate keeps the prediction jittering around it, and it is undefined at exactly zero ' +
      '(frameworks use 0 there).',
    useWhen:
      'Targets with outliers or heavy-tailed noise, or when the median is the quantity you want (delivery times, demand with ' +
      'spikes); also when the loss should read in the target\'s own units.',
    avoidWhen:
      'You need the conditional mean, or smooth convergence to a precise fit (the constant gradient needs learning-rate decay); ' +
      'Huber keeps most of the robustness with a quadratic, self-damping region near zero.',
  },
  {
    id: 'huber',
    title: 'Huber and smooth L1',
    formula: 'Huber_δ(e) = ½e² if |e| ≤ δ, else δ·(|e| − ½δ);   smooth_L1_β(e) = Huber_β(e) / β  (β = 0: |e|)',
    intuition:
      'Quadratic for small errors and linear for large ones, joined smoothly at |e| = δ: the gradient is the error clipped to ' +
      '[−δ, δ], so outliers pull with a bounded force while small errors still shrink smoothly. Smooth L1 is the same curve ' +
      'divided by β, which makes its linear part slope 1 (a plain L1 tail) and its quadratic part steeper as β shrinks.',
    useWhen:
      'Regression with occasional outliers where MSE is too sensitive and MAE too rough: bounding-box regression (smooth L1 in ' +
      'Fast/Faster R-CNN), value targets in reinforcement learning (the Huber loss of DQN), sensor data with glitches.',
    avoidWhen:
      'δ (or β) is chosen without looking at the target scale: it is in target units, so standardise targets or take δ from ' +
      'the residual distribution. Also avoid comparing loss values between smooth L1 and Huber runs unless β = δ = 1.',
  },
  {
    id: 'log-cosh',
    title: 'Log-cosh',
    formula: 'ℓ = log(cosh(ŷ − y))  ≈ ½e² for small |e|,  ≈ |e| − log 2 for large |e|',
    intuition:
      'A smooth version of Huber with the transition fixed near |e| ≈ 1: the gradient tanh(e) is e for small errors and ' +
      'saturates at ±1 for large ones, and the curve is twice differentiable everywhere (no kink at δ).',
    useWhen:
      'You want Huber-like robustness with a smooth second derivative (second-order methods, gradient-boosting style ' +
      'objectives), on targets scaled so that an error of about 1 is where "large" begins.',
    avoidWhen:
      'The target scale makes |e| ≈ 1 meaningless (there is no δ to tune: rescale the targets), or plain MSE/MAE already fit ' +
      'the noise; naive log(cosh(e)) overflows for |e| > ~710, so only use stable implementations.',
  },
  {
    id: 'percentage-error',
    title: 'Mean absolute percentage error',
    formula: 'MAPE = 100 · (1/n)·Σᵢ |(yᵢ − ŷᵢ) / yᵢ|',
    intuition:
      'The absolute error relative to the target, in percent, so series of very different magnitudes are comparable. It is ' +
      'asymmetric in practice: for a positive target, under-predicting can cost at most 100 % while over-predicting is ' +
      'unbounded, so a model trained on it is pushed to forecast low.',
    useWhen:
      'Strictly positive targets well away from zero where stakeholders think in relative error (sales or demand forecasts), ' +
      'more often as a reported metric than as the training loss.',
    avoidWhen:
      'Targets can be zero, tiny or negative (division by a clamped ε makes the loss explode), or an unbiased forecast matters; ' +
      'consider MAE on log targets, MSLE, or a scaled error such as MASE.',
  },
  {
    id: 'squared-log-error',
    title: 'Mean squared logarithmic error',
    formula: 'ℓ = (log(1 + ŷ) − log(1 + y))²',
    intuition:
      'Squared error measured on a log1p scale, so it penalises ratios rather than differences: predicting 110 for 100 costs ' +
      'about as much as 1.1 for 1.0. For the same absolute error, under-predicting costs more than over-predicting.',
    useWhen:
      'Non-negative targets spanning orders of magnitude (counts, prices, populations) where relative accuracy matters and ' +
      'large values must not dominate training.',
    avoidWhen:
      'Targets or predictions can be negative (frameworks clamp them, silently killing the gradient), or you can simply ' +
      'regress log1p(y) with MSE and invert the transform, which has the same optimum and is explicit.',
  },
  {
    id: 'poisson-nll',
    title: 'Poisson negative log-likelihood',
    formula: 'ℓ = λ − y·log λ  (+ log y!),   λ = e^x when the model outputs a log-rate x',
    intuition:
      'The negative log-likelihood of a count y under a Poisson distribution with rate λ; its minimiser is λ = E[y]. Because a ' +
      'Poisson variance equals its mean, errors on large counts weigh less than under MSE. The log y! term does not depend on ' +
      'the prediction and is usually dropped (or approximated with Stirling\'s formula).',
    useWhen:
      'Count targets (events, clicks, photon or cell counts, goals) predicted as rates; output a log-rate and exponentiate ' +
      '(or use the log-input form) so the rate stays positive.',
    avoidWhen:
      'Counts are overdispersed (variance far above the mean: use a negative binomial likelihood), targets are continuous or ' +
      'negative, or you are unsure whether the loss expects rates or log-rates (the most common bug with these APIs).',
  },
  {
    id: 'gaussian-nll',
    title: 'Gaussian negative log-likelihood',
    formula: 'ℓ = ½·(log σ² + (y − μ)² / σ²)  (+ ½·log 2π)',
    intuition:
      'The model predicts a mean μ and a variance σ² per target. Residuals are down-weighted where σ² is large, and the log σ² ' +
      'term stops the variance from growing without bound, so the network learns where its predictions are uncertain ' +
      '(heteroscedastic, aleatoric noise).',
    useWhen:
      'Regression that needs calibrated uncertainty alongside the prediction: probabilistic forecasting, deep ensembles, ' +
      'sensor fusion, active learning.',
    avoidWhen:
      'The variance head is not constrained positive (use softplus or exp), or training is unstable early (the model can ' +
      'inflate σ² to ignore hard examples: warm up with MSE or use a β-NLL variant); if only point predictions matter, MSE is simpler.',
  },
  {
    id: 'quantile',
    title: 'Quantile (pinball) loss',
    formula: 'd = y − ŷ,  ℓ_τ = max(τ·d, (τ − 1)·d)  (τ·d when under-predicting, (1 − τ)·|d| when over-predicting)',
    intuition:
      'An asymmetric absolute error: each unit of under-prediction costs τ and each unit of over-prediction costs 1 − τ, so ' +
      'the minimiser is the τ-quantile of the target distribution. τ = 0.5 is half the absolute error (the median).',
    useWhen:
      'Prediction intervals (e.g. heads for τ = 0.05, 0.5 and 0.95), forecasting with asymmetric costs such as inventory ' +
      '(stock-outs cost more than overstock), any time a quantile rather than a mean is the target.',
    avoidWhen:
      'You need a mean, or separately trained quantile heads may cross (the 0.9 prediction below the 0.1 one) and you cannot ' +
      'sort or constrain them; check the sign convention, since some code defines d = ŷ − y and thereby swaps τ and 1 − τ.',
  },
];

/** The family doc for an id of this group (throws on a missing one). */
export const family = familyLookup(families, 'regression');
