/**
 * The remaining failure paths of the log readers, one message each: crafted inputs for the
 * cases the fixture-damage tests do not reach.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { discover } from '../../src/data/discovery.js';
import { crc32, maskedCrc32c } from '../../src/data/logs/crc.js';
import { CsvLogSource } from '../../src/data/logs/csv-log.js';
import { TrainerStateSource } from '../../src/data/logs/hf-trainer-state.js';
import { IssueLog } from '../../src/data/logs/issues.js';
import { MlflowFileStoreSource, MlflowSqliteSource } from '../../src/data/logs/mlflow.js';
import type { LogSource } from '../../src/data/logs/source.js';
import { decodeScalarTensor } from '../../src/data/logs/tfevents.js';
import { TfRecordReader } from '../../src/data/logs/tfrecord.js';
import { WandbRunSource } from '../../src/data/logs/wandb.js';
import { FileTail } from '../../src/data/tail.js';
import { tempDir } from './logs-helpers.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

async function issues(source: LogSource): Promise<string[]> {
  await source.update({ final: true });
  return source.issues().map((e) => e.message);
}

describe('tfevents edge failures', () => {
  test('an oversized record with a bad data checksum', () => {
    const data = new Uint8Array(3000).fill(7);
    const rec = new Uint8Array(16 + data.length);
    const dv = new DataView(rec.buffer);
    dv.setUint32(0, data.length, true);
    dv.setUint32(8, maskedCrc32c(rec, 0, 8), true);
    rec.set(data, 12);
    dv.setUint32(12 + data.length, 12345, true);
    const log = new IssueLog();
    const reader = new TfRecordReader('f', log, () => assert.fail('not decoded'), 1000);
    for (let i = 0; i < rec.length; i += 500) reader.feed(rec.subarray(i, i + 500));
    assert.deepEqual(log.all().map((e) => e.message), [`f (byte 0): record data checksum 0x00003039 does not match 0x${maskedCrc32c(data).toString(16).padStart(8, '0')}; record skipped`]);
    assert.equal(reader.offset, rec.length);
  });

  test('scalar tensors of the wrong size or an unknown dtype', () => {
    // dtype DT_FLOAT (1) with 2 bytes of content; dtype 7 (DT_STRING) with 4 bytes
    assert.deepEqual(decodeScalarTensor(hex('0801 1200 2202 0000'), 0, 8), { problem: 'tensor_content of 2 bytes for dtype 1' });
    assert.deepEqual(decodeScalarTensor(hex('0807 1200 2204 00000000'), 0, 10), { problem: 'has unsupported dtype 7' });
    assert.deepEqual(decodeScalarTensor(hex('1200'), 0, 2), { problem: 'has no dtype and no value' });
    assert.deepEqual(decodeScalarTensor(hex('0801 2a08 0000803f 00000040'), 0, 12), { problem: 'holds 2 values, not one' });
    assert.equal(decodeScalarTensor(hex('0801 2d 0000803f'), 0, 7), 1, 'an unpacked float_val');
  });

  test('more issues than the cap are summarised in one line per file', () => {
    const log = new IssueLog();
    for (let i = 0; i < 60; i++) log.add('f', `problem ${i}`);
    const all = log.all();
    assert.equal(all.length, 51);
    assert.equal(all[50]!.message, 'f: 10 more problems not shown');
    assert.equal(log.size, 60);
  });
});

describe('text and MLflow edge failures', () => {
  test('a duplicated CSV column; a log_history entry that is not an object', async () => {
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, 'a.csv'), 'epoch,loss,loss\n0,1,2\n');
      assert.deepEqual(await issues(new CsvLogSource(join(t.dir, 'a.csv'), 'r')), [`${join(t.dir, 'a.csv')} (line 1, column 3): column 'loss' appears twice in the header; the values are merged`]);
      writeFileSync(join(t.dir, 'trainer_state.json'), '{"log_history": [7]}');
      assert.deepEqual(await issues(new TrainerStateSource(join(t.dir, 'trainer_state.json'), 'r')), [`${join(t.dir, 'trainer_state.json')}: log_history[0] is not an object; entry skipped`]);
    } finally {
      t.cleanup();
    }
  });

  test('MLflow metric lines with bad fields, and a meta.yaml that is not YAML', async () => {
    const t = tempDir();
    try {
      const store = join(t.dir, 'mlruns');
      mkdirSync(join(store, '1', 'r1', 'metrics'), { recursive: true });
      writeFileSync(join(store, '1', 'meta.yaml'), 'name: exp\nlifecycle_stage: active\n');
      writeFileSync(join(store, '1', 'r1', 'meta.yaml'), 'run_name: one\nlifecycle_stage: active\n');
      const metric = join(store, '1', 'r1', 'metrics', 'loss');
      writeFileSync(metric, '1 2 3 4\nx 0.5 1\n1000 0.5 y\n2000 0.25 2\n');
      mkdirSync(join(store, '2', 'r2'), { recursive: true });
      writeFileSync(join(store, '2', 'meta.yaml'), 'name: [unclosed\n');
      const source = new MlflowFileStoreSource(store);
      assert.deepEqual(await issues(source), [
        `${metric} (line 1): expected '<timestamp> <value> [<step>]', got 4 fields; line skipped`,
        `${metric} (line 2): timestamp 'x' is not a number; line skipped`,
        `${metric} (line 3): step 'y' is not a number; line skipped`,
        `${join(store, '2', 'meta.yaml')} (line 2, column 1): invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      ]);
      assert.deepEqual([...source.runs()[0]!.series[0]!.values], [0.25]);
    } finally {
      t.cleanup();
    }
  });

  test('a SQLite file without MLflow tables', async () => {
    const t = tempDir();
    try {
      // The smallest valid empty SQLite database: its 100-byte header and an empty page.
      const { execFileSync } = await import('node:child_process');
      const db = join(t.dir, 'mlflow.db');
      execFileSync('/usr/bin/python3', ['-c', `import sqlite3; c = sqlite3.connect(${JSON.stringify(db)}); c.execute("create table t(x)"); c.commit()`]);
      assert.deepEqual(await issues(new MlflowSqliteSource(db)), [`${db}: not an MLflow tracking database: no such table: metrics`]);
    } finally {
      t.cleanup();
    }
  });
});

/** A .wandb file whose records (type, data) all sit in the first block. */
function wandbFile(records: [number, Uint8Array][], version = 0): Uint8Array {
  const parts: number[] = [0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, version];
  for (const [type, data] of records) {
    const crc = crc32(data, 0, data.length, crc32(Uint8Array.of(type)));
    parts.push(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24, data.length & 0xff, data.length >>> 8, type, ...data);
  }
  return Uint8Array.from(parts);
}

