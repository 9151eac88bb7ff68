/**
 * MLflow tracking stores.
 *
 * File store (`mlruns/`): `<experiment_id>/meta.yaml` (name, lifecycle_stage) and
 * `<experiment_id>/<run_id>/meta.yaml` (run_name, lifecycle_stage), with one file per metric
 * under `<run_id>/metrics/` (keys containing `/` become subdirectories). Each metric file is
 * appended one line per logged value: `<timestamp ms> <value> <step>` (older files have no
 * step: 0). Appended lines are read incrementally; deleted runs and experiments (and
 * `.trash`) are skipped.
 *
 * SQL store (`mlflow.db`, SQLite): tables experiments, runs and metrics (key, value,
 * timestamp, step, is_nan, run_uuid); NaN is stored as is_nan=1, ±Infinity as ±DBL_MAX.
 * Read through sql.js (SQLite compiled to WebAssembly), which needs the database in memory,
 * so it is read whole on each change, up to a size limit.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DataError } from '../errors.js';
import { FileTail, ioError, readWholeFile } from '../tail.js';
import { IssueLog } from './issues.js';
import { LineSplitter } from './lines.js';
import { TagTable, parseLoggedNumber, type LogRun } from './series.js';
import type { LogSource, PendingTail, UpdateOptions } from './source.js';

const DBL_MAX = 1.7976931348623157e308;

interface MetricFile {
  key: string;
  tail: FileTail;
  lines: LineSplitter;
}

interface FileStoreRun {
  id: string;
  dir: string;
  experiment: string;
  title: string;
  table: TagTable;
  metrics: Map<string, MetricFile>;
}

/** Reads a small YAML file (MLflow's meta.yaml); undefined when absent or unreadable. */
async function readMeta(file: string, log: IssueLog): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v: unknown = parseYaml(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const message = e instanceof Error ? e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') : String(e);
    log.add(file, `invalid YAML: ${message}`, pos ? { line: pos.line, column: pos.col } : {});
    return undefined;
  }
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError(dir, e);
  }
}

/** Metric files under `dir`, as keys relative to it (subdirectories join with '/'). */
async function listMetricFiles(dir: string, prefix = '', depth = 0): Promise<string[]> {
  if (depth > 16) return [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.isFile()) out.push(prefix + e.name);
    else if (e.isDirectory()) out.push(...(await listMetricFiles(join(dir, e.name), `${prefix}${e.name}/`, depth + 1)));
  }
  return out.sort();
}

/** An `mlruns/` file store: every active run of every active experiment. */
export class MlflowFileStoreSource implements LogSource {
  readonly format = 'mlflow' as const;
  private readonly log = new IssueLog();
  private readonly runsById = new Map<string, FileStoreRun>();

  /** `prefix` is prepended to run names (e.g. the store's folder relative to the workspace). */
  constructor(
    readonly path: string,
    readonly prefix = '',
  ) {}

  async update(options: UpdateOptions = {}): Promise<boolean> {
    let changed = false;
    const seen = new Set<string>();
    for (const expId of await listDirs(this.path)) {
      if (expId.startsWith('.') || expId === 'models') continue;
      const expDir = join(this.path, expId);
      const expMeta = await readMeta(join(expDir, 'meta.yaml'), this.log);
      if (expMeta === undefined || expMeta['lifecycle_stage'] === 'deleted') continue;
      const expName = String(expMeta['name'] ?? expId);
      for (const runId of await listDirs(expDir)) {
        const runDir = join(expDir, runId);
        const meta = await readMeta(join(runDir, 'meta.yaml'), this.log);
        if (meta === undefined || meta['lifecycle_stage'] === 'deleted') continue;
        seen.add(runDir);
        let run = this.runsById.get(runDir);
        if (run === undefined) {
          run = { id: runId, dir: runDir, experiment: expName, title: await runTitle(runDir, meta, runId), table: new TagTable(), metrics: new Map() };
          this.runsById.set(runDir, run);
          changed = true;
        }
        if (await this.updateRun(run, options)) changed = true;
      }
    }
    for (const dir of [...this.runsById.keys()]) {
      if (!seen.has(dir)) {
        this.runsById.delete(dir);
        changed = true;
      }
    }
    return changed;
  }

