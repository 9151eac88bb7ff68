/**
 * Training runs in a real VS Code: the demo workspace's logs and prediction files are found
 * and read in the worker, a log written while the editor is open shows up live (its appended
 * rows read incrementally), and the Loss Lens side bar draws them.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { hasWindowBridge, screenshot } from './support/window.js';
import { lossLensExtension, waitFor, workspaceFile } from './support/workbench.js';
import type { LossLensApi } from '../../src/extension.js';

// A folder name the demo workspace's generator never writes; removed in teardown.
const LIVE_RUN = `logs/.live-test-${process.pid}`;

suite('Training runs', () => {
  let api: LossLensApi;

  suiteSetup(async () => {
    await vscode.commands.executeCommand('lossLens.refreshRuns');
    api = (await lossLensExtension().activate()) as LossLensApi;
  });

  suiteTeardown(async () => {
    rmSync(workspaceFile(LIVE_RUN).fsPath, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('finds and reads the demo workspace runs and prediction files', async () => {
    const snap = await api.runs();
    assert.ok(snap, 'a snapshot');
    const names = snap.runs.map((r) => r.name);
    for (const expected of ['logs/cifar10/version_0', 'logs/reviews-distilbert']) assert.ok(names.includes(expected), `${expected} not in ${names.join(', ')}`);
    assert.ok(snap.runs.some((r) => r.format === 'tfevents'), 'the TensorBoard runs are read');
    const cifar = snap.runs.find((r) => r.name === 'logs/cifar10/version_0')!;
    assert.equal(cifar.format, 'lightning-csv');
    const trainLoss = cifar.tags.find((t) => /train_loss/.test(t.tag));
    assert.ok(trainLoss && trainLoss.points > 10 && Number.isFinite(trainLoss.last), JSON.stringify(cifar.tags.map((t) => t.tag)));
    const files = snap.predictions.map((p) => p.path.slice(p.path.indexOf('predictions')));
    assert.ok(files.includes(join('predictions', 'cifar10_val_logits.npy')), files.join(', '));
    assert.deepEqual(snap.issues, []);
  });

  test('a prediction file lists its arrays with numpy shapes and dtypes', async () => {
    const logits = await api.arrays(workspaceFile('predictions/cifar10_val_logits.npy').fsPath);
    assert.deepEqual(
      logits.arrays.map((a) => [a.name, a.shape, a.dtype]),
      [['cifar10_val_logits', [1000, 10], 'float32']],
    );
    await assert.rejects(api.arrays(workspaceFile('pytorch/train_cifar10.py').fsPath), /unsupported file type '\.py'/);
  });

  test('a log written while the editor is open appears, and grows live', async () => {
    const dir = workspaceFile(LIVE_RUN).fsPath;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'metrics.csv');
    writeFileSync(file, 'epoch,step,train_loss\n0,0,2.5\n0,1,2.0\n');
    const name = LIVE_RUN;
    const points = async () => (await api.runs())?.runs.find((r) => r.name === name)?.tags.find((t) => t.tag === 'train_loss')?.points;
    await waitFor('the new run in the snapshot', async () => (await points()) === 2, 30_000);
    appendFileSync(file, '0,2,1.5\n0,3,1.25\n');
    await waitFor('the appended rows', async () => (await points()) === 4, 30_000);
    const run = (await api.runs())!.runs.find((r) => r.name === name)!;
    assert.equal(run.tags.find((t) => t.tag === 'train_loss')!.last, 1.25);
    rmSync(dir, { recursive: true, force: true });
    await waitFor('the deleted run to go', async () => !(await api.runs())?.runs.some((r) => r.name === name), 30_000);
  });

  test('the Loss Lens side bar shows the runs', async function () {
    if (!hasWindowBridge()) this.skip();
    await vscode.commands.executeCommand('workbench.view.extension.lossLens');
    await vscode.commands.executeCommand('lossLens.runs.focus');
    const shot = await screenshot('runs-view');
    assert.equal(shot.blank, null, `the side bar looks blank: ${shot.blank}`);
  });
});
