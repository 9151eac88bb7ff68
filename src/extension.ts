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
import { CATALOG_VIEW_TYPE, CatalogPanel } from './dashboard/catalogPanel.js';
import type { CatalogViewState } from './protocol.js';

let client: LanguageClient | undefined;

/** What the extension exports to other extensions and to its integration tests. */
export interface LossLensApi {
  /** Number of catalogued loss APIs. */
  catalogSize: number;
  /** Resolves when the language server is running (after a Python document opened). */
  languageServerReady(): Promise<void>;
}

export function activate(context: vscode.ExtensionContext): LossLensApi {
  const log = vscode.window.createOutputChannel('Loss Lens', { log: true });
  const worker = new KernelWorker(vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath);
  context.subscriptions.push(log, { dispose: () => worker.dispose() });

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
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