  runs(): LogRun[] {
    const out: LogRun[] = [];
    const names = new Set<string>();
    for (const run of this.runsById.values()) {
      let name = `${this.prefix}${run.experiment}/${run.title}`;
      if (names.has(name)) name = `${name} (${run.id.slice(0, 8)})`;
      names.add(name);
      // MLflow plots by step; lines are in logging order, which need not be step order.
      out.push({ name, format: this.format, path: run.dir, series: run.table.snapshot(name, true), title: run.title });
    }
    return out;
  }

  issues(): DataError[] {
    return this.log.all();
  }

  pending(): PendingTail[] {
    const out: PendingTail[] = [];
    for (const run of this.runsById.values()) {
      for (const m of run.metrics.values()) {
        if (m.lines.heldBytes > 0) out.push({ file: m.tail.path, offset: m.lines.heldOffset, bytes: m.lines.heldBytes });
      }
    }
    return out;
  }

  files(): string[] {
    return [...this.runsById.values()].flatMap((r) => [...r.metrics.values()].map((m) => m.tail.path));
  }

  private async updateRun(run: FileStoreRun, options: UpdateOptions): Promise<boolean> {
    let changed = false;
    const metricsDir = join(run.dir, 'metrics');
    for (const key of await listMetricFiles(metricsDir)) {
      let m = run.metrics.get(key);
      if (m === undefined) {
        m = this.newMetricFile(run, key, join(metricsDir, key));
        run.metrics.set(key, m);
      }
      const check = await m.tail.check();
      if (check.change === 'unchanged' || check.change === 'missing') continue;
      if (check.change !== 'appended') {
        // Rewritten (not what MLflow does, but a user may): read it again.
        m.tail.reset();
        run.table.get(key).clear();
        this.log.clearFile(m.tail.path);
        const fresh = this.newMetricFile(run, key, m.tail.path);
        m.lines = fresh.lines;
      }
      await m.tail.readAppended((chunk) => m!.lines.feed(chunk), options);
      if (options.final) m.lines.flush();
      changed = true;
    }
    return changed;
  }

  private newMetricFile(run: FileStoreRun, key: string, file: string): MetricFile {
    const series = run.table.get(key);
    const lines = new LineSplitter((line, lineNumber) => {
      if (line.trim() === '') return;
      const parts = line.trim().split(/\s+/);
      if (parts.length < 2 || parts.length > 3) {
        this.log.add(file, `expected '<timestamp> <value> [<step>]', got ${parts.length} fields; line skipped`, { line: lineNumber });
        return;
      }
      const ts = Number(parts[0]);
      const value = parseLoggedNumber(parts[1]!);
      const step = parts.length === 3 ? Number(parts[2]) : 0;
      if (!Number.isFinite(ts)) return this.log.add(file, `timestamp '${parts[0]}' is not a number; line skipped`, { line: lineNumber });
      if (value === undefined) return this.log.add(file, `value '${parts[1]}' is not a number; line skipped`, { line: lineNumber });
      if (!Number.isFinite(step)) return this.log.add(file, `step '${parts[2]}' is not a number; line skipped`, { line: lineNumber });
      series.push(step, value, ts / 1000);
    });
    return { key, tail: new FileTail(file), lines };
  }
}

async function runTitle(runDir: string, meta: Record<string, unknown>, runId: string): Promise<string> {
  if (typeof meta['run_name'] === 'string' && meta['run_name'] !== '') return meta['run_name'];
  try {
    const tag = (await readFile(join(runDir, 'tags', 'mlflow.runName'), 'utf8')).trim();
    if (tag !== '') return tag;
  } catch {
    // No run name tag: fall back to the id.
  }
  return runId;
}

// ---------------------------------------------------------------------------------------------
// SQL store through sql.js
// ---------------------------------------------------------------------------------------------

/** mlflow.db files beyond this are refused: sql.js holds the whole database in memory. */
export const MAX_MLFLOW_DB_BYTES = 2 * 1024 * 1024 * 1024 - 1;

type SqlJs = Awaited<ReturnType<typeof import('sql.js')['default']>>;
let sqlJs: Promise<SqlJs> | undefined;

/** Where sql.js's WebAssembly file is: next to the bundle in dist/, or in node_modules when run from source. */
function sqlWasmCandidates(): string[] {
  const out: string[] = [];
  if (typeof __dirname === 'string') out.push(join(__dirname, 'sql-wasm.wasm'));
  try {
    out.push(require.resolve('sql.js/dist/sql-wasm.wasm'));
  } catch {
    // Not resolvable from a bundle: the copy next to it is used.
  }
  return out;
}

