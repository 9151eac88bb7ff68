/**
 * Discovery of logs and prediction files, readLogs over folders, and `loss-lens curves`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { runCurves } from '../../src/cli/curves.js';
import { discover } from '../../src/data/discovery.js';
import { readLogs } from '../../src/data/logs/index.js';
import { FIXTURES, assertRun, tempDir } from './logs-helpers.js';

describe('discovery', () => {
  test('the default globs find every fixture log, grouped into runs', async () => {
    const d = await discover(FIXTURES);
    assert.equal(d.truncated, false);
    assert.deepEqual(
      d.logs.map((l) => `${l.kind} ${l.run}`),
      [
        'hf-trainer-state hf/out',
        'csv keras/training.log',
        'csv keras_semicolon/history.csv',
        'csv lightning/version_0',
        'mlflow-db mlflow',
        'mlflow-file-store mlflow/mlruns',
        'tfevents tfevents/big_record',
        'tfevents tfevents/legacy',
        'tfevents tfevents/out_of_order',
        'tfevents tfevents/restart',
        'tfevents tfevents/tf2',
        'wandb wandb/dryrun-20200101_000000-old1',
        'wandb wandb/offline-run-20240610_120000-abc123',
      ],
    );
    // Only the latest checkpoint's trainer_state.json stands for the output folder.
    assert.match(d.logs[0]!.path, /checkpoint-1000[\\/]trainer_state\.json$/);
  });

  test('prediction files, exclusions in files.exclude form, and links that loop', async () => {
    const t = tempDir();
    try {
      const w = t.dir;
      mkdirSync(join(w, 'preds', 'val'), { recursive: true });
      mkdirSync(join(w, 'node_modules', 'pkg'), { recursive: true });
      mkdirSync(join(w, 'logs', 'run1'), { recursive: true });
      mkdirSync(join(w, 'scratch'), { recursive: true });
      for (const f of ['preds/val/logits.npy', 'preds/val/labels.npy', 'preds/outputs.safetensors', 'predictions_test.csv', 'notes.csv', 'node_modules/pkg/x.npy', 'scratch/tmp.npy']) writeFileSync(join(w, f), 'x');
      copyFileSync(join(FIXTURES, 'lightning', 'version_0', 'metrics.csv'), join(w, 'logs', 'run1', 'metrics.csv'));
      symlinkSync(w, join(w, 'logs', 'loop'));
      symlinkSync(join(w, 'logs', 'run1'), join(w, 'logs', 'latest-run'));
      const d = await discover(w, { exclude: { '**/scratch': true, '**/notes.csv': false } });
      assert.deepEqual(
        d.predictions.map((p) => `${p.format} ${p.group} ${p.name}`).sort(),
        ['csv . predictions_test', 'npy preds/val labels', 'npy preds/val logits', 'safetensors preds outputs'],
      );
      assert.deepEqual(d.logs.map((l) => l.run), ['logs/run1']);
      const excluded = await discover(w, { exclude: ['**/preds/**'], defaultExclude: false });
      assert.ok(excluded.predictions.some((p) => p.group === 'node_modules/pkg'));
      assert.ok(!excluded.predictions.some((p) => p.group.startsWith('preds')));
    } finally {
      t.cleanup();
    }
  });

  test('the entry limit truncates instead of walking forever; a missing path is one error', async () => {
    const d = await discover(FIXTURES, { maxEntries: 5 });
    assert.equal(d.truncated, true);
    await assert.rejects(discover(join(FIXTURES, 'nope')), { message: `${join(FIXTURES, 'nope')}: not found` });
  });

  test('a single file is classified even when no glob names it', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'my_run.csv');
      copyFileSync(join(FIXTURES, 'keras', 'training.log'), file);
      const d = await discover(file);
      assert.deepEqual(d.logs.map((l) => [l.kind, l.path]), [['csv', file]]);
      writeFileSync(join(t.dir, 'model.bin'), 'x');
      await assert.rejects(discover(join(t.dir, 'model.bin')), { message: /not a training log or prediction file Loss Lens recognises$/ });
    } finally {
      t.cleanup();
    }
  });
});

