/**
 * The training runs of a workspace, kept current while jobs write their logs.
 *
 * A session owns one {@link LogSource} per discovered log under its roots. `scan()` walks the
 * roots and reads everything once; `filesChanged()` takes the paths a file watcher reported
 * and reads only what changed: appended bytes of the sources those files belong to, and a new
 * walk only when a file appeared that no source reads yet (a new run, a new event file in an
 * existing run is read by its run's source). The editor runs a session in its worker thread,
 * so parsing never blocks the extension host; the CLI and tests can use it directly.
 */
import { existsSync, statSync, type Stats } from 'node:fs';
import { dirname, sep } from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_LOG_GLOBS, type DiscoveredLog, type DiscoveredPrediction, type DiscoveryOptions, discover } from '../discovery.js';
import { DataError, type DataLocation, type ProgressReporter } from '../errors.js';
import { openLogSource } from '../logs/index.js';
import type { LogFormat, LogRun, Series } from '../logs/series.js';
import type { LogSource } from '../logs/source.js';
import { type SeriesSummary, summarize } from '../logs/summary.js';

export interface RunsSessionOptions extends Omit<DiscoveryOptions, 'signal'> {
  /** Folders to search (workspace folders). */
  roots: string[];
}

export interface TagSummary extends SeriesSummary {
  tag: string;
  /** Set when the series was thinned to every `stride`-th point. */
  stride?: number;
}

export interface RunSummary {
  /** Unique within the snapshot: `<root name>/<run>` when there are several roots. */
  name: string;
  format: LogFormat;
  path: string;
  title?: string;
  tags: TagSummary[];
}

export interface RunsIssue {
  file: string;
  location: DataLocation;
  problem: string;
  message: string;
}

export interface RunsSnapshot {
  /** Increases with every change, so a view can skip redrawing an unchanged snapshot. */
  version: number;
  runs: RunSummary[];
  predictions: DiscoveredPrediction[];
  issues: RunsIssue[];
  /** Files that end with an incomplete record (still being written). */
  pending: { file: string; offset: number; bytes: number }[];
  /** The walk stopped at its entry limit. */
  truncated: boolean;
  /** Total bytes of the logs read. */
  bytes: number;
}

export interface SessionReadOptions {
  signal?: AbortSignal;
  onProgress?: ProgressReporter;
}

interface TrackedSource {
  log: DiscoveredLog;
  root: string;
  prefix: string;
  source: LogSource;
  /** Problems of the last update that failed as a whole (the source could not be read). */
  failure: DataError | undefined;
}

export class RunsSession {
  private sources = new Map<string, TrackedSource>();
  private predictions: DiscoveredPrediction[] = [];
  private truncated = false;
  private version = 0;
  private readonly isLogPath: (rel: string) => boolean;

  constructor(private readonly options: RunsSessionOptions) {
    this.isLogPath = picomatch(options.logGlobs ?? DEFAULT_LOG_GLOBS, { dot: true });
  }

  /** Walks every root, opens a source per log found and reads them all. */
  async scan(read: SessionReadOptions = {}): Promise<RunsSnapshot> {
    const found = await this.discoverAll(read.signal);
    const next = new Map<string, TrackedSource>();
    for (const f of found) {
      const key = sourceKey(f.log);
      // Keep what was already read of a log that is still whole: only its new bytes are read.
      // A source one of whose files went away is read afresh, so deleted points disappear.
      const known = this.sources.get(key);
      const intact = known !== undefined && known.source.files().every((file) => existsSync(file));
      next.set(key, intact ? { ...known, log: f.log } : { ...f, source: openLogSource(f.log), failure: undefined });
    }
    this.sources = next;
    await this.updateSources([...next.values()], read);
    this.version++;
    return this.snapshot();
  }

  /**
   * Reads what changed after a watcher reported `paths` (created, changed or deleted files).
   * Resolves to the new snapshot, or undefined when nothing visible changed.
   */
  async filesChanged(paths: Iterable<string>, read: SessionReadOptions = {}): Promise<RunsSnapshot | undefined> {
    const touched = new Set<TrackedSource>();
    let rediscover = false;
    for (const path of paths) {
      const owners = this.owners(path);
      for (const o of owners) touched.add(o);
      if (this.changesRunSet(path, owners.length > 0)) rediscover = true;
    }
    if (rediscover) return this.scan(read);
    if (touched.size === 0) return undefined;
    const changed = await this.updateSources([...touched], read);
    if (!changed) return undefined;
    this.version++;
    return this.snapshot();
  }

  /**
   * The full series of one tag of one run (for charts), or undefined if it is not there. The
   * arrays are copies the caller owns (and may transfer to another thread).
   */
  series(run: string, tag: string): Series | undefined {
    for (const t of this.sources.values()) {
      for (const r of t.source.runs()) {
        if (t.prefix + r.name !== run) continue;
        const s = r.series.find((x) => x.tag === tag);
        if (s) return { ...s, run, steps: s.steps.slice(), values: s.values.slice(), wallTimes: s.wallTimes.slice() };
      }
    }
    return undefined;
  }

