/**
 * Helpers for integration tests that use the real VS Code API: the extension under test, the
 * demo workspace's files, polling for state that settles asynchronously.
 */
import * as vscode from 'vscode';

/** The extension's id: `publisher.name` from package.json. */
export const EXTENSION_ID = 'losslens.loss-lens';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns a value other than undefined/false, or fails after
 * `timeoutMs` with `what` in the message. Used instead of fixed sleeps.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

/** The extension under test; fails clearly when VS Code did not load it. */
export function lossLensExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repository root?)`);
  return extension;
}

/** A file of the open workspace (the demo workspace, examples/). */
export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open (the suite expects examples/)');
  return vscode.Uri.joinPath(folder.uri, ...relativePath.split('/'));
}

/** Opens a workspace file in an editor and waits until it is the active editor. */
export async function openInEditor(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relativePath));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  await waitFor(`${relativePath} to be the active editor`, () => vscode.window.activeTextEditor?.document === document);
  return editor;
}

/** Webview tabs whose view type is `viewType` (VS Code prefixes extension view types internally). */
export function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && (tab.input.viewType === viewType || tab.input.viewType.endsWith(`-${viewType}`)));
}

/** The demo workspace's PyTorch training script (a Lightning CIFAR-10 classifier). */
export const TRAINING_SCRIPT = 'pytorch/train_cifar10.py';

/** What the extension returns from activate() (src/extension.ts, LossLensApi). */
export interface ActivatedApi {
  catalogSize: number;
  languageServerReady(): Promise<void>;
}
