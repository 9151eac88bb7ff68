/**
 * Text and columnar tables (CSV/TSV, JSON lines, JSON, Parquet) beyond the fixtures: the CSV
 * parser fed in pieces split at every byte, header and delimiter detection, pandas' missing
 * words, decimal conversion against the engine's own (correct) parse, JSON shapes, and the
 * pairing of predictions with targets, including every shape-mismatch message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CsvTableParser, readCsv } from '../../src/data/arrays/csv.js';
import { DecimalScanner } from '../../src/data/arrays/decimal.js';
import { checkPairShapes, openArrayFile, readArrays, readPredictionsAndTargets, roleScore, tableArrays } from '../../src/data/arrays/index.js';
import { readJson, readJsonl } from '../../src/data/arrays/json.js';
import { boundedCompressors, readParquet } from '../../src/data/arrays/parquet.js';
import { parquetMetadata } from 'hyparquet';
import type { NumericColumn, Table } from '../../src/data/arrays/table.js';
import { EXPECTED, fixture, numbers, rejectsWith, tempDir } from './arrays-helpers.js';

function parseInPieces(bytes: Uint8Array, cuts: number[], file = 'mem.csv'): Table {
  const parser = new CsvTableParser(file, bytes.length, undefined, undefined, 'csv');
  let buffer = new Uint8Array(0);
  let position = 0;
  const points = [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  for (const point of points) {
    const piece = bytes.subarray(position, point);
    position = point;
    const joined = new Uint8Array(buffer.length + piece.length);
    joined.set(buffer);
    joined.set(piece, buffer.length);
    const final = position === bytes.length;
    const consumed = parser.consume(joined, joined.length, final);
    buffer = joined.slice(consumed);
  }
  return parser.finish();
}

/** A numeric column's values as numbers, whether the reader kept them as float64 or int64. */
function valuesOf(t: Table, name: string): number[] {
  const v = column(t, name).values;
  return v instanceof BigInt64Array ? Array.from(v, Number) : Array.from(v);
}

function column(t: Table, name: string): NumericColumn {
  const c = t.columns.find((x) => x.name === name);
  assert.ok(c && c.kind === 'numeric', `numeric column ${name}`);
  return c;
}