  /** Every file a watcher should follow for the sources open now. */
  watchedFiles(): string[] {
    return [...this.sources.values()].flatMap((t) => t.source.files());
  }

  snapshot(): RunsSnapshot {
    const runs: RunSummary[] = [];
    const issues: RunsIssue[] = [];
    const pending: RunsSnapshot['pending'] = [];
    let bytes = 0;
    for (const t of this.sources.values()) {
      bytes += t.log.bytes;
      for (const r of t.source.runs()) runs.push(summarizeRun(r, t.prefix));
      for (const e of [...(t.failure ? [t.failure] : []), ...t.source.issues()]) issues.push(issueOf(e));
      pending.push(...t.source.pending());
    }
    runs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { version: this.version, runs, predictions: this.predictions, issues, pending, truncated: this.truncated, bytes };
  }

  private async discoverAll(signal: AbortSignal | undefined): Promise<Omit<TrackedSource, 'source' | 'failure'>[]> {
    const { roots, ...discovery } = this.options;
    const several = roots.length > 1;
    const found: Omit<TrackedSource, 'source' | 'failure'>[] = [];
    const predictions: DiscoveredPrediction[] = [];
    let truncated = false;
    for (const root of roots) {
      const prefix = several ? `${baseName(root)}/` : '';
      let d;
      try {
        d = await discover(root, { ...discovery, signal });
      } catch (e) {
        if (e instanceof DataError && e.problem !== 'read cancelled') {
          // A workspace folder that vanished is not a reason to drop the other folders' runs.
          continue;
        }
        throw e;
      }
      truncated ||= d.truncated;
      for (const log of d.logs) found.push({ log, root, prefix });
      for (const p of d.predictions) predictions.push(several ? { ...p, group: prefix + p.group } : p);
    }
    this.predictions = predictions;
    this.truncated = truncated;
    return found;
  }

  /** Updates sources in turn with progress over their total size; true if any changed. */
  private async updateSources(list: TrackedSource[], read: SessionReadOptions): Promise<boolean> {
    const total = list.reduce((sum, t) => sum + t.log.bytes, 0);
    let base = 0;
    let changed = false;
    for (const t of list) {
      const before = base;
      try {
        const c = await t.source.update({
          signal: read.signal,
          onProgress: read.onProgress ? (done) => read.onProgress!(Math.min(total, before + done), total) : undefined,
        });
        changed ||= c || t.failure !== undefined;
        t.failure = undefined;
      } catch (e) {
        if (!(e instanceof DataError)) throw e;
        if (e.problem === 'read cancelled') throw e;
        changed ||= t.failure?.message !== e.message;
        t.failure = e;
      }
      base += t.log.bytes;
      read.onProgress?.(Math.min(total, base), total);
    }
    return changed;
  }

  /** The sources that read `path`, or whose run directory holds it. */
  private owners(path: string): TrackedSource[] {
    const result: TrackedSource[] = [];
    for (const t of this.sources.values()) {
      const dirSource = t.log.kind === 'tfevents' || t.log.kind === 'wandb' || t.log.kind === 'mlflow-file-store';
      if (t.source.files().includes(path) || t.log.files.includes(path) || (dirSource && isInside(path, t.log.path))) result.push(t);
    }
    return result;
  }

  /**
   * Whether a changed path can add or remove a run, which only a new walk finds out: a new
   * log file no source reads, a new folder (a run created, or moved in), or something
   * deleted that a source was reading (a file, or a folder holding one).
   */
  private changesRunSet(path: string, owned: boolean): boolean {
    const root = this.options.roots.find((r) => isInside(path, r));
    if (root === undefined) return false;
    let st: Stats | undefined;
    try {
      st = statSync(path);
    } catch {
      st = undefined;
    }
    if (st === undefined) return owned || this.watchedFiles().some((f) => isInside(f, path));
    if (st.isDirectory()) return !owned;
    if (owned) return false;
    const rel = path.slice(root.length).replace(/^[\\/]+/, '').split(sep).join('/');
    return this.isLogPath(rel);
  }
}

function summarizeRun(r: LogRun, prefix: string): RunSummary {
  return {
    name: prefix + r.name,
    format: r.format,
    path: r.path,
    ...(r.title ? { title: r.title } : {}),
    tags: r.series.map((s) => ({ tag: s.tag, ...summarize(s), ...(s.stride ? { stride: s.stride } : {}) })),
  };
}

function issueOf(e: DataError): RunsIssue {
  return { file: e.file, location: e.location, problem: e.problem, message: e.message };
}

function sourceKey(log: DiscoveredLog): string {
  return `${log.kind}\u0000${log.path}`;
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function baseName(p: string): string {
  const d = p.replace(/[\\/]+$/, '');
  return d.slice(dirname(d).length).replace(/^[\\/]+/, '') || d;
}
