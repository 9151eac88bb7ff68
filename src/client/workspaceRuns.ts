/**
 * The editor side of reading training logs: which folders and globs to search (settings and
 * `files.exclude`), a file watcher whose bursts are coalesced, and progress. The reading
 * itself runs in the worker thread ({@link RunsWorker}), so the extension host stays free.
 *
 * Nothing is searched until something needs runs (the Loss Lens views become visible, a
 * command asks), so opening a Python file does not walk a large workspace.
 */
import * as vscode from 'vscode';
import { DEFAULT_LOG_GLOBS, DEFAULT_PREDICTION_GLOBS } from '../data/discovery.js';
import type { RunsSessionOptions, RunsSnapshot } from '../data/runs/session.js';
import { WatchCoalescer } from '../data/watch.js';
import { RunsWorker } from './runsWorker.js';

/** Reads shorter than this finish without a notification popping up. */
const PROGRESS_DELAY_MS = 700;

export class WorkspaceRuns implements vscode.Disposable {
  private readonly worker: RunsWorker;
  private readonly changed = new vscode.EventEmitter<RunsSnapshot>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private watchers: vscode.Disposable[] = [];
  private coalescer: WatchCoalescer<string> | undefined;
  private current: RunsSnapshot | undefined;
  private scanning: Promise<RunsSnapshot | undefined> | undefined;
  private started = false;

  /** Fires with every snapshot that differs from the previous one. */
  readonly onDidChange = this.changed.event;

  constructor(
    workerScript: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.worker = new RunsWorker(workerScript);
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.restartIfStarted()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lossLens.runs') || e.affectsConfiguration('files.exclude')) this.restartIfStarted();
      }),
    );
  }

  /** The latest snapshot, scanning first if nothing was read yet. */
  async snapshot(): Promise<RunsSnapshot | undefined> {
    if (this.current) return this.current;
    return this.refresh();
  }

  /** The snapshot without reading anything (undefined before the first scan). */
  peek(): RunsSnapshot | undefined {
    return this.current;
  }

  /** Re-walks the workspace and re-reads what changed. */
  refresh(): Promise<RunsSnapshot | undefined> {
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  /** The arrays of a prediction file, read in the worker. */
  arrays(path: string) {
    return this.worker.arrays(path);
  }

  series(run: string, tag: string) {
    return this.worker.series(run, tag);
  }

  dispose(): void {
    this.stopWatching();
    this.worker.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private restartIfStarted(): void {
    if (!this.started) return;
    this.started = false;
    this.current = undefined;
    this.stopWatching();
    void this.refresh();
  }

  private async scan(): Promise<RunsSnapshot | undefined> {
    if (!this.started) {
      const options = this.sessionOptions();
      if (options.roots.length === 0) {
        this.log.info('runs: no local workspace folder to search');
        this.publish({ version: 0, runs: [], predictions: [], issues: [], pending: [], truncated: false, bytes: 0 });
        return this.current;
      }
      await this.worker.open(options);
      this.started = true;
      this.watch(options);
    }
    const t0 = Date.now();
    try {
      const snap = await this.withDelayedProgress('Loss Lens: reading training logs', (signal, onProgress) => this.worker.scan({ signal, onProgress }));
      this.log.info(`runs: ${snap.runs.length} runs, ${snap.predictions.length} prediction files, ${snap.issues.length} problems, ${(snap.bytes / 1e6).toFixed(1)} MB in ${Date.now() - t0} ms`);
      for (const issue of snap.issues) this.log.warn(`runs: ${issue.message}`);
      this.publish(snap);
      return snap;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (/cancelled/.test(message)) this.log.info('runs: reading cancelled');
      else this.log.error(`runs: ${message}`);
      return this.current;
    }
  }

  private publish(snap: RunsSnapshot): void {
    this.current = snap;
    this.changed.fire(snap);
  }

  private sessionOptions(): RunsSessionOptions {
    const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const config = vscode.workspace.getConfiguration('lossLens.runs');
    const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {};
    const extra = config.get<string[]>('exclude') ?? [];
    const exclude = [...Object.entries(filesExclude).filter(([, v]) => v === true).map(([k]) => k), ...extra];
    return {
      roots,
      logGlobs: nonEmpty(config.get<string[]>('logGlobs')) ?? DEFAULT_LOG_GLOBS,
      predictionGlobs: nonEmpty(config.get<string[]>('predictionGlobs')) ?? DEFAULT_PREDICTION_GLOBS,
      exclude,
    };
  }

  /**
   * One recursive watcher per folder: log formats keep data in files no glob names (MLflow's
   * extensionless metric files) and runs appear as new folders. The session ignores paths it
   * does not care about; bursts of writes are coalesced into one read.
   */
  private watch(options: RunsSessionOptions): void {
    if (!vscode.workspace.getConfiguration('lossLens.runs').get<boolean>('watch', true)) return;
    this.coalescer = new WatchCoalescer<string>(
      async (paths) => {
        try {
          const snap = await this.worker.changed([...paths]);
          if (snap) this.publish(snap);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          if (!/cancelled|disposed/.test(message)) this.log.error(`runs: ${message}`);
        }
      },
      { quietMs: 250, maxDelayMs: 1500, onError: (e) => this.log.error(`runs: ${String(e)}`) },
    );
    for (const root of options.roots) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
      const notify = (uri: vscode.Uri) => {
        if (uri.scheme === 'file' && !/[\\/](\.git|node_modules|__pycache__)([\\/]|$)/.test(uri.fsPath)) this.coalescer?.notify(uri.fsPath);
      };
      watcher.onDidCreate(notify);
      watcher.onDidChange(notify);
      watcher.onDidDelete(notify);
      this.watchers.push(watcher);
    }
  }

  private stopWatching(): void {
    this.coalescer?.dispose();
    this.coalescer = undefined;
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
  }

  /**
   * Runs `work`; if it takes longer than PROGRESS_DELAY_MS, shows a notification with a
   * progress bar and a Cancel button that aborts it.
   */
  private async withDelayedProgress<T>(title: string, work: (signal: AbortSignal, onProgress: (done: number, total: number | undefined) => void) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let latest: [number, number | undefined] = [0, undefined];
    let report: ((done: number, total: number | undefined) => void) | undefined;
    const running = work(controller.signal, (done, total) => {
      latest = [done, total];
      report?.(done, total);
    });
    let finished = false;
    const timer = setTimeout(() => {
      if (finished) return;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        let shown = 0;
        report = (done, total) => {
          if (!total) return progress.report({ message: `${(done / 1e6).toFixed(1)} MB` });
          const pct = Math.min(100, (100 * done) / total);
          progress.report({ increment: pct - shown, message: `${(done / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB` });
          shown = pct;
        };
        report(...latest);
        return running.then(
          () => undefined,
          () => undefined,
        );
      });
    }, PROGRESS_DELAY_MS);
    try {
      return await running;
    } finally {
      finished = true;
      clearTimeout(timer);
    }
  }
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list : undefined;
}
