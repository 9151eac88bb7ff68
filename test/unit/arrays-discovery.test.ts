/**
 * Discovery of array files with the conventions' globs, and pairing discovered files into
 * predictions/targets by name; the pairs found are then read end to end.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ARRAY_FILE_GLOBS, pairDiscovered } from '../../src/data/arrays/discovered.js';
import { readPredictionsAndTargets } from '../../src/data/arrays/index.js';
import { discover } from '../../src/data/discovery.js';
import { fixture, tempDir } from './arrays-helpers.js';

describe('array files in a workspace', () => {
  test('y_pred/y_true files are found with ARRAY_FILE_GLOBS and paired per directory', async () => {
    const t = tempDir();
    try {
      const w = t.dir;
      mkdirSync(join(w, 'eval', 'val'), { recursive: true });
      mkdirSync(join(w, 'runs', 'a'), { recursive: true });
      copyFileSync(fixture('csv/preds.csv'), join(w, 'eval', 'val', 'y_pred.csv'));
      t.write('eval/val/y_true.csv', 'label\n' + Array.from({ length: 12 }, (_, i) => i % 3).join('\n') + '\n');
      copyFileSync(fixture('npy/f32_c.npy'), join(w, 'runs', 'a', 'test_logits.npy'));
      copyFileSync(fixture('npy/labels.npy'), join(w, 'runs', 'a', 'test_labels.npy'));
      copyFileSync(fixture('npy/i32.npy'), join(w, 'runs', 'a', 'train_labels.npy'));
      copyFileSync(fixture('npz/stored.npz'), join(w, 'runs', 'a', 'outputs.npz'));
      t.write('runs/a/notes.csv', 'x\n1\n');

      const defaults = await discover(w);
      assert.ok(!defaults.predictions.some((p) => p.name === 'y_pred'), 'the default globs miss y_pred.csv');
      const d = await discover(w, { predictionGlobs: [...ARRAY_FILE_GLOBS] });
      assert.deepEqual(d.predictions.map((p) => `${p.group}/${p.name}.${p.format}`).sort(), [
        'eval/val/y_pred.csv',
        'eval/val/y_true.csv',
        'runs/a/outputs.npz',
        'runs/a/test_labels.npy',
        'runs/a/test_logits.npy',
        'runs/a/train_labels.npy',
      ]);
      const pairs = pairDiscovered(d.predictions);
      const rel = (p: string): string => p.slice(w.length + 1).split('\\').join('/');
      assert.deepEqual(
        pairs.map((p) => p.files.map(rel)),
        [['eval/val/y_pred.csv', 'eval/val/y_true.csv'], ['runs/a/test_logits.npy', 'runs/a/test_labels.npy'], ['runs/a/outputs.npz']],
      );
      const first = await readPredictionsAndTargets({ files: pairs[0]!.files });
      assert.deepEqual([first.predictions.name, ...first.predictions.shape], ['pred', 12, 3]);
      assert.deepEqual([first.targets.name, ...first.targets.shape], ['label', 12]);
      const npz = await readPredictionsAndTargets({ files: pairs[2]!.files });
      assert.deepEqual([npz.predictions.name, npz.targets.name], ['y_pred', 'y_true']);
      // (4, 3) logits against 16 labels: discovered by name, refused by shape, with both named.
      await assert.rejects(readPredictionsAndTargets({ files: pairs[1]!.files }), /predictions 'test_logits' .* \(4, 3\) but targets 'test_labels' .* \(16,\): 4 samples against 16/);
    } finally {
      t.done();
    }
  });
});
