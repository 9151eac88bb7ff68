/**
 * The model every training-log reader produces: runs, each holding scalar series keyed by
 * tag. Series are typed arrays so a dashboard can transfer them to a webview without copying
 * element by element.
 */

/** The log formats Loss Lens reads. */
export type LogFormat = 'tfevents' | 'lightning-csv' | 'keras-csv' | 'hf-trainer-state' | 'mlflow' | 'wandb';

/** One scalar time series: parallel arrays, in the order the points were logged. */
export interface Series {
  run: string;
  tag: string;
  steps: Float64Array;
  values: Float64Array;
  /** Seconds since the Unix epoch; NaN where the format records no time. */
  wallTimes: Float64Array;
}

/** A run: what one training job logged (a directory for most formats). */
export interface LogRun {
  /** Display name, unique within one reading (usually the directory relative to the root given). */
  name: string;
  format: LogFormat;
  /** Directory (or for single-file formats, the file) the run was read from. */
  path: string;
  /** Tags in first-logged order. */
  series: Series[];
  /** The name the logger itself gave the run (W&B display name, MLflow run name), when it has one. */
  title?: string;
}

/**
 * A growable scalar series. Appends amortise to O(1); points can be dropped by step, as
 * TensorBoard does when a job restarts from a checkpoint.
 */
export class SeriesBuilder {
  private steps: Float64Array;
  private values: Float64Array;
  private wallTimes: Float64Array;
  private count = 0;

  constructor(initialCapacity = 64) {
    this.steps = new Float64Array(initialCapacity);
    this.values = new Float64Array(initialCapacity);
    this.wallTimes = new Float64Array(initialCapacity);
  }

  get length(): number {
    return this.count;
  }

  push(step: number, value: number, wallTime: number): void {
    if (this.count === this.steps.length) this.grow();
    const i = this.count++;
    this.steps[i] = step;
    this.values[i] = value;
    this.wallTimes[i] = wallTime;
  }

  /** Drops every point whose step is at or after `step`; returns how many were dropped. */
  dropFromStep(step: number): number {
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.steps[i]! < step) {
        this.steps[kept] = this.steps[i]!;
        this.values[kept] = this.values[i]!;
        this.wallTimes[kept] = this.wallTimes[i]!;
        kept++;
      }
    }
    const dropped = this.count - kept;
    this.count = kept;
    return dropped;
  }

  clear(): void {
    this.count = 0;
  }

  /** The last step pushed, or undefined when empty. */
  lastStep(): number | undefined {
    return this.count > 0 ? this.steps[this.count - 1] : undefined;
  }

  /** A copy of the points as a {@link Series}, optionally sorted by step (stable). */
  snapshot(run: string, tag: string, sortByStep = false): Series {
    const n = this.count;
    let steps = this.steps.slice(0, n);
    let values = this.values.slice(0, n);
    let wallTimes = this.wallTimes.slice(0, n);
    if (sortByStep && !isNonDecreasing(steps)) {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => steps[a]! - steps[b]! || a - b);
      steps = Float64Array.from(order, (i) => this.steps[i]!);
      values = Float64Array.from(order, (i) => this.values[i]!);
      wallTimes = Float64Array.from(order, (i) => this.wallTimes[i]!);
    }
    return { run, tag, steps, values, wallTimes };
  }

  private grow(): void {
    const capacity = Math.max(16, this.steps.length * 2);
    for (const key of ['steps', 'values', 'wallTimes'] as const) {
      const bigger = new Float64Array(capacity);
      bigger.set(this[key]);
      this[key] = bigger;
    }
  }
}

function isNonDecreasing(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (!(a[i]! >= a[i - 1]!)) return false;
  return true;
}

/** Series keyed by tag, remembering first-seen order. */
export class TagTable {
  private readonly byTag = new Map<string, SeriesBuilder>();

  /** The builder for `tag`, created on first use. */
  get(tag: string): SeriesBuilder {
    let b = this.byTag.get(tag);
    if (b === undefined) {
      b = new SeriesBuilder();
      this.byTag.set(tag, b);
    }
    return b;
  }

  has(tag: string): boolean {
    return this.byTag.has(tag);
  }

  tags(): string[] {
    return [...this.byTag.keys()];
  }

  builders(): IterableIterator<[string, SeriesBuilder]> {
    return this.byTag.entries();
  }

  /** Drops points at or after `step` in every series (or only in `tags`); returns the count dropped. */
  dropFromStep(step: number, tags?: Iterable<string>): number {
    let dropped = 0;
    if (tags === undefined) for (const b of this.byTag.values()) dropped += b.dropFromStep(step);
    else for (const t of tags) dropped += this.byTag.get(t)?.dropFromStep(step) ?? 0;
    return dropped;
  }

  clear(): void {
    this.byTag.clear();
  }

  /** Snapshot of every non-empty series. */
  snapshot(run: string, sortByStep = false): Series[] {
    const out: Series[] = [];
    for (const [tag, b] of this.byTag) if (b.length > 0) out.push(b.snapshot(run, tag, sortByStep));
    return out;
  }
}

/** Maps the spellings Python, pandas, Keras and MLflow use for non-finite numbers to JS numbers. */
export function parseLoggedNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isNaN(n)) return n;
  switch (t.toLowerCase()) {
    case 'nan':
    case '-nan':
    case '+nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}
