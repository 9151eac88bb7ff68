/**
 * Commands in a real VS Code: registered, contributed, and working when run from the API; the
 * workbench with a Python training script open, as a screenshot.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { hasWindowBridge, screenshot, webviewTexts } from './support/window.js';
import { type ActivatedApi, lossLensExtension, openInEditor, TRAINING_SCRIPT, webviewTabs, waitFor } from './support/workbench.js';

const CATALOG_VIEW_TYPE = 'lossLens.catalog';
const COMMANDS = ['lossLens.showCatalog', 'lossLens.showOutput'];

suite('Commands', () => {
  suiteSetup(async () => {
    await openInEditor(TRAINING_SCRIPT);
    await waitFor('the extension to activate', () => lossLensExtension().isActive);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('registers its commands', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (lossLensExtension().packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    for (const command of COMMANDS) assert.ok(contributed.includes(command), `package.json does not contribute ${command}`);
    // Every command in the palette must have a handler, or choosing it shows an error.
    for (const command of contributed) assert.ok(registered.has(command), `${command} is contributed but not registered`);
  });

  test('lossLens.showCatalog opens the loss catalog panel', async () => {
    assert.equal(webviewTabs(CATALOG_VIEW_TYPE).length, 0, 'no catalog panel before the command');
    await vscode.commands.executeCommand('lossLens.showCatalog');
    const tabs = await waitFor('a catalog webview tab', () => {
      const found = webviewTabs(CATALOG_VIEW_TYPE);
      return found.length > 0 ? found : undefined;
    });
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0]!.label, 'Loss Catalog');
    assert.ok(tabs[0]!.isActive, 'the catalog tab is the active tab of its group');

    // Running it again reveals the same panel instead of opening a second one.
    await vscode.commands.executeCommand('lossLens.showCatalog');
    assert.equal(webviewTabs(CATALOG_VIEW_TYPE).length, 1);
  });

  test('the catalog panel shows the catalogued loss APIs', async function () {
    if (!hasWindowBridge()) this.skip();
    const texts = await webviewTexts('torch.nn.MSELoss');
    const catalog = texts.find((t) => t.includes('torch.nn.MSELoss'))!;
    const { catalogSize } = lossLensExtension().exports as ActivatedApi;
    assert.match(catalog, new RegExp(`${catalogSize} of ${catalogSize} loss APIs`));
    for (const api of ['keras.losses.MeanSquaredError', 'optax.losses.squared_error']) assert.ok(catalog.includes(api), `the catalog lists ${api}`);
  });

  test('lossLens.showOutput runs', async () => {
    await vscode.commands.executeCommand('lossLens.showOutput');
  });

  test('a screenshot of the workbench with the Python file open is not blank', async function () {
    if (!hasWindowBridge()) this.skip();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const editor = await openInEditor(TRAINING_SCRIPT);
    // Put the loss definition in view, as a person looking for it would.
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('nn.CrossEntropyLoss'));
    assert.ok(line >= 0, `${TRAINING_SCRIPT} defines a CrossEntropyLoss`);
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
    const shot = await screenshot('workbench-python-file');
    assert.equal(shot.blank, null, `screenshot ${shot.path} looks blank: ${shot.blank}`);
    assert.equal(shot.activeTab, 'train_cifar10.py', `the picture's active tab is ${shot.activeTab}`);
  });
});