describe('CSV parsing', () => {
  test('split at every byte, the fixtures parse as they do whole', async () => {
    for (const rel of ['csv/quoted_crlf.csv', 'csv/both.csv', 'csv/labels.tsv']) {
      const bytes = readFileSync(fixture(rel));
      const whole = await readCsv(fixture(rel));
      const parser = (cuts: number[]): Table => {
        const p = new CsvTableParser(fixture(rel), bytes.length, rel.endsWith('.tsv') ? '\t' : undefined, undefined, 'csv');
        let buffer = new Uint8Array(0);
        let pos = 0;
        for (const point of [...cuts, bytes.length]) {
          const joined = Buffer.concat([buffer, bytes.subarray(pos, point)]);
          pos = point;
          const consumed = p.consume(joined, joined.length, pos === bytes.length);
          buffer = joined.subarray(consumed);
        }
        return p.finish();
      };
      for (let cut = 1; cut < bytes.length; cut++) {
        const t = parser([cut]);
        assert.equal(t.rows, whole.rows, `${rel} cut at ${cut}`);
        assert.deepEqual(tableArrays(t).map((a) => [a.name, numbers(a)]), tableArrays(whole).map((a) => [a.name, numbers(a)]), `${rel} cut at ${cut}`);
      }
    }
  });

  test('header detection: names, all numbers, pandas unnamed 0..k', () => {
    const enc = (s: string): Uint8Array => Buffer.from(s);
    const named = parseInPieces(enc('a,b\n1,2\n'), []);
    assert.deepEqual(named.columns.map((c) => c.name), ['a', 'b']);
    assert.equal(named.rows, 1);
    const bare = parseInPieces(enc('1,2\n3,4\n'), []);
    assert.deepEqual(bare.columns.map((c) => c.name), ['0', '1']);
    assert.equal(bare.rows, 2);
    const unnamed = parseInPieces(enc('0,1\n3,4\n'), []);
    assert.equal(unnamed.rows, 1, 'pandas writes 0,1 as the header of unnamed columns');
    const explicit = new CsvTableParser('x.csv', 8, ',', false, 'csv');
    explicit.consume(enc('0,1\n3,4\n'), 8, true);
    assert.equal(explicit.finish().rows, 2);
  });

  test('integer columns are int64 as read, and turn float64 exactly at the first other value', () => {
    const ints = [0, 7, -3, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53) + 1, 4294967296, 123456789];
    const head = 'k\n' + ints.join('\n') + '\n';
    const asInt = parseInPieces(Buffer.from(head), [3, 11]);
    assert.ok(column(asInt, 'k').values instanceof BigInt64Array);
    assert.deepEqual(Array.from(column(asInt, 'k').values as BigInt64Array), ints.map(BigInt));
    for (const [late, value, integral] of [
      ['0.5', 0.5, false],
      ['NA', NaN, false],
      ['inf', Infinity, false],
      ['1e3', 1000, false],
      ['9007199254740993', 9007199254740992, true], // written as an integer, but not a safe one
    ] as const) {
      const t = parseInPieces(Buffer.from(head + late + '\n5\n'), [4, 20]);
      const c = column(t, 'k');
      assert.ok(c.values instanceof Float64Array, late);
      assert.deepEqual(Array.from(c.values), [...ints, value, 5], late);
      assert.equal(c.integral, integral, late);
      const [array] = tableArrays(t);
      assert.equal(array!.dtype, 'float64', late);
    }
  });

  test('delimiters, BOM, blank lines, missing words, infinities, booleans, padding', () => {
    const t = parseInPieces(Buffer.from('\ufeffy;p;q\n1;NaN; 2.5 \n\n0;-inf;\n1;inf;NA\nTrue;1e3;+7\n'), [5, 17]);
    assert.deepEqual(t.columns.map((c) => c.name), ['y', 'p', 'q']);
    assert.deepEqual(valuesOf(t, 'y'), [1, 0, 1, 1]);
    assert.deepEqual(valuesOf(t, 'p'), [NaN, -Infinity, Infinity, 1000]);
    assert.deepEqual(valuesOf(t, 'q'), [2.5, NaN, NaN, 7]);
    assert.equal(column(t, 'y').integral, true);
    assert.ok(column(t, 'y').values instanceof BigInt64Array, 'labels kept as int64 as they are read');
    assert.ok(column(t, 'p').values instanceof Float64Array);
    assert.equal(t.locate(1).line, 4, 'rows after a blank line keep their file line');
  });

  test('a text column becomes category codes; a class-name column stays text even if it starts empty', () => {
    const t = parseInPieces(Buffer.from('label,p\n,0.1\ncat,0.2\ndog,0.3\ncat,0.4\n'), []);
    const arrays = tableArrays(t);
    const label = arrays.find((a) => a.name === 'label')!;
    assert.deepEqual(numbers(label), [-1, 0, 1, 0]);
    assert.deepEqual(label.categories, ['cat', 'dog']);
  });

  test('every CSV failure names the file, the line and the column', async () => {
    const t = tempDir();
    try {
      const cases: [string, string, string, number | undefined, string | undefined][] = [
        ['comma.csv', 'y,p\n1,0.5\n0,"0,25"\n', 'non-numeric cell "0,25" in a numeric column (a decimal comma? write numbers with a point)', 3, 'p'],
        ['late_text.csv', 'y,p\n1,0.5\n0,abc\n', 'non-numeric cell "abc" in a numeric column', 3, 'p'],
        ['multiline.csv', 'note,p\n"a\nb",0.5\n"c",x\n', 'non-numeric cell "x"', 4, 'p'],
        ['few.csv', 'y,p\n1,0.5\n0\n', '1 fields but the header has 2', 3, undefined],
        ['dup.csv', 'y,y\n1,2\n', "column name 'y' appears twice (columns 1 and 2)", 1, 2 as never],
        ['empty.csv', '', 'empty file: no header and no rows', undefined, undefined],
      ];
      for (const [name, text, message, line, col] of cases) {
        const p = t.write(name, text);
        const e = await rejectsWith(readCsv(p), p, message);
        assert.equal(e.location.line, line, `${name} line`);
        if (col !== undefined) assert.equal(e.location.column, col, `${name} column`);
      }
      await rejectsWith(readCsv(t.write('d.csv', 'a\n'), { delimiter: '"' }), t.dir, 'delimiter must be one character other than a quote or newline');
    } finally {
      t.done();
    }
  });

  test('chunked reading across the 4 MiB buffer keeps every row', async () => {
    const t = tempDir();
    try {
      const n = 300_000;
      let text = 'target,pred\n';
      for (let i = 0; i < n; i++) text += `${i % 3},${(i * 0.000123456789).toPrecision(12)}\n`;
      const p = t.write('big.csv', text);
      const progress: number[] = [];
      const table = await readCsv(p, { onProgress: (d) => progress.push(d) });
      assert.equal(table.rows, n);
      assert.ok(progress.length >= 2);
      const pred = column(table, 'pred').values;
      for (const i of [0, 1, 123_457, n - 1]) assert.equal(pred[i], Number((i * 0.000123456789).toPrecision(12)));
      const controller = new AbortController();
      controller.abort();
      await rejectsWith(readCsv(p, { signal: controller.signal }), p, 'read cancelled');
    } finally {
      t.done();
    }
  });
});

