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
  /**
   * Present when the series was longer than the per-series point limit and was thinned to
   * every `stride`-th point (the latest point is always kept).
   */
  stride?: number;
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
 * Points kept per series before it is thinned (2^21: 48 MiB of typed arrays per series). A
 * 10 GB log of one tag therefore stays within memory, as TensorBoard's reservoir sampling
 * keeps it, but deterministically: every other point is dropped and the stride doubles.
 */
export const DEFAULT_MAX_POINTS = 1 << 21;

/**
 * How far a reading has got through the bytes it will read: a builder that must grow projects
 * its final length from it, so a series read from one large log is allocated about once
 * instead of doubling (each doubling faults in and copies every point again).
 */
export class ReadProgress {
  /** Bytes to read in total and bytes consumed so far; 0 and 0 when unknown. */
  total = 0;
  done = 0;

  /** Expected final / current ratio, 1 when nothing is known. */
  growthFactor(): number {
    return this.total > 0 && this.done > 0 && this.done < this.total ? this.total / this.done : 1;
  }
}

/**
 * A growable scalar series. Appends amortise to O(1); points can be dropped by step, as
 * TensorBoard does when a job restarts from a checkpoint. Past `maxPoints` the series is
 * thinned to every `stride`-th point, keeping the latest point.
 *
 * Snapshots are views of the builder's arrays, not copies: appends only write past the end
 * of every view handed out, and the operations that rewrite points in place (drop, thin,
 * clear) first move the builder to fresh arrays while a view may still be held.
 */
export class SeriesBuilder {
  private steps: Float64Array;
  private values: Float64Array;
  private wallTimes: Float64Array;
  private count = 0;
  private stride = 1;
  private sinceKept = 0;
  // The latest point skipped by the stride, shown so the curve always reaches "now".
  private tail: [number, number, number] | undefined;
  // Set when a snapshot views the current arrays.
  private shared = false;

  constructor(
    initialCapacity = 64,
    readonly maxPoints = DEFAULT_MAX_POINTS,
    private readonly progress?: ReadProgress,
  ) {
    const n = Math.max(2, Math.min(initialCapacity, maxPoints));
    this.steps = new Float64Array(n);
    this.values = new Float64Array(n);
    this.wallTimes = new Float64Array(n);
  }

  /** Points held (the skipped latest point included). */
  get length(): number {
    return this.count + (this.tail ? 1 : 0);
  }

  /** Points the arrays have room for before they grow. */
  get capacity(): number {
    return this.steps.length;
  }

  /** Whether n more points fit without the arrays growing. */
  hasRoom(n: number): boolean {
    return this.count + n <= this.steps.length;
  }

  push(step: number, value: number, wallTime: number): void {
    if (this.stride > 1) {
      if (++this.sinceKept < this.stride) {
        this.tail = [step, value, wallTime];
        return;
      }
      this.sinceKept = 0;
      this.tail = undefined;
    }
    if (this.count === this.steps.length) {
      if (this.count >= this.maxPoints) this.thin();
      else this.grow();
    }
    const i = this.count++;
    this.steps[i] = step;
    this.values[i] = value;
    this.wallTimes[i] = wallTime;
  }

  /** Appends points [from, to) of the given arrays, as push() would one by one. */
  pushMany(steps: Float64Array, values: Float64Array, wallTimes: Float64Array, from: number, to: number): void {
    const n = to - from;
    if (this.stride > 1 || this.count + n > this.maxPoints) {
      for (let i = from; i < to; i++) this.push(steps[i]!, values[i]!, wallTimes[i]!);
      return;
    }
    if (this.count + n > this.steps.length) this.grow(this.count + n);
    if (n <= 8) {
      // Tags logged in turn come a point or two at a time: three subarrays per call would cost
      // more than the copy.
      for (let i = from, j = this.count; i < to; i++, j++) {
        this.steps[j] = steps[i]!;
        this.values[j] = values[i]!;
        this.wallTimes[j] = wallTimes[i]!;
      }
    } else {
      this.steps.set(steps.subarray(from, to), this.count);
      this.values.set(values.subarray(from, to), this.count);
      this.wallTimes.set(wallTimes.subarray(from, to), this.count);
    }
    this.count += n;
  }

  /** Drops every point whose step is at or after `step`; returns how many were dropped. */
  dropFromStep(step: number): number {
    let kept = 0;
    while (kept < this.count && this.steps[kept]! < step) kept++;
    if (kept < this.count) {
      this.unshare();
      for (let i = kept + 1; i < this.count; i++) {
        if (this.steps[i]! < step) {
          this.steps[kept] = this.steps[i]!;
          this.values[kept] = this.values[i]!;
          this.wallTimes[kept] = this.wallTimes[i]!;
          kept++;
        }
      }
    }
    let dropped = this.count - kept;
    this.count = kept;
    if (this.tail && this.tail[0] >= step) {
      this.tail = undefined;
      dropped++;
    }
    return dropped;
  }

  clear(): void {
    this.unshare();
    this.count = 0;
    this.stride = 1;
    this.sinceKept = 0;
    this.tail = undefined;
  }

