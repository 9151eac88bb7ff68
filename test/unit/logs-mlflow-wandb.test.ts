/**
 * MLflow (file store and SQLite through sql.js) and W&B offline runs (.wandb record log and
 * legacy wandb-history.jsonl), against fixtures written per each tool's source.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { crc32 } from '../../src/data/logs/crc.js';
import { IssueLog } from '../../src/data/logs/issues.js';
import { MlflowFileStoreSource, MlflowSqliteSource } from '../../src/data/logs/mlflow.js';
import { WandbRecordReader, WandbRunSource } from '../../src/data/logs/wandb.js';
import { FIXTURES, assertRun, tempDir } from './logs-helpers.js';

const RUN_ID = '0b4a6f7c1d2e4f8a9b0c1d2e3f4a5b6c';
const WANDB_RUN = 'offline-run-20240610_120000-abc123';

describe('MLflow file store', () => {
  test('active runs only, metric keys with "/", values sorted by step, nan and inf kept', async () => {
    const s = new MlflowFileStoreSource(join(FIXTURES, 'mlflow', 'mlruns'));
    await s.update();
    assert.deepEqual(s.issues(), []);
    const runs = s.runs();
    assert.deepEqual(runs.map((r) => r.name), ['Default/bright-owl-42']);
    assertRun(runs[0], 'mlflow/mlruns', 'Default/bright-owl-42');
  });

  test('appended metric lines are read incrementally; a bad line names its line', async () => {
    const t = tempDir();
    try {
      cpSync(join(FIXTURES, 'mlflow', 'mlruns'), join(t.dir, 'mlruns'), { recursive: true });
      const s = new MlflowFileStoreSource(join(t.dir, 'mlruns'));
      await s.update();
      const file = join(t.dir, 'mlruns', '0', RUN_ID, 'metrics', 'loss');
      appendFileSync(file, '1718000099000 0.05 10\n1718000099001 zero 11\n');
      assert.equal(await s.update(), true);
      const loss = s.runs()[0]!.series.find((x) => x.tag === 'loss')!;
      assert.deepEqual([loss.steps[10], loss.values[10], loss.wallTimes[10]], [10, 0.05, 1718000099]);
      assert.deepEqual(
        s.issues().map((e) => e.message),
        [`${file} (line 12): value 'zero' is not a number; line skipped`],
      );
      assert.equal(await s.update(), false);
    } finally {
      t.cleanup();
    }
  });
});

describe('MLflow SQLite store', () => {
  test('mlflow.db: is_nan and ±DBL_MAX decode to NaN and ±Infinity; deleted runs skipped', async () => {
    const s = new MlflowSqliteSource(join(FIXTURES, 'mlflow', 'mlflow.db'));
    await s.update();
    assert.deepEqual(s.issues(), []);
    assert.deepEqual(s.runs().map((r) => r.name), ['cifar/resnet-sgd']);
    assertRun(s.runs()[0], 'mlflow/mlflow.db', 'cifar/resnet-sgd');
  });

  test('a file that is not an MLflow database says so', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'mlflow.db');
      writeFileSync(file, 'this is not sqlite at all, just text that is long enough to have a header....');
      const s = new MlflowSqliteSource(file);
      await s.update();
      assert.match(s.issues()[0]!.message, /^.*mlflow\.db: (not a readable SQLite database|SQLite error): .*not a database/);
    } finally {
      t.cleanup();
    }
  });
});

describe('W&B offline runs', () => {
  test('the .wandb record log: history over _step with _timestamp, a record spanning blocks, the display name', async () => {
    const s = new WandbRunSource(join(FIXTURES, 'wandb', WANDB_RUN), 'run');
    await s.update();
    assert.deepEqual(s.issues(), []);
    assert.deepEqual(s.pending(), []);
    assert.equal(s.runs()[0]!.title, 'fluent-river-7');
    assertRun(s.runs()[0], `wandb/${WANDB_RUN}`, 'run');
  });

  test('legacy wandb-history.jsonl with a bare NaN', async () => {
    const s = new WandbRunSource(join(FIXTURES, 'wandb', 'dryrun-20200101_000000-old1'), 'run');
    await s.update();
    assert.deepEqual(s.issues(), []);
    assertRun(s.runs()[0], 'wandb/dryrun-20200101_000000-old1', 'run');
  });

  test('the record log fed in arbitrary pieces gives the same payloads', () => {
    const bytes = readFileSync(join(FIXTURES, 'wandb', WANDB_RUN, 'run-abc123.wandb'));
    const whole: string[] = [];
    new WandbRecordReader('f', new IssueLog(), (p, o) => whole.push(`${o}:${p.length}:${crc32(p)}`)).feed(bytes);
    for (const piece of [1, 7, 1000, 32768, 40000]) {
      const got: string[] = [];
      const r = new WandbRecordReader('f', new IssueLog(), (p, o) => got.push(`${o}:${p.length}:${crc32(p)}`));
      for (let i = 0; i < bytes.length; i += piece) r.feed(bytes.subarray(i, i + piece));
      assert.deepEqual(got, whole, `pieces of ${piece}`);
      assert.equal(r.pendingBytes, 0);
    }
    assert.ok(whole.length > 40);
  });

  test('a damaged record loses the rest of its block only', async () => {
    const t = tempDir();
    try {
      cpSync(join(FIXTURES, 'wandb', WANDB_RUN), join(t.dir, WANDB_RUN), { recursive: true });
      const file = join(t.dir, WANDB_RUN, 'run-abc123.wandb');
      const bytes = readFileSync(file);
      bytes[200] ^= 0xff; // inside an early history record of block 0
      writeFileSync(file, bytes);
      const s = new WandbRunSource(join(t.dir, WANDB_RUN), 'run');
      await s.update();
      const issues = s.issues();
      assert.equal(issues.length, 1);
      assert.match(issues[0]!.message, /run-abc123\.wandb \(byte \d+\): record checksum 0x[0-9a-f]{8} does not match 0x[0-9a-f]{8}; the rest of this block is skipped$/);
      const loss = s.runs()[0]!.series.find((x) => x.tag === 'loss')!;
      assert.ok(loss.values.length > 0 && loss.values.length < 40, `kept ${loss.values.length} of 40`);
      assert.equal(loss.steps[loss.steps.length - 1], 39, 'later blocks are still read');
    } finally {
      t.cleanup();
    }
  });

  test('a file that is not a W&B log, and a bad JSONL line, are reported', async () => {
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, 'run-x.wandb'), 'LevelDB? no.');
      const s = new WandbRunSource(t.dir, 'run');
      await s.update();
      assert.equal(s.issues()[0]!.message, `${join(t.dir, 'run-x.wandb')} (byte 0): not a W&B record log: it does not start with ':W&B' and the magic 0xBEE1`);

      const legacy = join(t.dir, 'legacy');
      cpSync(join(FIXTURES, 'wandb', 'dryrun-20200101_000000-old1'), legacy, { recursive: true });
      appendFileSync(join(legacy, 'wandb-history.jsonl'), '{"_step": 9, "loss": }\n');
      const l = new WandbRunSource(legacy, 'run');
      await l.update();
      assert.equal(l.issues()[0]!.message, `${join(legacy, 'wandb-history.jsonl')} (line 7, column 22): invalid JSON: unexpected character '}'; line skipped`);
    } finally {
      t.cleanup();
    }
  });

  test('a run still being written: the partial record waits, the rest arrives later', async () => {
    const t = tempDir();
    try {
      const dir = join(t.dir, WANDB_RUN);
      cpSync(join(FIXTURES, 'wandb', WANDB_RUN), dir, { recursive: true });
      const file = join(dir, 'run-abc123.wandb');
      const bytes = readFileSync(file);
      writeFileSync(file, bytes.subarray(0, 5000));
      const s = new WandbRunSource(dir, 'run');
      await s.update();
      assert.equal(s.pending().length, 1);
      const partial = s.runs()[0]!.series.find((x) => x.tag === 'loss')!.values.length;
      writeFileSync(file, bytes);
      await s.update();
      assert.ok(partial < 40);
      assertRun(s.runs()[0], `wandb/${WANDB_RUN}`, 'run');
    } finally {
      t.cleanup();
    }
  });
});
