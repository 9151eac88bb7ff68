/**
 * The loss catalog panel: every catalogued API with its documentation and, where the loss has
 * a natural 1-D view, its loss curve computed by the real kernels in the kernel worker.
 */
import * as vscode from 'vscode';
import { ENTRIES, FAMILIES, lookup } from '../catalog/index.js';
import { signatureOf } from '../catalog/signature.js';
import type { KernelWorker } from '../client/kernelWorker.js';
import type { CatalogListItem, CatalogToHost, CatalogViewState, HostToCatalog } from '../protocol.js';
import { lossCurvePlot } from './curvesViaWorker.js';
import { webviewHtml } from './html.js';

export const CATALOG_VIEW_TYPE = 'lossLens.catalog';

export class CatalogPanel {
  private static current: CatalogPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private selected: string | undefined;

  /** Opens the panel (or reveals it), optionally on one API. */
  static show(context: vscode.ExtensionContext, worker: KernelWorker, log: vscode.LogOutputChannel, api?: string): CatalogPanel {
    if (CatalogPanel.current) {
      CatalogPanel.current.panel.reveal();
      if (api) void CatalogPanel.current.select(api);
      return CatalogPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(CATALOG_VIEW_TYPE, 'Loss Catalog', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
    });
    return new CatalogPanel(panel, context, worker, log, { selected: api });
  }

  /** Restores a panel VS Code kept across a reload. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, worker: KernelWorker, log: vscode.LogOutputChannel, state: CatalogViewState | undefined): void {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')] };
    new CatalogPanel(panel, context, worker, log, state ?? {});
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly worker: KernelWorker,
    private readonly log: vscode.LogOutputChannel,
    state: CatalogViewState,
  ) {
    CatalogPanel.current = this;
    this.selected = state.selected;
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'Loss Catalog', 'catalog');
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.svg');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: CatalogToHost) => void this.onMessage(m)),
    );
  }

  private post(message: HostToCatalog): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: CatalogToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const items: CatalogListItem[] = ENTRIES.map((e) => ({
          id: e.id,
          framework: e.framework,
          kind: e.kind,
          family: e.family,
          summary: e.summary,
          computed: e.kernel.computed,
        }));
        this.post({ type: 'catalog', items, families: [...FAMILIES], selected: this.selected });
        if (this.selected) await this.select(this.selected);
        return;
      }
      case 'select':
        await this.select(message.id);
        return;
      case 'openDocs':
        // Only catalogued documentation links are opened; the webview cannot name arbitrary URLs.
        if (ENTRIES.some((e) => e.docs === message.url)) await vscode.env.openExternal(vscode.Uri.parse(message.url));
        return;
    }
  }

  async select(id: string): Promise<void> {
    const entry = lookup(id);
    if (entry === undefined) return;
    this.selected = entry.id;
    let plot;
    try {
      plot = await lossCurvePlot(this.worker, entry);
    } catch (e) {
      this.log.warn(`loss curve for ${entry.id} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.post({ type: 'entry', entry, signature: signatureOf(entry), plot });
  }

  private dispose(): void {
    if (CatalogPanel.current === this) CatalogPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
  }
}
