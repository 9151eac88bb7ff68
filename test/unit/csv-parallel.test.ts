/**
 * CSV files parsed in two halves at once (the second by a worker thread, see RangeParse in
 * csv.ts) give exactly the table, errors and line numbers of a parse on one thread, whatever
 * sits at or after the split: quoted fields across it, text cells, blank lines, CRLF, missing
 * words, bad cells, a last record without a newline. The worker is the bundle the build ships,
 * wrapped so each test can see that it really ran.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { setCsvWorkerScript } from '../../src/data/arrays/csv-worker-script.js';
import { readCsv } from '../../src/data/arrays/csv.js';
import type { Table } from '../../src/data/arrays/table.js';

const ROOT = join(__dirname, '..', '..');
let dir = '';
let marker = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loss-lens-csv-parallel-'));
  const bundle = join(dir, 'csv-worker.js');
  await build({ entryPoints: [join(ROOT, 'src/data/arrays/csv-worker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning' });
  marker = join(dir, 'worker-ran');
  const spy = join(dir, 'spy.js');
  writeFileSync(spy, `require('fs').appendFileSync(${JSON.stringify(marker)}, 'x');\nrequire(${JSON.stringify(bundle)});\n`);
  setCsvWorkerScript(spy);
});

after(() => {
  setCsvWorkerScript(undefined);
  rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
function csvFile(text: string): string {
  const file = join(dir, `t${serial++}.csv`);
  writeFileSync(file, text);
  return file;
}

/** A comparable picture of a table: columns and the line of every row. */
function picture(t: Table) {
  return { rows: t.rows, columns: t.columns, lines: Array.from({ length: t.rows }, (_, r) => t.locate(r).line) };
}

