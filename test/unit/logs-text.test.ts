/**
 * Text logs: Lightning and Keras CSVLogger files, Hugging Face trainer_state.json, and the
 * JSON reader that accepts Python's NaN/Infinity. Fixtures are written by
 * scripts/fixtures/logs/make_log_fixtures.py the way each tool writes them.
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { splitRecord, sniffDelimiter } from '../../src/data/logs/csv.js';
import { CsvLogSource } from '../../src/data/logs/csv-log.js';
import { TrainerStateSource } from '../../src/data/logs/hf-trainer-state.js';
import { locateJsonError, parsePythonJson } from '../../src/data/logs/json.js';
import { LineSplitter } from '../../src/data/logs/lines.js';
import { ReadProgress, SeriesBuilder, TagTable, parseLoggedNumber } from '../../src/data/logs/series.js';
import { FIXTURES, assertRun, tempDir } from './logs-helpers.js';

async function readCsv(file: string, final = true): Promise<CsvLogSource> {
  const s = new CsvLogSource(file, 'run');
  await s.update({ final });
  return s;
}

describe('CSV pieces', () => {
  test('records split as Python csv writes them', () => {
    assert.deepEqual(splitRecord('a,b,,d', ','), ['a', 'b', '', 'd']);
    assert.deepEqual(splitRecord('1,"""[0.1, 0.2]""",x', ','), ['1', '"[0.1, 0.2]"', 'x']);
    assert.deepEqual(splitRecord('"a;b";c', ';'), ['a;b', 'c']);
    assert.deepEqual(splitRecord('', ','), ['']);
  });

  test('the delimiter is sniffed from the header', () => {
    assert.equal(sniffDelimiter('epoch;loss;val_loss'), ';');
    assert.equal(sniffDelimiter('epoch\tloss'), '\t');
    assert.equal(sniffDelimiter('"a,b";c;d'), ';');
    assert.equal(sniffDelimiter('loss'), ',');
  });

  test('logged numbers in every spelling Python, Keras and MLflow use', () => {
    assert.equal(parseLoggedNumber('1e-05'), 1e-5);
    assert.ok(Number.isNaN(parseLoggedNumber('nan')!));
    assert.ok(Number.isNaN(parseLoggedNumber('NaN')!));
    assert.equal(parseLoggedNumber('inf'), Infinity);
    assert.equal(parseLoggedNumber('-Infinity'), -Infinity);
    assert.equal(parseLoggedNumber(' 2 '), 2);
    assert.equal(parseLoggedNumber(''), undefined);
    assert.equal(parseLoggedNumber('abc'), undefined);
  });

  test('lines split across chunks, CRLF, a held-back last line and its flush', () => {
    const seen: [string, number, number][] = [];
    const s = new LineSplitter((l, n, o) => seen.push([l, n, o]));
    const bytes = Buffer.from('ab\r\ncé\nlast');
    for (const b of bytes) s.feed(Uint8Array.of(b));
    assert.deepEqual(seen, [
      ['ab', 1, 0],
      ['cé', 2, 4],
    ]);
    assert.deepEqual([s.heldBytes, s.heldOffset], [4, 8]);
    s.flush();
    assert.deepEqual(seen[2], ['last', 3, 8]);
  });

  test('a hostile endless line is cut, not buffered without bound', () => {
    const seen: string[] = [];
    const s = new LineSplitter((l) => seen.push(l), 100);
    for (let i = 0; i < 50; i++) s.feed(new Uint8Array(1000).fill(0x61));
    s.feed(Uint8Array.of(0x0a));
    assert.equal(seen[0]!.length, 100);
    assert.equal(s.heldBytes, 0);
  });
});

describe('series model', () => {
  test('past its point limit a series is thinned by stride, keeping the latest point', () => {
    const b = new SeriesBuilder(4, 8);
    for (let i = 0; i < 100; i++) b.push(i, i * 10, 1000 + i);
    const s = b.snapshot('r', 't');
    assert.ok(s.values.length <= 9);
    assert.equal(s.stride, 16);
    assert.deepEqual([...s.steps], [0, 16, 32, 48, 64, 80, 96, 99]);
    assert.deepEqual([s.values[7], s.wallTimes[7]], [990, 1099]);
    // Dropping from a step removes the held latest point too.
    assert.equal(b.dropFromStep(90), 2);
    assert.deepEqual([...b.snapshot('r', 't').steps], [0, 16, 32, 48, 64, 80]);
  });

  test('snapshots sort by step when asked, stably, into copies', () => {
    const b = new SeriesBuilder();
    for (const [st, v] of [[3, 1], [1, 2], [3, 3], [2, 4]]) b.push(st!, v!, NaN);
    const s = b.snapshot('r', 't', true);
    assert.deepEqual([[...s.steps], [...s.values]], [[1, 2, 3, 3], [2, 4, 1, 3]]);
    s.values[0] = 99;
    assert.equal(b.snapshot('r', 't').values[1], 2);
  });

  test('a snapshot is a view that later appends, drops and clears leave as it was', () => {
    const b = new SeriesBuilder(4);
    for (let i = 0; i < 4; i++) b.push(i, i * 10, 100 + i);
    const first = b.snapshot('r', 't');
    for (let i = 4; i < 6; i++) b.push(i, i * 10, 100 + i); // grows: new arrays
    const second = b.snapshot('r', 't');
    b.push(6, 60, 106); // within capacity: writes past the end of `second`
    assert.equal(b.dropFromStep(2), 5); // in place, so the builder moves off the shared arrays
    b.push(2, -1, 0);
    const third = b.snapshot('r', 't');
    b.clear();
    b.push(9, 9, 9);
    assert.deepEqual([...first.steps], [0, 1, 2, 3]);
    assert.deepEqual([...second.steps], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...second.values], [0, 10, 20, 30, 40, 50]);
    assert.deepEqual([...third.steps], [0, 1, 2]);
    assert.deepEqual([...third.values], [0, 10, -1]);
    assert.deepEqual([...b.snapshot('r', 't').steps], [9]);
  });

  test('a series read with known progress is allocated about once, and trimmed when points stop', () => {
    const progress = new ReadProgress();
    progress.total = 1_000_000;
    const b = new SeriesBuilder(64, undefined, progress);
    const capacities = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      progress.done = 10 * (i + 1); // ten bytes per point, uniformly
      b.push(i, i, i);
      capacities.add(b.capacity);
    }
    // 64, then at most 64x per step while the projection is small, then the projection (~102k).
    assert.ok(capacities.size <= 5, `grew ${capacities.size - 1} times: ${[...capacities].join(', ')}`);
    assert.ok(b.capacity >= 100_000 && b.capacity <= 103_000, String(b.capacity));
    b.trim(); // nearly full: kept
    assert.ok(b.capacity >= 100_000);

    // A tag logged only at the start of a long file: the projection overshoots, trim gives it back.
    const early = new SeriesBuilder(64, undefined, progress);
    for (let i = 0; i < 5000; i++) {
      progress.done = 10 * (i + 1);
      early.push(i, i, i);
    }
    assert.ok(early.capacity > 50_000, String(early.capacity));
    early.trim();
    assert.equal(early.capacity, 5000);
    assert.equal(early.snapshot('r', 't').steps[4999], 4999);
  });

  test('a group of points pushed at once projects from its own end, not from an empty series', () => {
    const progress = new ReadProgress();
    progress.total = 1_000_000;
    const b = new SeriesBuilder(64, undefined, progress);
    const n = 10_000;
    const column = (k: number) => Float64Array.from({ length: n }, (_, i) => i * k);
    progress.done = 10 * n; // the group's last record, ten bytes per point
    b.pushMany(column(1), column(2), column(3), 0, n);
    // One step from 64 to the whole reading's ~102k points (not doubling to 16,384).
    assert.ok(b.capacity >= 100_000 && b.capacity <= 103_000, String(b.capacity));
    progress.done = 20 * n;
    b.pushMany(column(1), column(2), column(3), 0, n);
    assert.ok(b.capacity >= 100_000 && b.capacity <= 103_000, String(b.capacity));
    const s = b.snapshot('r', 't');
    assert.deepEqual([s.steps.length, s.steps[n - 1], s.values[n + 1], s.wallTimes[2 * n - 1]], [2 * n, n - 1, 2, 3 * (n - 1)]);
  });

  test('a table refuses tags past its limit and counts them', () => {
    const t = new TagTable(2);
    t.get('a').push(0, 1, 0);
    t.get('b').push(0, 1, 0);
    t.get('c').push(0, 1, 0);
    assert.deepEqual([t.tags(), t.refusedTags], [['a', 'b'], 1]);
  });
});

describe('Lightning CSVLogger', () => {
  test('metrics.csv reads as expected: sparse rows, x = step, epoch as a series, nan kept', async () => {
    const s = await readCsv(join(FIXTURES, 'lightning', 'version_0', 'metrics.csv'));
    assert.equal(s.format, 'lightning-csv');
    assert.equal(s.xAxis, 'step');
    assert.deepEqual(s.issues(), []);
    assertRun(s.runs()[0], 'lightning', 'version_0');
  });

  test('the file rewritten with a wider header is read again; appends are read incrementally', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'metrics.csv');
      copyFileSync(join(FIXTURES, 'lightning', 'version_0', 'metrics.stage1.csv'), file);
      const s = new CsvLogSource(file, 'version_0');
      await s.update();
      assert.deepEqual(s.runs()[0]!.series.map((x) => x.tag).sort(), ['epoch', 'train_loss_step']);
      copyFileSync(join(FIXTURES, 'lightning', 'version_0', 'metrics.csv'), file);
      assert.equal(await s.update(), true);
      assertRun(s.runs()[0], 'lightning', 'version_0');
      // A plain append adds only the new row.
      appendFileSync(file, ',100,,1.5\r\n'.replace(/^/, '4'));
      await s.update();
      const val = s.runs()[0]!.series.find((x) => x.tag === 'val_loss')!;
      assert.equal(val.values[val.values.length - 1], 1.5);
      assert.equal(val.steps[val.steps.length - 1], 100);
    } finally {
      t.cleanup();
    }
  });

  test('a row still being written waits for its newline', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'metrics.csv');
      writeFileSync(file, 'epoch,step,loss\n0,1,0.5\n0,2,0.');
      const s = new CsvLogSource(file, 'r');
      await s.update();
      assert.deepEqual([...s.runs()[0]!.series.find((x) => x.tag === 'loss')!.values], [0.5]);
      assert.deepEqual(s.pending(), [{ file, offset: 24, bytes: 6 }]);
      appendFileSync(file, '25\n');
      await s.update();
      assert.deepEqual([...s.runs()[0]!.series.find((x) => x.tag === 'loss')!.values], [0.5, 0.25]);
    } finally {
      t.cleanup();
    }
  });
});

describe('Keras CSVLogger', () => {
  test('training.log: x = epoch, NA missing, the vector metric skipped, CRLF', async () => {
    const s = await readCsv(join(FIXTURES, 'keras', 'training.log'));
    assert.equal(s.format, 'keras-csv');
    assert.equal(s.xAxis, 'epoch');
    assert.deepEqual(s.issues(), []);
    assertRun(s.runs()[0], 'keras', 'training.log');
    assert.ok(!s.runs()[0]!.series.some((x) => x.tag === 'per_class'));
  });

  test("a ';' separator", async () => {
    const s = await readCsv(join(FIXTURES, 'keras_semicolon', 'history.csv'));
    assert.deepEqual(s.issues(), []);
    assertRun(s.runs()[0], 'keras_semicolon', 'history.csv');
  });
});

describe('bad CSV: one clear message each', () => {
  async function issuesOf(text: string): Promise<string[]> {
    const t = tempDir();
    try {
      const file = join(t.dir, 'log.csv');
      writeFileSync(file, text);
      return (await readCsv(file)).issues().map((e) => e.message.slice(file.length));
    } finally {
      t.cleanup();
    }
  }

  test('a non-numeric cell names the line and the column', async () => {
    assert.deepEqual(await issuesOf('epoch,loss\n0,0.5\n1,abc\n'), [" (line 3, column 'loss'): 'abc' is not a number; cell skipped"]);
  });

  test('a row with the wrong number of fields', async () => {
    assert.deepEqual(await issuesOf('epoch,loss\n0,0.5,9\n'), [' (line 2): row has 3 fields but the header has 2; row skipped']);
  });

  test('a row without its x value', async () => {
    assert.deepEqual(await issuesOf('step,loss\n,0.5\nx,1\n'), [
      " (line 2, column 'step'): no step in this row; row skipped",
      " (line 3, column 'step'): step 'x' is not a number; row skipped",
    ]);
  });

  test('a file without a header', async () => {
    assert.deepEqual(await issuesOf('0,0.5\n1,0.4\n'), [' (line 1): the first line looks like data, not a header of metric names']);
  });
});

describe('JSON with Python tokens', () => {
  test('NaN, Infinity and -Infinity outside strings become numbers; inside strings stay text', () => {
    const v = parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity], "s": "NaN \\" Infinity"}') as Record<string, unknown>;
    assert.ok(Number.isNaN(v['a'] as number));
    assert.deepEqual(v['b'], [Infinity, -Infinity]);
    assert.equal(v['s'], 'NaN " Infinity');
  });

  test('syntax errors give line and column in the original text', () => {
    assert.throws(() => parsePythonJson('{"a": NaN,\n "b": x}'), { message: "invalid JSON: unexpected character 'x'", line: 2, column: 7 });
    assert.throws(() => parsePythonJson('[1, 2'), { message: 'invalid JSON: unexpected end of JSON (file cut short?)' });
    assert.throws(() => parsePythonJson('{"a" 1}'), { message: "invalid JSON: expected ':' after the key" });
  });

  test('the error locator survives deep nesting without recursion', () => {
    const deep = '['.repeat(200000);
    assert.equal(locateJsonError(deep).problem, 'unexpected end of JSON (file cut short?)');
  });
});

describe('Hugging Face trainer_state.json', () => {
  test('log_history becomes series over step, with NaN and Infinity kept', async () => {
    const s = new TrainerStateSource(join(FIXTURES, 'hf', 'out', 'checkpoint-1000', 'trainer_state.json'), 'out');
    await s.update();
    assert.deepEqual(s.issues(), []);
    assertRun(s.runs()[0], 'hf', 'out');
  });

  test('a rewrite is read again; an unchanged file is not', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'trainer_state.json');
      copyFileSync(join(FIXTURES, 'hf', 'out', 'checkpoint-500', 'trainer_state.json'), file);
      const s = new TrainerStateSource(file, 'out');
      await s.update();
      assert.equal(s.runs()[0]!.series.find((x) => x.tag === 'loss')!.values.length, 10);
      assert.equal(await s.update(), false);
      copyFileSync(join(FIXTURES, 'hf', 'out', 'checkpoint-1000', 'trainer_state.json'), file);
      assert.equal(await s.update(), true);
      assertRun(s.runs()[0], 'hf', 'out');
    } finally {
      t.cleanup();
    }
  });

  test('bad files: a cut-short file, no log_history, an entry without step', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'trainer_state.json');
      const full = readFileSync(join(FIXTURES, 'hf', 'out', 'checkpoint-500', 'trainer_state.json'), 'utf8');
      const cases: [string, string][] = [
        [full.slice(0, 200), ' (line 9, column 16): invalid JSON: unexpected end of JSON (file cut short?)'],
        ['{"global_step": 3}', ": no 'log_history' list: not a Hugging Face trainer_state.json"],
        ['{"log_history": [{"loss": 1}, 7]}', ": log_history[0] has no numeric 'step'; entry skipped"],
      ];
      for (const [text, message] of cases) {
        writeFileSync(file, text);
        const s = new TrainerStateSource(file, 'out');
        await s.update();
        assert.equal(s.issues()[0]!.message, file + message);
      }
    } finally {
      t.cleanup();
    }
  });
});
