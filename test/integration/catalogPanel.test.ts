/**
 * The loss catalog panel as VS Code really shows it: inside a webview with VS Code's Content
 * Security Policy and theme variables, which a plain browser page does not reproduce. Needs the
 * window bridge of the code-server runner; skipped elsewhere.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { consoleErrors, hasWindowBridge, webviewStyles, webviewTexts } from './support/window.js';

suite('Loss catalog panel', () => {
  suiteSetup(function () {
    if (!hasWindowBridge()) this.skip();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('opening an API shows its documentation', async () => {
    await vscode.commands.executeCommand('lossLens.showCatalog', 'torch.nn.MSELoss');
    const texts = await webviewTexts('Mean squared error');
    const detail = texts.find((t) => t.includes('Mean squared error'))!;
    assert.match(detail, /torch\.nn\.MSELoss\(size_average=None, reduce=None, reduction='mean'\)/);
    assert.match(detail, /Pitfalls/);
  });

  test('the loss curve is drawn with a visible stroke', async () => {
    const curves = await webviewStyles('svg.line-plot path.series', ['stroke', 'stroke-width', 'd']);
    assert.ok(curves.length > 0, 'the plot has at least one series');
    for (const { styles } of curves) {
      assert.notEqual(styles['stroke'], 'none', 'a series path has no stroke colour, so the curve is invisible');
      assert.match(styles['d'] ?? '', /^path\("M/, 'a series path has line data');
    }
  });

  test('the webview runs without Content Security Policy violations or errors', async () => {
    const errors = (await consoleErrors()).filter((e) => e.url.includes('/webview/') || /Content Security Policy/.test(e.text));
    assert.deepEqual(
      errors.map((e) => e.text.slice(0, 300)),
      [],
      'webview console errors',
    );
  });
});
