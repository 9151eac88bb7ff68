/**
 * Parameters that many loss APIs share, written once so every entry states them the same way
 * (same default, same wording). Entry files use these and add their own.
 */
import type { JsonValue, Param, ParamRole, ParamType } from './types.js';

export function param(name: string, type: ParamType, doc: string, extra: Partial<Param> = {}): Param {
  return { name, type, doc, ...extra };
}

export function optional(name: string, type: ParamType, defaultValue: JsonValue, doc: string, extra: Partial<Param> = {}): Param {
  return { name, type, doc, default: defaultValue, ...(defaultValue === null ? { nullable: true } : {}), ...extra };
}

export function tensorArg(name: string, role: ParamRole, doc: string): Param {
  return { name, type: 'tensor', role, doc };
}

// ---------------------------------------------------------------------------------------- torch

/** torch's `reduction` argument. */
export function torchReduction(defaultValue: 'mean' | 'sum' | 'none' = 'mean', extraChoices: string[] = []): Param {
  const choices = ['none', 'mean', 'sum', ...extraChoices];
  return optional(
    'reduction',
    'string',
    defaultValue,
    `How the elementwise losses are combined: ${choices.map((c) => `'${c}'`).join(', ')}. ` +
      "'mean' divides by the number of elements (NaN for an empty input); 'none' returns them unreduced.",
    { choices, keywordOnly: false },
  );
}

/** torch's deprecated `size_average` and `reduce`, still accepted and mapped onto `reduction`. */
export function torchLegacyReduction(): Param[] {
  return [
    optional('size_average', 'bool', null, 'Deprecated: use `reduction`. False sums instead of averaging.', {
      deprecated: 'reduction',
    }),
    optional('reduce', 'bool', null, "Deprecated: use `reduction`. False returns the unreduced losses ('none').", {
      deprecated: 'reduction',
    }),
  ];
}

export function torchInputTarget(inputDoc: string, targetDoc: string): Param[] {
  return [tensorArg('input', 'prediction', inputDoc), tensorArg('target', 'target', targetDoc)];
}

// ---------------------------------------------------------------------------------------- Keras

/** The constructor arguments every Keras 3 loss class takes last. */
export function kerasBaseInit(name: string): Param[] {
  return [
    optional(
      'reduction',
      'string',
      'sum_over_batch_size',
      "How per-sample losses are combined: 'sum_over_batch_size' (sum / number of elements, 0 when empty), 'sum', 'mean', " +
        "'mean_with_sample_weight' (sum / Σ sample_weight) or 'none'/None (unreduced).",
      { choices: ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none', null], nullable: true },
    ),
    optional('name', 'string', name, 'Name of the loss instance (used in logs and saved configs).'),
    optional('dtype', 'string', null, 'Computation dtype; None uses `keras.backend.floatx()` (float32 by default). Loss Lens computes in float64.'),
  ];
}

/** `(y_true, y_pred, sample_weight=None)`: the call of every Keras loss class and string. */
export function kerasClassCall(yTrueDoc: string, yPredDoc: string): Param[] {
  return [
    tensorArg('y_true', 'target', yTrueDoc),
    tensorArg('y_pred', 'prediction', yPredDoc),
    optional('sample_weight', 'tensor', null, 'Per-sample (or broadcastable) weights multiplied into the per-sample losses before reduction.', {
      role: 'weight',
    }),
  ];
}

/** `(y_true, y_pred)`: the call of the Keras loss functions, which return per-sample losses. */
export function kerasFunctionCall(yTrueDoc: string, yPredDoc: string): Param[] {
  return [tensorArg('y_true', 'target', yTrueDoc), tensorArg('y_pred', 'prediction', yPredDoc)];
}
