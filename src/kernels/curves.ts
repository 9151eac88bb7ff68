/**
 * Loss curves: how hard a loss punishes a prediction, as a function of that prediction, for a
 * few fixed targets. Derived from the catalog's input space and target format, then computed
 * by the real kernels (per-sample values), so a plot always shows exactly what the API computes
 * with its default parameters. Used by the catalog panel and hover plots.
 */
import type { InputSpace, LossEntry, TargetFormat } from '../catalog/types.js';
import { type EvalAnswer, type EvalRequest, evaluate, isErrorAnswer } from './evaluate.js';

export interface LossCurve {
  /** What the fixed target is, e.g. "y = 1". */
  label: string;
  x: number[];
  /** Loss per x; NaN where the API gives NaN. */
  y: number[];
}

export interface CurvePlot {
  xLabel: string;
  curves: LossCurve[];
}

const POINTS = 121;

function linspace(lo: number, hi: number, n = POINTS): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** One family of 1-D sweeps: build (prediction, target) for each x. */
interface Sweep {
  xLabel: string;
  xs: number[];
  targets: { label: string; value: number }[];
  /** Builds the prediction and target tensors for all xs at once. */
  tensors(xs: number[], target: number): { prediction: unknown; target: unknown } | undefined;
}

const column = (values: number[], dtype: string) => ({ shape: [values.length, 1], dtype, data: values });

function sweepFor(entry: LossEntry, input: InputSpace): Sweep | undefined {
  const target = entry.target[0] as TargetFormat;
  const pointwise = (xLabel: string, xs: number[], targets: { label: string; value: number }[], targetDtype = 'float64'): Sweep => ({
    xLabel,
    xs,
    targets,
    tensors: (x, t) => ({ prediction: column(x, 'float64'), target: column(x.map(() => t), targetDtype) }),
  });
  switch (target) {
    case 'real':
    case 'counts':
      if (input === 'probabilities' || input === 'positive-real') return pointwise('prediction', linspace(0.01, 4), [{ label: 'y = 1', value: 1 }, { label: 'y = 2', value: 2 }]);
      if (input === 'log-rate') return pointwise('log-rate prediction', linspace(-3, 3), [{ label: 'y = 1', value: 1 }, { label: 'y = 3', value: 3 }]);
      return pointwise('prediction − target', linspace(-3, 3), [{ label: 'y = 0', value: 0 }]);
    case 'binary':
    case 'soft-binary':
      if (input === 'probabilities') return pointwise('predicted probability', linspace(0.001, 0.999), [{ label: 'y = 1', value: 1 }, { label: 'y = 0', value: 0 }]);
      if (input === 'logits') return pointwise('logit', linspace(-8, 8), [{ label: 'y = 1', value: 1 }, { label: 'y = 0', value: 0 }]);
      return undefined;
    case 'plus-minus-one':
      return pointwise('score', linspace(-3, 3), [{ label: 'y = +1', value: 1 }, { label: 'y = −1', value: -1 }]);
    case 'class-indices':
      if (input === 'logits' || input === 'log-probabilities') {
        // Two classes; the true class is 0; x is the true class's logit margin over the other.
        return {
          xLabel: input === 'logits' ? 'true-class logit − other logit' : 'log-probability of the true class',
          xs: input === 'logits' ? linspace(-8, 8) : linspace(-6, -0.001),
          targets: [{ label: 'true class', value: 0 }],
          tensors: (xs) => ({
            prediction: {
              shape: [xs.length, 2],
              dtype: 'float64',
              data: xs.flatMap((x) => (input === 'logits' ? [x, 0] : [x, Math.log1p(-Math.exp(x))])),
            },
            target: { shape: [xs.length], dtype: 'int64', data: xs.map(() => 0) },
          }),
        };
      }
      if (input === 'probabilities') {
        return {
          xLabel: 'predicted probability of the true class',
          xs: linspace(0.001, 0.999),
          targets: [{ label: 'true class', value: 0 }],
          tensors: (xs) => ({
            prediction: { shape: [xs.length, 2], dtype: 'float64', data: xs.flatMap((p) => [p, 1 - p]) },
            target: { shape: [xs.length], dtype: 'int64', data: xs.map(() => 0) },
          }),
        };
      }
      return undefined;
    case 'one-hot':
    case 'probabilities':
      if (input === 'logits' || input === 'probabilities') {
        const logits = input === 'logits';
        return {
          xLabel: logits ? 'true-class logit − other logit' : 'predicted probability of the true class',
          xs: logits ? linspace(-8, 8) : linspace(0.001, 0.999),
          targets: [{ label: 'one-hot target', value: 0 }],
          tensors: (xs) => ({
            prediction: { shape: [xs.length, 2], dtype: 'float64', data: xs.flatMap((x) => (logits ? [x, 0] : [x, 1 - x])) },
            target: { shape: [xs.length, 2], dtype: 'float64', data: xs.flatMap(() => [1, 0]) },
          }),
        };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The input space an entry has with its default parameters. */
export function defaultInputSpace(entry: LossEntry): InputSpace {
  if (!entry.inputSwitch) return entry.input;
  const p = [...(entry.init ?? []), ...entry.call].find((q) => q.name === entry.inputSwitch!.param);
  return p?.default === true ? entry.inputSwitch.whenTrue : entry.inputSwitch.whenFalse;
}

/** The evaluation behind one curve: run `request`, read its per-sample values against `x`. */
export interface CurveJob {
  label: string;
  x: number[];
  request: EvalRequest;
}

/**
 * The requests that draw an entry's loss curves with its default parameters, or undefined when
 * the loss has no natural 1-D view (sequence, set and overlap losses) or cannot be computed.
 */
export function curveJobs(entry: LossEntry): { xLabel: string; jobs: CurveJob[] } | undefined {
  if (!entry.kernel.computed) return undefined;
  const sweep = sweepFor(entry, defaultInputSpace(entry));
  if (sweep === undefined) return undefined;
  const prediction = entry.call.find((p) => p.role === 'prediction');
  const targetParam = entry.call.find((p) => p.role === 'target');
  if (prediction === undefined || targetParam === undefined) return undefined;
  const jobs: CurveJob[] = [];
  for (const t of sweep.targets) {
    const tensors = sweep.tensors(sweep.xs, t.value);
    if (tensors === undefined) return undefined;
    jobs.push({
      label: t.label,
      x: sweep.xs,
      request: { api: entry.id, kwargs: { [prediction.name]: tensors.prediction, [targetParam.name]: tensors.target }, per_sample: true },
    });
  }
  return { xLabel: sweep.xLabel, jobs };
}

/** Reads one curve from its answer; undefined if the kernel refused the sweep. */
export function curveFromAnswer(job: CurveJob, answer: EvalAnswer): LossCurve | undefined {
  if (isErrorAnswer(answer)) return undefined;
  // Reduced APIs report per-sample values; unreduced ones (optax, Keras functions) are the values.
  const values = answer.per_sample ?? answer;
  if (values.data.length !== job.x.length) return undefined;
  return { label: job.label, x: job.x, y: Array.from(values.data) };
}

/** Loss curves computed here and now (small: a few hundred points). */
export function lossCurves(entry: LossEntry): CurvePlot | undefined {
  const plan = curveJobs(entry);
  if (plan === undefined) return undefined;
  const curves: LossCurve[] = [];
  for (const job of plan.jobs) {
    const curve = curveFromAnswer(job, evaluate(job.request));
    if (curve === undefined) return undefined;
    curves.push(curve);
  }
  return { xLabel: plan.xLabel, curves };
}