describe('W&B record log edge failures', () => {
  const cases: [string, Uint8Array, string][] = [
    ['an unsupported version', wandbFile([], 3), '(byte 6): W&B record log version 3 is not supported (only version 0)'],
    ['an unknown record type', wandbFile([[9, hex('0801')]]), '(byte 7): unknown record type 9; skipped'],
    ['a LAST without FIRST', wandbFile([[4, hex('0801')]]), '(byte 7): record fragment (type LAST) without its FIRST; skipped'],
    ['a FIRST never finished', wandbFile([[2, hex('08')], [1, hex('0801')]]), '(byte 7): a multi-block record was never finished; its fragments are dropped'],
    ['a malformed Record', wandbFile([[1, hex('12 05 0a')]]), '(byte 7): malformed W&B Record protobuf: field of 5 bytes runs past the end of the message; record skipped'],
    [
      'a history item whose JSON is bad',
      wandbFile([[1, Uint8Array.from([0x12, 9, 0x0a, 7, 0x0a, 1, 0x61, 0x82, 0x01, 1, 0x7b])]]),
      "(byte 7): history item 'a': invalid JSON: unexpected end of JSON (file cut short?); item skipped",
    ],
    ['a record past its block', Uint8Array.from([...wandbFile([]), 0, 0, 0, 0, 0xff, 0xff, 1, ...new Uint8Array(40000)]), '(byte 7): record of 65535 bytes runs past the end of its 32 KiB block; the rest of this block is skipped'],
  ];
  for (const [name, bytes, message] of cases) {
    test(name, async () => {
      const t = tempDir();
      try {
        const file = join(t.dir, 'run-x.wandb');
        writeFileSync(file, bytes);
        assert.deepEqual(await issues(new WandbRunSource(t.dir, 'r')), [`${file} ${message}`]);
      } finally {
        t.cleanup();
      }
    });
  }

  test('a history line that is not an object', async () => {
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, 'wandb-history.jsonl'), '[1, 2]\n');
      assert.deepEqual(await issues(new WandbRunSource(t.dir, 'r')), [`${join(t.dir, 'wandb-history.jsonl')} (line 1): history line is not a JSON object; line skipped`]);
    } finally {
      t.cleanup();
    }
  });
});

describe('file-system failures', () => {
  test('a path that is neither file nor folder, and a tail on a non-file', async () => {
    const t = tempDir();
    try {
      const fifo = join(t.dir, 'pipe');
      assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
      await assert.rejects(discover(fifo), { message: `${fifo}: neither a file nor a folder` });
      await assert.rejects(new FileTail(fifo).check(), { message: `${fifo}: not a regular file` });
    } finally {
      t.cleanup();
    }
  });
});