  /** Gives back memory a projection reserved but the reading did not fill. */
  trim(): void {
    const room = this.steps.length - this.count;
    if (room <= 1024 || room <= this.count / 4) return;
    this.resize(Math.max(2, this.count));
  }

  /** Keeps every other point and doubles the stride for what comes next. */
  private thin(): void {
    this.unshare();
    let kept = 0;
    for (let i = 0; i < this.count; i += 2) {
      this.steps[kept] = this.steps[i]!;
      this.values[kept] = this.values[i]!;
      this.wallTimes[kept] = this.wallTimes[i]!;
      kept++;
    }
    this.count = kept;
    this.stride *= 2;
    this.sinceKept = 0;
  }

  /** The points as a {@link Series} (views; see the class comment), optionally sorted by step (stable). */
  snapshot(run: string, tag: string, sortByStep = false): Series {
    const n = this.length;
    let steps: Float64Array;
    let values: Float64Array;
    let wallTimes: Float64Array;
    if (this.tail === undefined) {
      steps = this.steps.subarray(0, n);
      values = this.values.subarray(0, n);
      wallTimes = this.wallTimes.subarray(0, n);
      this.shared = true;
    } else {
      // The next push would overwrite the slot the skipped point would take in a view.
      steps = withPoint(this.steps, this.count, this.tail[0]);
      values = withPoint(this.values, this.count, this.tail[1]);
      wallTimes = withPoint(this.wallTimes, this.count, this.tail[2]);
    }
    if (sortByStep && !isNonDecreasing(steps)) {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => steps[a]! - steps[b]! || a - b);
      const [s, v, w] = [steps, values, wallTimes];
      steps = Float64Array.from(order, (i) => s[i]!);
      values = Float64Array.from(order, (i) => v[i]!);
      wallTimes = Float64Array.from(order, (i) => w[i]!);
    }
    const series: Series = { run, tag, steps, values, wallTimes };
    if (this.stride > 1) series.stride = this.stride;
    return series;
  }

  /** Makes room for at least `needed` points (one more than now by default). */
  private grow(needed = this.count + 1): void {
    const current = this.steps.length;
    // Project the final length from the reading's progress (a little over, so an estimate
    // that is just short does not cost another copy), but never more than 64x what is needed
    // now: a tag logged only early in a long file must not reserve room for the whole file
    // (and trim() gives back what it did reserve). 64x lets the first scanned group, up to a
    // 1 MiB chunk of points, reach a million-point projection in one step.
    const projected = Math.ceil(needed * (this.progress?.growthFactor() ?? 1) * 1.02) + 64;
    const wanted = Math.max(current * 2, needed, Math.min(projected, needed * 64));
    this.resize(Math.min(this.maxPoints, Math.max(16, wanted)));
  }

  private resize(capacity: number): void {
    // One allocation for the three columns: a large fresh mapping gets more of its memory
    // backed by huge pages (only whole aligned 2 MiB spans are), so fewer first-touch faults.
    const buffer = new ArrayBuffer(capacity * 24);
    for (const [i, key] of (['steps', 'values', 'wallTimes'] as const).entries()) {
      const next = new Float64Array(buffer, i * capacity * 8, capacity);
      next.set(this[key].subarray(0, this.count));
      this[key] = next;
    }
    this.shared = false;
  }

  /** Moves to private arrays before points are rewritten in place, if a snapshot views them. */
  private unshare(): void {
    if (this.shared) this.resize(this.steps.length);
  }
}

function withPoint(a: Float64Array, count: number, extra: number): Float64Array {
  const out = new Float64Array(count + 1);
  out.set(a.subarray(0, count));
  out[count] = extra;
  return out;
}

function isNonDecreasing(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (!(a[i]! >= a[i - 1]!)) return false;
  return true;
}

/** Tags kept per run; a hostile file inventing a new tag per record cannot exhaust memory. */
export const DEFAULT_MAX_TAGS = 50_000;

/** Series keyed by tag, remembering first-seen order. */
export class TagTable {
  private readonly byTag = new Map<string, SeriesBuilder>();
  /** Tags refused because the table was full. */
  refusedTags = 0;
  private readonly discard = new SeriesBuilder(2, 2);
  /** Set by a reader that knows how many bytes it will read, so series grow to fit at once. */
  readonly progress = new ReadProgress();

  constructor(
    readonly maxTags = DEFAULT_MAX_TAGS,
    readonly maxPointsPerSeries = DEFAULT_MAX_POINTS,
  ) {}

  /** The builder for `tag`, created on first use (past `maxTags`, a builder that keeps nothing). */
  get(tag: string): SeriesBuilder {
    let b = this.byTag.get(tag);
    if (b === undefined) {
      if (this.byTag.size >= this.maxTags) {
        this.refusedTags++;
        this.discard.clear();
        return this.discard;
      }
      b = new SeriesBuilder(64, this.maxPointsPerSeries, this.progress);
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
    this.refusedTags = 0;
  }

  /** After a reading: gives back room reserved for points that did not come. */
  trim(): void {
    for (const b of this.byTag.values()) b.trim();
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