describe('CSV fast path and int64 columns', () => {
  test('records the tight loop cannot take (missing cells, CRLF, quotes, words) mid-file, and column growth', () => {
    let text = 'y,p\n';
    const ys: number[] = [];
    const ps: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const y = i % 7 === 0 ? -(2 ** 40) - i : i % 3;
      let cell = String(i / 8);
      let p = i / 8;
      if (i % 997 === 0) [cell, p] = ['', NaN];
      else if (i % 1009 === 0) cell = `"${cell}"`;
      else if (i % 1013 === 0) [cell, p] = ['inf', Infinity];
      ys.push(y);
      ps.push(p);
      text += `${y},${cell}${i % 1019 === 0 ? '\r\n' : '\n'}`;
    }
    // A tiny file-size hint forces the columns to grow while parsing.
    const parser = new CsvTableParser('grow.csv', 10, undefined, undefined, 'csv');
    const bytes = Buffer.from(text);
    parser.consume(bytes, bytes.length, true);
    const t = parser.finish();
    assert.equal(t.rows, 5000);
    assert.deepEqual(valuesOf(t, 'p'), ps);
    const [y, p] = tableArrays(t, { inPlace: true });
    assert.equal(y!.dtype, 'int64');
    assert.deepEqual(Array.from(y!.data as BigInt64Array, Number), ys);
    assert.equal(p!.dtype, 'float64');
    assert.equal(t.locate(4999).line, 5001);
  });

  test('int64 conversion of safe integers of every size and sign, interleaved for name_k groups', () => {
    const vals = [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 32, -(2 ** 32) - 1, 2 ** 53 - 1, -(2 ** 53) + 1, 123456789012];
    const t = parseInPieces(Buffer.from(`a,p_0,p_1\n${vals.map((v) => `${v},${v},${-v}`).join('\n')}\n`), []);
    const [a, p] = tableArrays(t);
    assert.deepEqual(Array.from(a!.data as BigInt64Array), vals.map((v) => BigInt(v)));
    assert.deepEqual([...p!.shape], [vals.length, 2]);
    assert.deepEqual(Array.from(p!.data as BigInt64Array), vals.flatMap((v) => [BigInt(v), BigInt(-v)]));
    const big = parseInPieces(Buffer.from('a\n9007199254740993\n1\n'), []);
    assert.equal(tableArrays(big)[0]!.dtype, 'float64', 'an integer column beyond 2^53 stays float64 rather than round');
  });

  test('in-place int64 conversion: converts the column buffer, or leaves every double as it was', () => {
    const vals = [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32) - 1, 2 ** 53 - 1, -(2 ** 53) + 1, 123456789012];
    const t = parseInPieces(Buffer.from(`a\n${vals.join('\n')}\n`), []);
    const [a] = tableArrays(t, { inPlace: true });
    assert.equal(a!.dtype, 'int64');
    assert.equal(a!.data.buffer, column(t, 'a').values.buffer, 'the column buffer itself becomes the tensor');
    assert.deepEqual(Array.from(a!.data as BigInt64Array), vals.map((v) => BigInt(v)));
    // An unsafe integer after many converted slots: they are all turned back into their doubles.
    const late = parseInPieces(Buffer.from(`a\n${vals.join('\n')}\n9007199254740993\n`), []);
    const [b] = tableArrays(late, { inPlace: true });
    assert.equal(b!.dtype, 'float64');
    assert.deepEqual(Array.from(b!.data as Float64Array), [...vals, 9007199254740992]);
  });

  test('chunks with a reused buffer yield the same rows and share one buffer', async () => {
    const f = await openArrayFile(fixture('npy/f32_c.npy'));
    const want = numbers(await f.read('f32_c'));
    const seen: number[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for await (const c of f.chunks('f32_c', 1, { reuseBuffer: true })) {
      seen.push(...numbers(c.tensor));
      buffers.add(c.tensor.data.buffer);
    }
    assert.deepEqual(seen, want);
    assert.equal(buffers.size, 1);
    await f.close();
  });
});