/** For messages: a result with int64 columns as text. */
function show(x: unknown): string {
  return JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

type Outcome = { table: ReturnType<typeof picture> } | { error: string };

async function outcome(file: string, parallelFrom: number): Promise<Outcome> {
  try {
    return { table: picture(await readCsv(file, { parallelFrom })) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Parses with and without the worker; returns whether the worker ran. */
async function sameBothWays(text: string): Promise<{ workerRan: boolean; result: Outcome }> {
  const file = csvFile(text);
  rmSync(marker, { force: true });
  const parallel = await outcome(file, 1);
  const workerRan = existsSync(marker);
  const single = await outcome(file, Infinity);
  assert.deepEqual(parallel, single);
  return { workerRan, result: single };
}

/** Plain rows long enough that the split (the middle) lies well past the first 64 KiB read. */
function plainRows(from: number, count: number): string {
  let s = '';
  for (let r = from; r < from + count; r++) s += `${r % 10},${(r * 0.37).toFixed(r % 7)},${r - 5000}\n`;
  return s;
}

describe('CSV parsed in two halves', () => {
  test('plain numbers: the worker parses the second half, the table is the one-thread table', async () => {
    const { workerRan, result } = await sameBothWays('target,pred,offset\n' + plainRows(0, 20000));
    assert.ok(workerRan);
    assert.ok('table' in result && result.table.rows === 20000);
    const t = (result as { table: ReturnType<typeof picture> }).table;
    assert.equal(t.lines[19999], 20001);
    assert.deepEqual(t.columns.map((c) => c.kind === 'numeric' && c.integral), [true, false, true]);
    // The worker wrote its rows straight into the first thread's (shared) columns.
    const direct = await readCsv(csvFile('target,pred,offset\n' + plainRows(0, 20000)), { parallelFrom: 1 });
    assert.ok(direct.columns.every((c) => c.kind === 'numeric' && c.values.buffer instanceof SharedArrayBuffer));
    // Integers in the first half only: the second half's decimals make the column float.
    const late = await sameBothWays('k\n' + Array.from({ length: 30000 }, (_, r) => (r < 20000 ? `${r}\n` : `${r}.5\n`)).join(''));
    assert.ok(late.workerRan);
    assert.ok('table' in late.result);
    assert.deepEqual(late.result.table.columns.map((c) => c.kind === 'numeric' && c.integral), [false]);
    // Decimals in the first half only: the worker's int64 rows become float64 when joined.
    const early = await sameBothWays('k\n' + Array.from({ length: 30000 }, (_, r) => (r < 5000 ? `${r}.5\n` : `${r - 70000}\n`)).join(''));
    assert.ok(early.workerRan);
    assert.ok('table' in early.result);
    const k = early.result.table.columns[0]!;
    assert.ok(k.kind === 'numeric' && k.values instanceof Float64Array);
    assert.deepEqual(Array.from(k.values), Array.from({ length: 30000 }, (_, r) => (r < 5000 ? r + 0.5 : r - 70000)));
    // All integers in both halves: int64 throughout, the worker's rows bit for bit.
    const ints = await readCsv(csvFile('k\n' + Array.from({ length: 30000 }, (_, r) => `${r * 1000003 - 2 ** 40}\n`).join('')), { parallelFrom: 1 });
    const kc = ints.columns[0]!;
    assert.ok(kc.kind === 'numeric' && kc.values instanceof BigInt64Array);
    assert.deepEqual(Array.from(kc.values, Number), Array.from({ length: 30000 }, (_, r) => r * 1000003 - 2 ** 40));
  });

  test('records the worker does not take (quotes, words, blank lines, CRLF, no final newline) are parsed by the first thread', async () => {
    const tails = [
      '"12",3.5,7\n',
      'NaN,inf,-inf\n',
      '\n\n',
      '1,2,3\r\n4,5,6\r\n',
      'nan,,3\n',
      '1,True,2\n',
    ];
    for (const tail of tails) {
      const { workerRan, result } = await sameBothWays('a,b,c\n' + plainRows(0, 12000) + tail + plainRows(12000, 3000) + '9,9,9');
      assert.ok(workerRan, JSON.stringify(tail));
      assert.ok('table' in result, show(result));
    }
  });

  test('rows estimated wrong from the first bytes: the first thread outgrows its share, the worker fills its own', async () => {
    const long = (from: number, count: number) => Array.from({ length: count }, (_, r) => `${(from + r) % 10},${((from + r) * 0.123456789).toFixed(9)},${from + r}000000\n`).join('');
    const short = (from: number, count: number) => Array.from({ length: count }, (_, r) => `${(from + r) % 10},${r % 7},${r % 3}\n`).join('');
    // The first 64 KiB has long rows, the rest of the first half short ones: far more rows
    // before the split than estimated; the second half is long rows again.
    const outgrown = await sameBothWays('a,b,c\n' + long(0, 2500) + short(0, 60000) + long(2500, 20000));
    assert.ok(outgrown.workerRan);
    assert.ok('table' in outgrown.result && outgrown.result.table.rows === 82500);
    // Long rows only in the first 64 KiB and the rest short: both estimates are far too low;
    // the worker stops when its share is full and the first thread parses the rest.
    const overflowed = await sameBothWays('a,b,c\n' + long(0, 2500) + short(0, 267500));
    assert.ok(overflowed.workerRan);
    assert.ok('table' in overflowed.result && overflowed.result.table.rows === 270000);
    assert.equal(overflowed.result.table.lines[269999], 270001);
  });

  test('a quoted field holding newlines across the split point', async () => {
    const head = 'a,b\n' + plainRows(0, 8000).replace(/,[^,\n]*\n/g, '\n');
    // Blank lines inside quotes around the middle of the file (a number once trimmed, as pandas reads it).
    const multiline = '1,"' + '\n'.repeat(200_000) + '5"\n';
    const { result } = await sameBothWays(head + multiline + plainRows(0, 100).replace(/,[^,\n]*\n/g, '\n'));
    assert.ok('table' in result, show(result).slice(0, 300));
    assert.equal(result.table.rows, 8101);
    assert.equal(result.table.lines[8100], 8001 + 200_001 + 100); // header, rows, the quoted record's lines, rows
  });

  test('a text column (first half) keeps everything on one thread; bad cells report the same line', async () => {
    const text = await sameBothWays('name,v\n' + Array.from({ length: 20000 }, (_, r) => `cat${r % 3},${r}\n`).join(''));
    assert.ok('table' in text.result && text.result.table.columns[0]!.kind === 'text');
    const bad = await sameBothWays('a,b,c\n' + plainRows(0, 15000) + '1,oops,3\n' + plainRows(0, 10));
    assert.ok(bad.workerRan);
    assert.ok('error' in bad.result);
    assert.match(bad.result.error, /\(line 15002, column 'b'\): non-numeric cell "oops"/);
    const fields = await sameBothWays('a,b,c\n' + plainRows(0, 15000) + '1,2\n');
    assert.ok('error' in fields.result);
    assert.match(fields.result.error, /\(line 15002\): 2 fields but the header has 3/);
  });

  test('random mixtures agree with the one-thread parse', async () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // Records the worker leaves to the first thread: readable ones often, errors rarely.
    const odd = ['"7",1\n', '\n', 'NaN,2\n', '3,\n', '1.5e3,-0\n', '4,5\r\n', ' 8 ,9\n'];
    const bad = ['"a\nb",1\n', 'x,1\n', '1,2,3\n', '-,1\n'];
    let workerRuns = 0;
    for (let k = 0; k < 16; k++) {
      let text = rand() < 0.5 ? 'p,q\n' : '';
      const lines = 15000 + Math.floor(rand() * 10000);
      for (let r = 0; r < lines; r++) {
        const u = rand();
        if (u < 0.001) text += odd[Math.floor(rand() * odd.length)]!;
        else if (u < 0.00103) text += bad[Math.floor(rand() * bad.length)]!;
        else text += `${Math.floor(rand() * 100)},${(rand() * 10).toFixed(1 + (r % 15))}\n`;
      }
      if ((await sameBothWays(rand() < 0.3 ? text.slice(0, -1) : text)).workerRan) workerRuns++;
    }
    assert.ok(workerRuns >= 8, `the worker ran in ${workerRuns} of 16`);
  });

  test('cancelling while the worker runs rejects at once and leaves nothing running', async () => {
    const file = csvFile('a,b,c\n' + plainRows(0, 40000));
    const controller = new AbortController();
    const reading = readCsv(file, { parallelFrom: 1, signal: controller.signal, onProgress: () => controller.abort() });
    await assert.rejects(reading, /read cancelled/);
  });
});
