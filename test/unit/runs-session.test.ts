/**
 * The workspace runs session (src/data/runs/session.ts) and its worker-thread client: a scan
 * finds and reads every run, a watcher's paths read only what changed, new runs are found,
 * broken logs become issues naming the file, and reads report progress and can be cancelled.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { RunsWorker } from '../../src/client/runsWorker.js';
import { RunsSession } from '../../src/data/runs/session.js';
import { FIXTURES, tempDir } from './logs-helpers.js';

const ROOT = join(__dirname, '..', '..');

function lightning(dir: string, rows: number, from = 0): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'metrics.csv');
  const lines = ['epoch,step,train_loss'];
  for (let i = from; i < from + rows; i++) lines.push(`0,${i},${1 / (i + 1)}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('runs session', () => {
  test('a scan reads every run; appended rows are read incrementally', async () => {
    const t = tempDir();
    try {
      const file = lightning(join(t.dir, 'lightning_logs', 'version_0'), 3);
      cpSync(join(FIXTURES, 'hf'), join(t.dir, 'hf'), { recursive: true });
      const session = new RunsSession({ roots: [t.dir] });
      const first = await session.scan();
      const names = first.runs.map((r) => r.name);
      assert.ok(names.includes('lightning_logs/version_0'), names.join(', '));
      assert.ok(first.runs.some((r) => r.format === 'hf-trainer-state'), 'the trainer_state.json run is read');
      const loss = first.runs.find((r) => r.name === 'lightning_logs/version_0')!.tags.find((g) => g.tag === 'train_loss')!;
      assert.deepEqual([loss.points, loss.lastStep, loss.last, loss.min, loss.minStep], [3, 2, 1 / 3, 1 / 3, 2]);

      assert.equal(await session.filesChanged([file]), undefined, 'an unchanged file changes nothing');
      appendFileSync(file, '0,3,0.1\n0,4,0.05\n');
      const next = await session.filesChanged([file]);
      assert.ok(next && next.version > first.version);
      const grown = next.runs.find((r) => r.name === 'lightning_logs/version_0')!.tags.find((g) => g.tag === 'train_loss')!;
      assert.deepEqual([grown.points, grown.last, grown.min, grown.minStep], [5, 0.05, 0.05, 4]);
      const series = session.series('lightning_logs/version_0', 'train_loss')!;
      assert.deepEqual(Array.from(series.steps), [0, 1, 2, 3, 4]);
      assert.equal(session.series('lightning_logs/version_0', 'no_such_tag'), undefined);
    } finally {
      t.cleanup();
    }
  });

  test('a new run is discovered from a watcher path; a deleted one disappears', async () => {
    const t = tempDir();
    try {
      lightning(join(t.dir, 'version_0'), 2);
      const session = new RunsSession({ roots: [t.dir] });
      assert.deepEqual((await session.scan()).runs.map((r) => r.name), ['version_0']);
      const added = lightning(join(t.dir, 'version_1'), 4);
      const next = await session.filesChanged([added]);
      assert.deepEqual(next?.runs.map((r) => r.name), ['version_0', 'version_1']);
      rmSync(join(t.dir, 'version_0'), { recursive: true });
      const after = await session.filesChanged([join(t.dir, 'version_0')]);
      assert.deepEqual(after?.runs.map((r) => r.name), ['version_1']);
      assert.ok(session.watchedFiles().every((f) => f.includes('version_1')));
    } finally {
      t.cleanup();
    }
  });

  test('a broken log is an issue naming the file; the other runs are still read', async () => {
    const t = tempDir();
    try {
      lightning(join(t.dir, 'good'), 2);
      mkdirSync(join(t.dir, 'bad'));
      writeFileSync(join(t.dir, 'bad', 'trainer_state.json'), '{"log_history": [{"loss": 1.0, "step": ');
      const snap = await new RunsSession({ roots: [t.dir] }).scan();
      assert.ok(snap.runs.some((r) => r.name === 'good'));
      assert.equal(snap.issues.length, 1, JSON.stringify(snap.issues));
      assert.ok(snap.issues[0]!.file.endsWith(join('bad', 'trainer_state.json')));
      assert.match(snap.issues[0]!.message, /trainer_state\.json/);
    } finally {
      t.cleanup();
    }
  });

  test('files.exclude-style maps and several roots', async () => {
    const t = tempDir();
    try {
      lightning(join(t.dir, 'a', 'run'), 1);
      lightning(join(t.dir, 'a', 'scratch', 'run'), 1);
      lightning(join(t.dir, 'b', 'run'), 1);
      const snap = await new RunsSession({ roots: [join(t.dir, 'a'), join(t.dir, 'b')], exclude: { '**/scratch': true, '**/other': false } }).scan();
      assert.deepEqual(snap.runs.map((r) => r.name), ['a/run', 'b/run']);
    } finally {
      t.cleanup();
    }
  });

  test('progress is reported and a cancelled scan throws the cancellation error', async () => {
    const t = tempDir();
    try {
      for (let i = 0; i < 3; i++) lightning(join(t.dir, `v${i}`), 2000);
      const progress: [number, number | undefined][] = [];
      const snap = await new RunsSession({ roots: [t.dir] }).scan({ onProgress: (d, n) => progress.push([d, n]) });
      assert.equal(progress.at(-1)![0], snap.bytes);
      assert.equal(progress.at(-1)![1], snap.bytes);
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(new RunsSession({ roots: [t.dir] }).scan({ signal: controller.signal }), /read cancelled/);
    } finally {
      t.cleanup();
    }
  });
});

describe('runs worker', () => {
  test('scans off thread, follows changes and returns series', async () => {
    const script = join(ROOT, 'dist', 'worker.js');
    if (!existsSync(script)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'ignore' });
    const t = tempDir();
    const worker = new RunsWorker(script);
    try {
      const file = lightning(join(t.dir, 'version_0'), 3);
      await worker.open({ roots: [t.dir] });
      const progress: number[] = [];
      const snap = await worker.scan({ onProgress: (d) => progress.push(d) });
      assert.deepEqual(snap.runs.map((r) => r.name), ['version_0']);
      assert.ok(progress.length > 0);
      appendFileSync(file, '0,3,0.01\n');
      const next = await worker.changed([file]);
      assert.equal(next?.runs[0]!.tags.find((g) => g.tag === 'train_loss')!.last, 0.01);
      const series = await worker.series('version_0', 'train_loss');
      assert.ok(series?.values instanceof Float64Array);
      assert.deepEqual(Array.from(series.values), [1, 0.5, 1 / 3, 0.01]);
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(worker.scan({ signal: controller.signal }), /cancelled/);
      const listing = await worker.arrays(join(ROOT, 'test', 'fixtures', 'arrays', 'npz', 'deflated.npz'));
      assert.deepEqual(listing.arrays.map((a) => [a.name, a.shape]), [['logits', [50, 5]], ['labels', [50]], ['weights', [50, 3]]]);
      await assert.rejects(worker.arrays(join(ROOT, 'test', 'fixtures', 'arrays', 'npy', 'bad', 'complex.npy')), /complex\.npy \(byte 10\): unsupported dtype/);
      // The worker is still serving after a failed read.
      assert.equal((await worker.changed([file])), undefined);
    } finally {
      worker.dispose();
      t.cleanup();
    }
  });
});