async function loadSqlJs(file: string): Promise<SqlJs> {
  sqlJs ??= (async () => {
    let wasm: Uint8Array | undefined;
    for (const candidate of sqlWasmCandidates()) {
      try {
        wasm = await readFile(candidate);
        break;
      } catch {
        // try the next place
      }
    }
    if (wasm === undefined) throw new Error('sql-wasm.wasm was not found next to the bundle');
    const init = (await import('sql.js')).default;
    return init({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer });
  })();
  try {
    return await sqlJs;
  } catch (e) {
    sqlJs = undefined;
    throw new DataError(file, `cannot load SQLite (sql.js): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** An `mlflow.db` SQLite tracking store. */
export class MlflowSqliteSource implements LogSource {
  readonly format = 'mlflow' as const;
  private readonly log = new IssueLog();
  private readonly tail: FileTail;
  private current: LogRun[] = [];

  constructor(
    readonly path: string,
    readonly prefix = '',
  ) {
    this.tail = new FileTail(path);
  }

  async update(options: UpdateOptions = {}): Promise<boolean> {
    const check = await this.tail.check();
    if (check.change === 'unchanged' || check.change === 'missing') return false;
    const bytes = await readWholeFile(this.path, MAX_MLFLOW_DB_BYTES, options, this.tail);
    this.log.clearFile(this.path);
    const SQL = await loadSqlJs(this.path);
    let db;
    try {
      db = new SQL.Database(bytes);
    } catch (e) {
      this.log.add(this.path, `not a readable SQLite database: ${e instanceof Error ? e.message : String(e)}`);
      this.current = [];
      return true;
    }
    try {
      this.current = this.query(db);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.add(this.path, /no such (table|column)/.test(message) ? `not an MLflow tracking database: ${message}` : `SQLite error: ${message}`);
      this.current = [];
    } finally {
      db.close();
    }
    return true;
  }

  runs(): LogRun[] {
    return this.current;
  }

  issues(): DataError[] {
    return this.log.all();
  }

  pending(): PendingTail[] {
    return [];
  }

  files(): string[] {
    return [this.path];
  }

  private query(db: InstanceType<SqlJs['Database']>): LogRun[] {
    const stmt = db.prepare(
      `SELECT e.name, r.run_uuid, r.name, m.key, m.value, m.timestamp, m.step, m.is_nan
         FROM metrics m
         JOIN runs r ON r.run_uuid = m.run_uuid
         JOIN experiments e ON e.experiment_id = r.experiment_id
        WHERE COALESCE(r.lifecycle_stage, 'active') != 'deleted'
          AND COALESCE(e.lifecycle_stage, 'active') != 'deleted'
        ORDER BY e.name, r.start_time, r.run_uuid, m.key, m.step, m.timestamp`,
    );
    const runs = new Map<string, { experiment: string; title: string; id: string; table: TagTable }>();
    try {
      while (stmt.step()) {
        const [exp, runId, runName, key, value, ts, step, isNan] = stmt.get() as [string, string, string | null, string, number, number | null, number, number];
        let run = runs.get(runId);
        if (run === undefined) {
          run = { experiment: String(exp), title: runName || String(runId), id: String(runId), table: new TagTable() };
          runs.set(runId, run);
        }
        const v = isNan ? NaN : value >= DBL_MAX ? Infinity : value <= -DBL_MAX ? -Infinity : Number(value);
        run.table.get(String(key)).push(Number(step), v, ts === null ? NaN : Number(ts) / 1000);
      }
    } finally {
      stmt.free();
    }
    const names = new Set<string>();
    return [...runs.values()].map((r) => {
      let name = `${this.prefix}${r.experiment}/${r.title}`;
      if (names.has(name)) name = `${name} (${r.id.slice(0, 8)})`;
      names.add(name);
      return { name, format: this.format, path: this.path, series: r.table.snapshot(name), title: r.title };
    });
  }
}

/** True when `dir` looks like an MLflow file store (an experiment folder with meta.yaml). */
export async function isMlflowFileStore(dir: string): Promise<boolean> {
  for (const name of await listDirs(dir)) {
    try {
      if ((await stat(join(dir, name, 'meta.yaml'))).isFile()) return true;
    } catch {
      // not an experiment folder
    }
  }
  return false;
}
