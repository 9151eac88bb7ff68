/**
 * Starts the Loss Lens language server (dist/server.js over IPC) for Python documents.
 */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'python', scheme: 'file' },
      { language: 'python', scheme: 'untitled' },
      { language: 'python', scheme: 'vscode-notebook-cell' },
    ],
    outputChannel: log,
  };
  return new LanguageClient('lossLens', 'Loss Lens', serverOptions, clientOptions);
}
