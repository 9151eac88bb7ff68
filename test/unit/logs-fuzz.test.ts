/**
 * Property tests: valid log files of every format, damaged at random (bytes flipped,
 * cut short, bytes inserted, a slice repeated), never make a reader throw anything but a
 * DataError, hang, or hold more than the file's worth of data; every problem it reports
 * names the damaged file.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DataError } from '../../src/data/errors.js';
import { CsvLogSource } from '../../src/data/logs/csv-log.js';
import { TrainerStateSource } from '../../src/data/logs/hf-trainer-state.js';
import { MlflowFileStoreSource, MlflowSqliteSource } from '../../src/data/logs/mlflow.js';
import type { LogSource } from '../../src/data/logs/source.js';
import { TfEventsRunSource } from '../../src/data/logs/tfevents-source.js';
import { WandbRunSource } from '../../src/data/logs/wandb.js';
import { FIXTURES, tempDir } from './logs-helpers.js';

type Mutation = { kind: 'flip'; at: number; mask: number } | { kind: 'cut'; at: number } | { kind: 'insert'; at: number; bytes: number[] } | { kind: 'repeat'; at: number; length: number };

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
);

function mutate(original: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(original);
  for (const m of mutations) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'flip') b[at]! ^= m.mask;
    else if (m.kind === 'cut') b = b.subarray(0, at);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at, at + m.length), b.subarray(at + m.length)]);
  }
  return b;
}

interface Case {
  name: string;
  /** Fixture folder copied into the temp dir, and the file in it that is damaged. */
  fixture: string;
  file: string;
  open: (dir: string) => LogSource;
  runs: number;
}

const CASES: Case[] = [
  { name: 'tfevents (legacy)', fixture: 'tfevents/legacy', file: 'events.out.tfevents.1718000000.host.1.0', open: (d) => new TfEventsRunSource(d, 'r'), runs: 150 },
  { name: 'tfevents (TF2 tensors)', fixture: 'tfevents/tf2', file: 'events.out.tfevents.1718000100.host.2.0.v2', open: (d) => new TfEventsRunSource(d, 'r'), runs: 150 },
  { name: 'Lightning metrics.csv', fixture: 'lightning/version_0', file: 'metrics.csv', open: (d) => new CsvLogSource(join(d, 'metrics.csv'), 'r'), runs: 100 },
  { name: 'Keras CSVLogger', fixture: 'keras', file: 'training.log', open: (d) => new CsvLogSource(join(d, 'training.log'), 'r'), runs: 100 },
  { name: 'trainer_state.json', fixture: 'hf/out/checkpoint-500', file: 'trainer_state.json', open: (d) => new TrainerStateSource(join(d, 'trainer_state.json'), 'r'), runs: 100 },
  { name: 'MLflow metric file', fixture: 'mlflow/mlruns', file: '0/0b4a6f7c1d2e4f8a9b0c1d2e3f4a5b6c/metrics/loss', open: (d) => new MlflowFileStoreSource(d), runs: 60 },
  { name: 'MLflow meta.yaml', fixture: 'mlflow/mlruns', file: '0/meta.yaml', open: (d) => new MlflowFileStoreSource(d), runs: 60 },
  { name: 'mlflow.db', fixture: 'mlflow', file: 'mlflow.db', open: (d) => new MlflowSqliteSource(join(d, 'mlflow.db')), runs: 40 },
  { name: 'W&B .wandb', fixture: 'wandb/offline-run-20240610_120000-abc123', file: 'run-abc123.wandb', open: (d) => new WandbRunSource(d, 'r'), runs: 150 },
  { name: 'W&B history JSONL', fixture: 'wandb/dryrun-20200101_000000-old1', file: 'wandb-history.jsonl', open: (d) => new WandbRunSource(d, 'r'), runs: 100 },
];

describe('damaged logs never crash a reader', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const t = tempDir();
      try {
        cpSync(join(FIXTURES, c.fixture), t.dir, { recursive: true });
        const target = join(t.dir, c.file);
        const original = readFileSync(target);
        await fc.assert(
          fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
            const damaged = mutate(original, mutations);
            writeFileSync(target, damaged);
            const source = c.open(t.dir);
            const started = Date.now();
            try {
              await source.update({ final: true });
            } catch (e) {
              assert.ok(e instanceof DataError, `threw ${String(e)}`);
            }
            assert.ok(Date.now() - started < 5000, 'finished promptly');
            for (const issue of source.issues()) {
              assert.ok(issue instanceof DataError);
              assert.ok(issue.message.startsWith(t.dir), issue.message);
            }
            // No reader holds more than the file's worth of data.
            const points = source.runs().reduce((n, r) => n + r.series.reduce((m, s) => m + s.values.length, 0), 0);
            const size = c.file.endsWith('.db') ? damaged.length : damaged.length + 4096;
            assert.ok(points <= size, `${points} points from ${damaged.length} bytes`);
            for (const p of source.pending()) assert.ok(p.bytes <= damaged.length);
          }),
          { numRuns: c.runs, seed: 20240610 },
        );
      } finally {
        t.cleanup();
      }
    });
  }
});
