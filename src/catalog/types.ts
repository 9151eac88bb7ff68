/**
 * The loss catalog's schema: one entry per loss API as users write it, keyed by its qualified
 * name. Kernels bind arguments from `init`/`call`, hovers render the prose, the linter reads
 * `input`/`target`/`tasks`, and the dashboard lists what can be computed.
 */

export type Framework = 'torch' | 'torchvision' | 'keras' | 'tensorflow' | 'optax' | 'smp' | 'tfa' | 'pml';

/** `class`: constructed, then called. `function`: called directly. `string`: a Keras loss name given to `compile`. */
export type ApiKind = 'class' | 'function' | 'string';

/** Loss families; the shared prose for each lives in `families.ts`. */
export type FamilyId =
  | 'squared-error'
  | 'absolute-error'
  | 'huber'
  | 'log-cosh'
  | 'percentage-error'
  | 'squared-log-error'
  | 'poisson-nll'
  | 'gaussian-nll'
  | 'quantile'
  | 'binary-cross-entropy'
  | 'categorical-cross-entropy'
  | 'sparse-categorical-cross-entropy'
  | 'negative-log-likelihood'
  | 'kl-divergence'
  | 'hinge'
  | 'margin-ranking'
  | 'cosine'
  | 'dice'
  | 'iou'
  | 'tversky'
  | 'lovasz'
  | 'focal'
  | 'sparsemax'
  | 'contrastive'
  | 'triplet'
  | 'ctc'
  | 'sequence'
  | 'matthews';

export type TaskKind =
  | 'regression'
  | 'probabilistic-regression'
  | 'count-regression'
  | 'quantile-regression'
  | 'binary-classification'
  | 'multiclass-classification'
  | 'multilabel-classification'
  | 'semantic-segmentation'
  | 'object-detection'
  | 'metric-learning'
  | 'self-supervised'
  | 'ranking'
  | 'speech-recognition'
  | 'sequence-generation'
  | 'distillation';

/** What the prediction argument must hold. */
export type InputSpace =
  | 'logits'
  | 'probabilities'
  | 'log-probabilities'
  | 'real'
  | 'positive-real'
  | 'log-rate'
  | 'scores'
  | 'distance'
  | 'embeddings'
  | 'boxes';

/** What the target argument must hold. */
export type TargetFormat =
  | 'class-indices'
  | 'one-hot'
  | 'probabilities'
  | 'log-probabilities'
  | 'binary'
  | 'soft-binary'
  | 'plus-minus-one'
  | 'real'
  | 'counts'
  | 'binary-mask'
  | 'class-index-mask'
  | 'label-sequence'
  | 'multilabel-indices'
  | 'pair-label'
  | 'boxes'
  | 'none';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Argument types the binder checks before a kernel runs:
 * `tensor` a tensor; `number`/`int`/`bool`/`string` Python scalars; `axis` an int or list of ints;
 * `numbers` a list of floats; `tensor-or-number` either; `callable` a Python callable (never
 * computable from JSON); `any` passed through unchecked.
 */
export type ParamType =
  | 'tensor'
  | 'number'
  | 'int'
  | 'bool'
  | 'string'
  | 'axis'
  | 'numbers'
  | 'ints'
  | 'tensor-or-number'
  | 'callable'
  | 'any';

/** The part an argument plays; `prediction` marks the argument gradients are taken against. */
export type ParamRole = 'prediction' | 'target' | 'weight' | 'length' | 'option';

export interface Param {
  name: string;
  type: ParamType;
  /** Default as JSON (`null` is Python None). Absent means required. */
  default?: JsonValue;
  /** `null` (None) is accepted in addition to `type`. */
  nullable?: boolean;
  /** Allowed values for strings (and other enumerations). */
  choices?: JsonValue[];
  role?: ParamRole;
  /** Only accepted by keyword (Python's `*` marker). */
  keywordOnly?: boolean;
  /** Deprecated argument and what replaces it. */
  deprecated?: string;
  doc: string;
}

export interface Equivalent {
  api: string;
  /** How it differs, when it does (defaults, reductions, argument order, input space). */
  note?: string;
}

export type KernelSupport = { computed: true } | { computed: false; reason: string };

export interface LossEntry {
  /** Qualified name as written in code (`torch.nn.CrossEntropyLoss`), or the bare Keras string (`mse`). */
  id: string;
  /** Other spellings of the same object (`tf.keras.losses.X`, `torch.nn.modules.loss.X`). */
  aliases: string[];
  framework: Framework;
  kind: ApiKind;
  family: FamilyId;
  /** One line: what it computes. */
  summary: string;
  tasks: TaskKind[];
  /** What the prediction must be; `inputSwitch` when a flag such as `from_logits` changes it. */
  input: InputSpace;
  inputSwitch?: { param: string; whenTrue: InputSpace; whenFalse: InputSpace };
  target: TargetFormat[];
  /** Constructor parameters (classes only). */
  init?: Param[];
  /** Call parameters, in positional order. */
  call: Param[];
  /** The Unicode formula as this API computes it, framework quirks included. */
  formula: string;
  intuition: string;
  useWhen: string;
  avoidWhen: string;
  pitfalls: string[];
  equivalents: Equivalent[];
  /** Official documentation page. */
  docs: string;
  /** The first framework version that has this API, when it matters (e.g. `keras 3.0`). */
  since?: string;
  kernel: KernelSupport;
}

/** Prose shared by every API of a family. */
export interface FamilyDoc {
  id: FamilyId;
  title: string;
  formula: string;
  intuition: string;
  useWhen: string;
  avoidWhen: string;
}
