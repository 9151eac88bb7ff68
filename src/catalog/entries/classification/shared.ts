/**
 * Parameters and prose shared by the classification entries, stated once so every entry words
 * the same argument the same way.
 */
import { optional, tensorArg } from '../../params.js';
import type { Param } from '../../types.js';

// ---------------------------------------------------------------------------------------- torch

export function torchWeight(doc: string): Param {
  return optional('weight', 'tensor', null, doc, { role: 'weight' });
}

export const TORCH_CLASS_WEIGHT = torchWeight(
  'Per-class rescaling weights, a 1-D tensor of length C with the input\'s dtype. With index targets the mean divides by Σ weight[target] over the non-ignored positions.',
);

export const TORCH_IGNORE_INDEX: Param = optional(
  'ignore_index',
  'int',
  -100,
  'Target value whose positions contribute 0 and are left out of the mean. Any integer, even a real class id. Must be negative with probability targets.',
);

export const TORCH_LABEL_SMOOTHING: Param = optional(
  'label_smoothing',
  'number',
  0.0,
  'ε in [0, 1]: the target becomes (1 − ε)·target + ε/C, spreading ε over all C classes (the true one included). Negative values are silently ignored; values above 1 raise.',
);

export const TORCH_POS_WEIGHT: Param = optional(
  'pos_weight',
  'tensor',
  null,
  'Weight of the positive term y·log σ(x), broadcast along the last (class) dimension: a tensor of length C (or a scalar tensor). Use n_neg/n_pos per class to counter imbalance.',
  { role: 'weight' },
);

/** torch's `reduction` for functions whose invalid values are rejected by the function itself. */
export function torchReductionUnchecked(extra: string): Param {
  return optional('reduction', 'string', 'mean', `'none', 'mean' (default) or 'sum'. ${extra}`);
}

// ---------------------------------------------------------------------------------------- Keras

export const KERAS_FROM_LOGITS: Param = optional(
  'from_logits',
  'bool',
  false,
  'True when y_pred holds raw scores (logits); False (default) when it holds probabilities, which Keras clips to [1e-7, 1 − 1e-7].',
);

export const KERAS_BINARY_SMOOTHING: Param = optional(
  'label_smoothing',
  'number',
  0.0,
  'ε in [0, 1]: targets become y·(1 − ε) + 0.5·ε, i.e. squeezed toward 0.5 (not ε/C as in the categorical losses).',
);

export const KERAS_CATEGORICAL_SMOOTHING: Param = optional(
  'label_smoothing',
  'number',
  0.0,
  'ε in [0, 1]: targets become y·(1 − ε) + ε/C, with C counted on y_true\'s last axis.',
);

export function kerasAxis(doc: string): Param {
  return optional('axis', 'int', -1, doc);
}

export const KERAS_BCE_AXIS = kerasAxis('The axis averaged to form the per-sample loss (the features axis). Defaults to −1.');
export const KERAS_CLASS_AXIS = kerasAxis('The class axis the cross-entropy is computed along. Defaults to −1 (channels last).');

export const KERAS_IGNORE_CLASS: Param = optional(
  'ignore_class',
  'int',
  null,
  'A label (e.g. −1 or 255 for "void" pixels) whose positions get loss 0 and are masked out of the reduction: the default mean is over the remaining positions.',
);

export const KERAS_FOCAL_GAMMA: Param = optional(
  'gamma',
  'number',
  2.0,
  'Focusing exponent γ of the modulating factor (1 − p_t)^γ; 0 recovers plain cross-entropy.',
);

export function kerasYTrue(doc: string): Param {
  return tensorArg('y_true', 'target', doc);
}

export function kerasYPred(doc: string): Param {
  return tensorArg('y_pred', 'prediction', doc);
}

// ---------------------------------------------------------------------------------------- prose

export const BCE_PITFALLS_SHARED = {
  torchClamp:
    'torch floors each log at −100, so a confidently wrong probability costs at most 100 and p = 0 with y = 0 costs 0 (not NaN); ' +
    'Keras clips p to [1e-7, 1 − 1e-7] instead, so the same mistake costs at most 16.118 — the two disagree wildly on saturated predictions.',
  kerasClip:
    'Keras clips probabilities to [1e-7, 1 − 1e-7], so the worst per-element loss is −log(1e-7) ≈ 16.118 (torch: 100). Under the default float32, ' +
    '1 − 1e-7 rounds to 1 − 1.19e-7, making the worst loss for p = 1 about 15.94; Loss Lens computes in float64.',
  kerasLegacy:
    'tf.keras up to TF 2.15 (Keras 2) also adds 1e-7 inside both logs, so the worst loss is −log(2e-7) ≈ 15.42; pin {"version": "2.15"} to reproduce it.',
  sigmoidTwice:
    'Feeding probabilities (the output of a sigmoid) to a from-logits loss applies the sigmoid twice: the loss still decreases but the gradients are squashed and calibration is lost.',
};
