/**
 * Activation in a real VS Code: nothing activates Loss Lens until a Python file opens, then it
 * activates and starts its language server. Both runners load this file first (index.ts and
 * .vscode-test.mjs), because no other test may have activated the extension before it.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { type ActivatedApi, EXTENSION_ID, lossLensExtension, openInEditor, TRAINING_SCRIPT, waitFor } from './support/workbench.js';

// Captured when mocha loads this file, before any test of any file runs (and may activate it).
const activeBeforeTests = vscode.extensions.getExtension(EXTENSION_ID)?.isActive;
const pythonOpenBeforeTests = vscode.workspace.textDocuments.some((d) => d.languageId === 'python');

suite('Activation', () => {
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('activates when a Python file opens, not before', async () => {
    const extension = lossLensExtension();
    // With no Python document open (fresh window, no restored editors) nothing has asked for it.
    assert.equal(activeBeforeTests, pythonOpenBeforeTests, `isActive was ${activeBeforeTests} with ${pythonOpenBeforeTests ? 'a' : 'no'} Python document open`);

    const editor = await openInEditor(TRAINING_SCRIPT);
    assert.equal(editor.document.languageId, 'python');
    await waitFor('the extension to activate', () => extension.isActive);
    const api = extension.exports as ActivatedApi;
    assert.ok(Number.isInteger(api.catalogSize) && api.catalogSize > 0, `catalogSize is ${api.catalogSize}`);
  });

  test('starts its language server, which answers hovers on the Python file', async () => {
    const api = (await lossLensExtension().activate()) as ActivatedApi;
    await api.languageServerReady();
    const document = vscode.window.activeTextEditor!.document;
    const offset = document.getText().indexOf('nn.CrossEntropyLoss(') + 'nn.'.length;
    assert.ok(offset > 2, `${TRAINING_SCRIPT} constructs nn.CrossEntropyLoss`);
    const position = document.positionAt(offset + 2);
    // The server may still be indexing the document right after it starts: poll.
    const text = await waitFor('a hover from the language server', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
      const joined = hovers
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : c.value))
        .join('\n');
      return joined.includes('CrossEntropyLoss') ? joined : undefined;
    });
    assert.match(text, /torch\.nn\.CrossEntropyLoss/);
  });
});