describe('readLogs', () => {
  test('every fixture, through discovery, reads as expected with no problems', async () => {
    const reading = await readLogs([FIXTURES]);
    assert.deepEqual(reading.issues, []);
    const byName = new Map(reading.runs.map((r) => [r.name, r]));
    assertRun(byName.get('tfevents/restart'), 'tfevents/restart', 'restart');
    assertRun(byName.get('lightning/version_0'), 'lightning', 'version_0');
    assertRun(byName.get('keras/training.log'), 'keras', 'training.log');
    assertRun(byName.get('hf/out'), 'hf', 'out');
    assertRun(byName.get('mlflow/Default/bright-owl-42'), 'mlflow/mlruns', 'Default/bright-owl-42');
    assertRun(byName.get('mlflow/cifar/resnet-sgd'), 'mlflow/mlflow.db', 'cifar/resnet-sgd');
    assertRun(byName.get('wandb/offline-run-20240610_120000-abc123'), 'wandb/offline-run-20240610_120000-abc123', 'run');
  });

  test('progress runs from 0 to the total bytes; cancellation rejects', async () => {
    const seen: [number, number | undefined][] = [];
    await readLogs([join(FIXTURES, 'tfevents')], { onProgress: (d, t) => seen.push([d, t]) });
    const total = seen[0]![1]!;
    assert.ok(total > 200_000);
    assert.deepEqual(seen[seen.length - 1], [total, total]);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]![0] >= seen[i - 1]![0], 'monotonic');
    const c = new AbortController();
    c.abort();
    await assert.rejects(readLogs([FIXTURES], { signal: c.signal }), { message: /read cancelled$/ });
  });
});

describe('loss-lens curves', () => {
  async function run(paths: string[], format: 'table' | 'json' | 'csv' = 'table') {
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks: Buffer[] = [];
    const errChunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    err.on('data', (c: Buffer) => errChunks.push(c));
    const code = await runCurves(paths, { format, exclude: [] }, out, err);
    return { code, out: Buffer.concat(chunks).toString(), err: Buffer.concat(errChunks).toString() };
  }

  test('a table of runs and tags', async () => {
    const r = await run([join(FIXTURES, 'tfevents', 'restart')]);
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
    const lines = r.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^RUN\s+FORMAT\s+TAG\s+POINTS\s+STEPS\s+LAST\s+MIN\s+NON-FINITE$/);
    assert.match(lines[1]!, /^\.\s+tfevents\s+loss\s+30\s+0\.\.29\s+0\.92609\s+0\.92609$/);
  });

  test('JSON keeps NaN and Infinity as strings; CSV uses Python spellings', async () => {
    const j = await run([join(FIXTURES, 'tfevents', 'legacy')], 'json');
    const parsed = JSON.parse(j.out) as { runs: { series: { tag: string; values: (number | string)[] }[] }[]; issues: unknown[] };
    assert.deepEqual(parsed.runs[0]!.series.find((s) => s.tag === 'diverge')!.values, [0, 2.5, '-Infinity', 1.5000000027488779e38, 'NaN']);
    assert.deepEqual(parsed.issues, []);
    const c = await run([join(FIXTURES, 'tfevents', 'legacy')], 'csv');
    const lines = c.out.trimEnd().split('\n');
    assert.equal(lines[0], 'run,tag,step,value,wall_time');
    assert.ok(lines.includes('.,diverge,20,-inf,1718000010.1'));
    assert.ok(lines.includes('.,diverge,40,nan,1718000020.1'));
  });

  test('problems go to stderr and set exit status 1; nothing found is said', async () => {
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, 'metrics.csv'), 'step,loss\n1,abc\n');
      const r = await run([t.dir]);
      assert.equal(r.code, 1);
      assert.equal(r.err, `warning: ${join(t.dir, 'metrics.csv')} (line 2, column 'loss'): 'abc' is not a number; cell skipped\n`);
      mkdirSync(join(t.dir, 'empty'));
      const e = await run([join(t.dir, 'empty')]);
      assert.deepEqual([e.code, e.err], [0, `loss-lens curves: no training logs found under ${join(t.dir, 'empty')}\n`]);
      const missing = await run([join(t.dir, 'missing')]);
      assert.deepEqual([missing.code, missing.err], [1, `loss-lens curves: ${join(t.dir, 'missing')}: not found\n`]);
    } finally {
      t.cleanup();
    }
  });
});
