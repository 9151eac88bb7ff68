/**
 * Loss Lens extension entry: thin wiring only. Registers commands and the webview serializer,
 * starts the language server when a Python document is open, and hands kernel work to a
 * worker thread. Everything else lives in the editor-free core (catalog, kernels, data).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ENTRIES } from './catalog/index.js';
import { KernelWorker } from './client/kernelWorker.js';
import { createLanguageClient } from './client/languageClient.js';
import { PredictionsTreeProvider, RunsTreeProvider } from './client/runsTree.js';
import { WorkspaceRuns } from './client/workspaceRuns.js';
import type { RunsSnapshot } from './data/runs/session.js';
import type { ArrayListing } from './worker/worker.js';
import { CATALOG_VIEW_TYPE, CatalogPanel } from './dashboard/catalogPanel.js';
import type { CatalogViewState } from './protocol.js';

let client: LanguageClient | undefined;

/** What the extension exports to other extensions and to its integration tests. */
export interface LossLensApi {
  /** Number of catalogued loss APIs. */
  catalogSize: number;
  /** Resolves when the language server is running (after a Python document opened). */
  languageServerReady(): Promise<void>;
  /** The workspace's training runs and prediction files (scans on first use). */
  runs(): Promise<RunsSnapshot | undefined>;
  /** The arrays of a prediction file (names, shapes, dtypes), read in the worker. */
  arrays(path: string): Promise<ArrayListing>;
  /** Resolves with the next snapshot that differs from the current one (live updates). */
  nextRunsChange(): Promise<RunsSnapshot>;
}

export function activate(context: vscode.ExtensionContext): LossLensApi {
  const log = vscode.window.createOutputChannel('Loss Lens', { log: true });
  const worker = new KernelWorker(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath);
  context.subscriptions.push(log, { dispose: () => worker.dispose() });

  // Training logs are read in a second worker, so a long read never queues behind a kernel.
  const runs = new WorkspaceRuns(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath, log);
  const runsView = vscode.window.createTreeView('lossLens.runs', { treeDataProvider: new RunsTreeProvider(runs), showCollapseAll: true });
  const predictionsView = vscode.window.createTreeView('lossLens.predictions', { treeDataProvider: new PredictionsTreeProvider(runs) });
  context.subscriptions.push(
    runs,
    runsView,
    predictionsView,
    runs.onDidChange((snap) => {
      runsView.badge = snap.issues.length > 0 ? { value: snap.issues.length, tooltip: `${snap.issues.length} problem(s) reading training logs` } : undefined;
      runsView.message = snap.runs.length === 0 ? undefined : snap.truncated ? 'The search stopped at its entry limit; narrow lossLens.runs.logGlobs.' : undefined;
    }),
    vscode.commands.registerCommand('lossLens.refreshRuns', () => runs.refresh()),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand('lossLens.showCatalog', (api?: unknown) =>
      CatalogPanel.show(context, worker, log, typeof api === 'string' ? api : undefined),
    ),
    vscode.commands.registerCommand('lossLens.showOutput', () => log.show(true)),
    vscode.window.registerWebviewPanelSerializer(CATALOG_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state: CatalogViewState | undefined) {
        CatalogPanel.revive(panel, context, worker, log, state);
      },
    }),
  );

  let started: Promise<void> | undefined;
  const startLanguageServer = (): Promise<void> => {
    started ??= (async () => {
      client = createLanguageClient(context, log);
      context.subscriptions.push(client);
      await client.start();
      log.info('language server started');
    })().catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      log.error(`language server failed to start: ${message}`);
      void vscode.window.showErrorMessage(`Loss Lens: the language server failed to start (${message}).`, 'Show Output').then((choice) => {
        if (choice) log.show(true);
      });
    });
    return started;
  };
  const isPython = (d: vscode.TextDocument) => d.languageId === 'python';
  if (vscode.workspace.textDocuments.some(isPython)) void startLanguageServer();
  else {
    const listener = vscode.workspace.onDidOpenTextDocument((d) => {
      if (!isPython(d)) return;
      listener.dispose();
      void startLanguageServer();
    });
    context.subscriptions.push(listener);
  }

  log.info(`Loss Lens activated: ${ENTRIES.length} loss APIs catalogued`);
  return {
    catalogSize: ENTRIES.length,
    languageServerReady: () => startLanguageServer(),
    runs: () => runs.snapshot(),
    arrays: (path) => runs.arrays(path),
    nextRunsChange: () =>
      new Promise<RunsSnapshot>((resolve) => {
        const once = runs.onDidChange((snap) => {
          once.dispose();
          resolve(snap);
        });
      }),
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