describe('decimal conversion', () => {
  const scanner = new DecimalScanner();
  const scan = (s: string): number => {
    const b = Buffer.from(s);
    const v = scanner.scan(b, 0, b.length);
    assert.equal(scanner.end, b.length, `whole of ${s} consumed`);
    return v;
  };

  test('every double written by repr, toPrecision and toExponential parses to itself', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 21 }), (x, digits) => {
        for (const s of [String(x), x.toPrecision(digits), x.toExponential(Math.min(20, digits)), x.toFixed(Math.min(20, digits))]) {
          if (!/^-?\d/.test(s) || s.includes('e+') === false && Math.abs(x) >= 1e21 && s === x.toFixed(Math.min(20, digits))) continue;
          assert.ok(Object.is(scan(s), Number(s)), `${s}: ${scan(s)} vs ${Number(s)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('random digit strings of 1 to 25 digits and any exponent round as the engine does', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{0,24}$/), fc.integer({ min: -340, max: 310 }), fc.boolean(), (digits, exp, point) => {
        const s = point && digits.length > 1 ? `${digits[0]}.${digits.slice(1)}e${exp}` : `${digits}e${exp}`;
        assert.ok(Object.is(scan(s), Number(s)), s);
      }),
      { numRuns: 3000 },
    );
  });

  test('literals of 16 to 19 digits next to the midpoint between two doubles round as the engine does', () => {
    // The double-double path decides these by the size of its residual: a midpoint's exact
    // decimal expansion, cut to 16-19 digits (and the last digit moved by one either way),
    // lies a tiny fraction of an ulp from halfway, on either side.
    const view = new DataView(new ArrayBuffer(8));
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e15, noNaN: true }), fc.integer({ min: 16, max: 19 }), fc.integer({ min: -1, max: 1 }), (x, digits, nudge) => {
        view.setFloat64(0, x);
        const raw = view.getBigUint64(0);
        const e = Number((raw >> 52n) & 0x7ffn) - 1075;
        const m = (raw & ((1n << 52n) - 1n)) | (1n << 52n);
        // midpoint = (2m + 1) · 2^(e - 1) = (2m + 1) · 5^(1 - e) / 10^(1 - e) (here e < 1)
        const scaled = (2n * m + 1n) * 5n ** BigInt(1 - e);
        const text = scaled.toString();
        const pointAt = text.length - (1 - e);
        const cut = (BigInt(text.slice(0, digits)) + BigInt(nudge)).toString();
        const s = `${cut}e${pointAt - cut.length}`;
        assert.ok(Object.is(scan(s), Number(s)), s);
      }),
      { numRuns: 5000 },
    );
  });

  test('near-halfway cases and the edges of the fast paths', () => {
    for (const s of [
      '9007199254740993',
      '9007199254740992.5',
      '1.00000000000000011102230246251565',
      '2.2250738585072011e-308',
      '4.9406564584124654e-324',
      '2.4703282292062328e-324',
      '1e22',
      '1e23',
      '123456789012345678e-22',
      '0.1000000000000000055511151231257827',
      '-0',
      '-0.0e5',
      '00012.500',
      '.5',
      '5.',
      '1.7976931348623159e308',
    ]) {
      assert.ok(Object.is(scan(s), Number(s)), s);
    }
    const b = Buffer.from('1e+x');
    scanner.scan(b, 0, b.length);
    assert.equal(scanner.end, 1, 'an exponent without digits is not part of the number');
  });

  test('digits read four at a time stop at the bytes around the digits in ASCII, at the limit, at any offset', () => {
    // '/' and ':' sit just below and above '0'..'9'; '?' and 0xff test the carry checks.
    for (const stop of ['/', ':', ';', '?', '@', ' ', ',', '\xff', '\x00']) {
      for (const [text, value, length] of [
        ['12345678', 12345678, 8],
        ['1234', 1234, 4],
        ['123', 123, 3],
        ['0.12345678', 0.12345678, 10],
        ['3.1415', 3.1415, 6],
        ['3.141', 3.141, 5],
        ['0.000012345', 0.000012345, 11],
        ['123456789012.5', 123456789012.5, 14],
      ] as const) {
        for (const offset of [0, 1, 3]) {
          // A byte buffer at an odd offset into a larger one, as the reader's buffers are.
          const whole = Buffer.from('x'.repeat(offset) + text + stop + '9999', 'latin1');
          const b = new Uint8Array(whole.buffer, whole.byteOffset + offset, whole.length - offset);
          assert.ok(Object.is(scanner.scan(b, 0, b.length), value), `${text}${stop}`);
          assert.equal(scanner.end, length, `${text}${stop} ends before the stop byte`);
          // The limit cuts the number even where the bytes go on.
          assert.ok(Object.is(scanner.scan(b, 0, length - 1), Number(text.slice(0, length - 1))), `${text} cut by the limit`);
          assert.equal(scanner.end, length - 1);
        }
      }
    }
  });
});

describe('JSON tables', () => {
  test('records with keys that come and go are missing cells, as in pandas', async () => {
    const t = tempDir();
    try {
      const p = t.write('r.jsonl', '{"a": 1, "b": [1, 2]}\n\n{"a": 2.5}\n{"c": "x", "b": [3, NaN]}\n');
      const table = await readJsonl(p);
      assert.equal(table.rows, 3);
      const arrays = Object.fromEntries(tableArrays(table).map((a) => [a.name, a]));
      assert.deepEqual(numbers(arrays.a!), [1, 2.5, NaN]);
      assert.deepEqual(numbers(arrays.b!), [1, 2, NaN, NaN, 3, NaN]);
      assert.deepEqual([...arrays.b!.shape], [3, 2]);
      assert.deepEqual(numbers(arrays.c!), [-1, -1, 0]);
      assert.equal(table.locate(1).line, 3);
      const rows = await readJson(t.write('rows.json', '[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]'));
      const [a] = tableArrays(rows);
      assert.deepEqual([...a!.shape], [2, 2, 2]);
      assert.equal(a!.name, 'rows');
      assert.equal(a!.dtype, 'int64');
    } finally {
      t.done();
    }
  });

  test('numbers written as floats (1.0, 1e0, NaN) make a float column even when every value is whole', async () => {
    const t = tempDir();
    try {
      const dtypes = async (read: Promise<Table>): Promise<Record<string, string>> =>
        Object.fromEntries(tableArrays(await read).map((a) => [a.name, a.dtype]));
      // Labels stay integers; predictions written 1.0 / 0.0 are float64 as pandas.read_json gives.
      assert.deepEqual(
        await dtypes(readJsonl(t.write('r.jsonl', '{"label": 1, "pred": 1.0, "logits": [2, 0.0]}\n{"label": 0, "pred": 0.0, "logits": [1, 3]}\n'))),
        { label: 'int64', pred: 'float64', logits: 'float64' },
      );
      // A key that looks like a float inside a string, and an exponent, and an escaped key.
      assert.deepEqual(
        await dtypes(readJsonl(t.write('s.jsonl', '{"name": "1.0", "k": 2, "e\\u0078p": 1e0}\n{"name": "2.5e3", "k": 3, "exp": 2}\n'))),
        { name: 'int64', k: 'int64', exp: 'float64' },
      );
      assert.deepEqual(await dtypes(readJsonl(t.write('rows.jsonl', '1\n2.0\n'))), { rows: 'float64' });
      assert.deepEqual(await dtypes(readJsonl(t.write('ints.jsonl', '1\n2\n'))), { ints: 'int64' });
      assert.deepEqual(
        await dtypes(readJson(t.write('records.json', '[{"y": 1, "p": 1.0}, {"y": 0, "p": NaN}, {"y": 2, "p": 0}]'))),
        { y: 'int64', p: 'float64' },
      );
      assert.deepEqual(await dtypes(readJson(t.write('columns.json', '{"y_true": [1, 0], "y_pred": [1.0, 0.0]}'))), { y_true: 'int64', y_pred: 'float64' });
      assert.deepEqual(await dtypes(readJson(t.write('list.json', '[[1, 2], [3.0, 4]]'))), { list: 'float64' });
    } finally {
      t.done();
    }
  });

  test('property: a column is float64 exactly when one of its numbers is written as a float', async () => {
    // Records of up to four columns, each cell an integer written plainly or as n.0 / ne0, nested
    // in lists or not, with string columns whose text looks like numbers mixed in.
    const cell = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.constantFrom('plain', 'dot', 'exp'), fc.boolean());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.boolean(), async (rows, asJson) => {
        const write = ([n, style, listed]: [number, string, boolean]): string => {
          const text = style === 'plain' ? String(n) : style === 'dot' ? `${n}.0` : `${n}e0`;
          return listed ? `[${text}, ${n}]` : text;
        };
        // Whether a column is listed is fixed by its first row (rows must agree on shape).
        const shaped = rows.map((r) => r.map(([n, style], c): [number, string, boolean] => [n, style, rows[0]![c]![2]]));
        // Names without a numeric suffix (pred_0, pred_1, … would be merged into one array).
        const names = ['alpha', 'beta', 'gamma', 'delta'];
        const records = shaped.map((r) => `{"${names[0]}": ${write(r[0]!)}, "s": "1.5", ${names.slice(1).map((k, c) => `"${k}": ${write(r[c + 1]!)}`).join(', ')}}`);
        const text = asJson ? `[${records.join(', ')}]` : records.join('\n');
        const t = tempDir();
        try {
          const table = await (asJson ? readJson(t.write('p.json', text)) : readJsonl(t.write('p.jsonl', text)));
          const dtypes = Object.fromEntries(tableArrays(table).map((a) => [a.name, a.dtype]));
          for (let c = 0; c < 4; c++) {
            const float = shaped.some((r) => r[c]![1] !== 'plain');
            assert.equal(dtypes[names[c]!], float ? 'float64' : 'int64', `${names[c]} of ${text}`);
          }
        } finally {
          t.done();
        }
      }),
      { numRuns: 60 },
    );
  });

  test('every JSON failure names the file and where', async () => {
    const t = tempDir();
    try {
      const cases: [string, string, string, number | undefined][] = [
        ['mixed.jsonl', '{"a": 1}\n[1]\n', 'a bare a list among records: every row must have the same form', 2],
        ['nested.jsonl', '{"a": {"x": 1}}\n', 'an object is not a number, list, string or null', 1],
        ['ragged.json', '[[1, [2]], [3, 4]]', 'a ragged list', undefined],
        ['scalar.json', '3', 'the top-level value is number 3', undefined],
        ['cols.json', '{"a": [1, 2], "b": [1]}', "column 'b' has 1 rows but 'a' has 2", undefined],
        ['notlist.json', '{"a": 5}', "column 'a' is number 5, not a list", undefined],
        ['empty.jsonl', '\n\n', 'empty file: no rows', undefined],
        ['bad.json', '{"a": [1, 2,]}', 'invalid JSON', 1],
        ['deep.jsonl', `${'['.repeat(40)}1${']'.repeat(40)}\n`, 'lists nested deeper than 32', 1],
      ];
      for (const [name, text, message, line] of cases) {
        const p = t.write(name, text);
        const e = await rejectsWith(name.endsWith('.jsonl') ? readJsonl(p) : readJson(p), p, message);
        if (line !== undefined) assert.equal(e.location.line, line, name);
      }
    } finally {
      t.done();
    }
  });
});

describe('pairing predictions with targets', () => {
  test('by name in one file (npz, safetensors, CSV, JSON, Parquet)', async () => {
    const cases: [string, string, string][] = [
      ['npz/stored.npz', 'y_pred', 'y_true'],
      ['npz/deflated.npz', 'logits', 'labels'],
      ['safetensors/model.safetensors', 'y_pred', 'y_true'],
      ['csv/both.csv', 'prediction', 'target'],
      ['json/columns.json', 'y_pred', 'y_true'],
      ['parquet/preds_snappy.parquet', 'pred', 'target'],
    ];
    for (const [rel, p, t] of cases) {
      const pair = await readPredictionsAndTargets({ files: [fixture(rel)], ...(rel.endsWith('parquet') ? { predictions: 'pred', targets: 'target' } : {}) });
      assert.equal(pair.predictions.name, p, rel);
      assert.equal(pair.targets.name, t, rel);
      assert.deepEqual(numbers(pair.targets), EXPECTED[rel]!.arrays![t]!.values, rel);
    }
  });

  test('two files, one array each: predictions then targets; rows limit both', async () => {
    const pair = await readPredictionsAndTargets({ files: [fixture('npy/f32_c.npy'), fixture('npy/i32_be.npy')], rows: { start: 1, end: 3 } }).catch((e) => e);
    // (4, 3) against (3,): 4 samples against 3.
    assert.match(String(pair), /predictions 'f32_c' .* have shape \(4, 3\) but targets 'i32_be' .* have shape \(3,\): 4 samples against 3/);
    const ok = await readPredictionsAndTargets({ files: [fixture('npz/deflated.npz'), fixture('npz/stored.npz')], predictions: 'logits', targets: 'y_true' }).catch((e) => e);
    assert.match(String(ok), /\(50, 5\) but targets 'y_true' .* \(6,\)/);
    const t = tempDir();
    try {
      const csvP = t.write('preds.csv', 'pred_0,pred_1\n0.2,0.8\n0.6,0.4\n0.5,0.5\n');
      const csvT = t.write('labels.csv', 'label\n1\n0\n1\n');
      const pair2 = await readPredictionsAndTargets({ files: [csvP, csvT], rows: { start: 1, end: 3 } });
      assert.deepEqual([...pair2.predictions.shape], [2, 2]);
      assert.deepEqual(numbers(pair2.predictions), [0.6, 0.4, 0.5, 0.5]);
      assert.deepEqual(numbers(pair2.targets), [0, 1]);
      assert.equal(pair2.targets.dtype, 'int64');
    } finally {
      t.done();
    }
  });

  test('ambiguous, missing and explicit names', async () => {
    const t = tempDir();
    try {
      const amb = t.write('amb.csv', 'pred,preds,y\n1,2,3\n');
      await rejectsWith(readPredictionsAndTargets({ files: [amb] }), amb, "several arrays could be the predictions: 'pred'", "'preds'");
      const none = t.write('none.csv', 'a,b,c\n1,2,3\n');
      await rejectsWith(readPredictionsAndTargets({ files: [none] }), none, 'no predictions found among');
      const pick = await readPredictionsAndTargets({ files: [none], predictions: 'b', targets: 'c' });
      assert.deepEqual([pick.predictions.name, pick.targets.name], ['b', 'c']);
      await rejectsWith(readPredictionsAndTargets({ files: [none], predictions: 'zz' }), none, "no array named 'zz' for the predictions");
      const two = t.write('two.csv', 'score,truth\n0.5,1\n');
      const p = await readPredictionsAndTargets({ files: [two] });
      assert.deepEqual([p.predictions.name, p.targets.name], ['score', 'truth'], 'two arrays: the unmatched one takes the other role');
    } finally {
      t.done();
    }
  });

  test('shape rules: equal, class axis dropped (torch axis 1, Keras last), trailing 1', () => {
    const info = (name: string, shape: number[]) => ({ name, file: `${name}.npy`, shape, dtype: 'float32' as const, stored: 'float32' });
    for (const [p, t] of [
      [[8, 3], [8, 3]],
      [[8, 5], [8]],
      [[8, 5, 4, 4], [8, 4, 4]],
      [[8, 4, 4, 5], [8, 4, 4]],
      [[8], [8, 1]],
      [[8, 1], [8]],
    ] as const) {
      assert.doesNotThrow(() => checkPairShapes(info('p', [...p]), info('t', [...t])), `${p} vs ${t}`);
    }
    assert.throws(
      () => checkPairShapes(info('logits', [8, 5, 4]), info('labels', [8, 3])),
      (e: Error) =>
        e.message ===
        "logits.npy: predictions 'logits' (logits.npy) have shape (8, 5, 4) but targets 'labels' (labels.npy) have shape (8, 3): expected the same shape, or the predictions' shape without the class axis",
    );
    assert.throws(() => checkPairShapes(info('p', [8]), info('t', [7])), /8 samples against 7/);
  });

  test('name conventions', () => {
    assert.equal(roleScore('y_pred', 'predictions'), 2);
    assert.equal(roleScore('val_logits', 'predictions'), 1);
    assert.equal(roleScore('LABELS', 'targets'), 2);
    assert.equal(roleScore('epoch_y_true', 'targets'), 1);
    assert.equal(roleScore('weights', 'targets'), 0);
    assert.equal(roleScore('weights', 'predictions'), 0);
  });

  test('a table file serves rows and chunks like an archive', async () => {
    const f = await openArrayFile(fixture('csv/preds.csv'));
    const all = numbers(await f.read('pred'));
    const rows = await f.readRows('pred', 2, 5);
    assert.deepEqual(numbers(rows), all.slice(6, 15));
    const seen: number[] = [];
    for await (const c of f.chunks('pred', 5)) seen.push(...numbers(c.tensor));
    assert.deepEqual(seen, all);
    await rejectsWith(f.readRows('pred', 5, 100), fixture('csv/preds.csv'), 'rows [5, 100) are outside');
    await f.close();
    const arrays = await readArrays(fixture('csv/noheader.csv'));
    assert.deepEqual([...arrays[0]!.shape], [5, 2], 'a file without a header is one array named after it');
  });
});

describe('Parquet page sizes', () => {
  test('a decompressor is never asked for more bytes than the codec or the file can give', () => {
    const codecs = boundedCompressors('/x/p.parquet', 10_000);
    assert.throws(() => codecs.SNAPPY!(new Uint8Array(10), 2 ** 30), /p\.parquet: damaged page header: it claims 1073741824 bytes once SNAPPY-decompressed from 10, more than SNAPPY can produce/);
    assert.throws(() => codecs.ZSTD!(new Uint8Array(10), 20_000), /more than the 10000 the column chunks hold in all/);
    assert.throws(() => codecs.GZIP!(new Uint8Array(10), -1), /damaged page header/);
  });

  test('a page header claiming a huge uncompressed size is a clear error, not an allocation', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('parquet/preds_zstd.parquet')));
    // The first page header (Thrift compact): field 1 type (0x15, varint), field 2
    // uncompressed_page_size (0x15, zigzag varint). Overwrite that varint with the largest value
    // of the same length, so nothing else moves.
    // The uncompressed size of a column chunk's first page, written in two or more bytes.
    let at = -1;
    let end = -1;
    for (const group of parquetMetadata(bytes.slice().buffer).row_groups) {
      for (const { meta_data: chunk } of group.columns) {
        let i = Number(chunk!.dictionary_page_offset ?? chunk!.data_page_offset);
        assert.equal(bytes[i], 0x15, 'a page header starts there');
        i++;
        while (bytes[i]! & 0x80) i++;
        i++;
        assert.equal(bytes[i], 0x15, 'field 2 follows');
        let j = i + 1;
        while (bytes[j]! & 0x80) j++;
        if (at < 0 && j > i + 1) [at, end] = [i + 1, j];
      }
    }
    assert.ok(at > 0, 'a page with a multi-byte size');
    for (let i = at; i < end; i++) bytes[i] = 0xfe;
    bytes[end] = 0x7e;
    const t = tempDir();
    try {
      const p = t.write('huge-page.parquet', bytes);
      await rejectsWith(readParquet(p), p, 'damaged page header');
    } finally {
      t.done();
    }
  });
});
