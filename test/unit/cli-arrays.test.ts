/**
 * `loss-lens arrays`: lists the arrays of files and folders with numpy's shapes and dtypes,
 * streams statistics that match numpy's, and reports damaged files on stderr with exit 1.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runArrays } from '../../src/cli/arrays.js';

const ARRAYS = join(__dirname, '..', 'fixtures', 'arrays');
const EXPECTED = require(join(ARRAYS, 'expected.json')) as Record<string, { arrays?: Record<string, { shape: number[]; dtype: string; stored: string; values: (number | string)[] }> }>;

async function run(paths: string[], stats = false, format: 'table' | 'json' = 'json') {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const code = await runArrays(paths, { format, stats, exclude: [], progress: false }, out, err);
  return { code, stdout, stderr };
}

const decode = (v: number | string) => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity);

describe('loss-lens arrays', () => {
  test('shapes, dtypes and streamed statistics agree with numpy', async () => {
    const files = ['npy/f32_c.npy', 'npy/f32_fortran.npy', 'npy/i64.npy', 'npz/deflated.npz', 'csv/both.csv'];
    const { code, stdout, stderr } = await run(files.map((f) => join(ARRAYS, f)), true);
    assert.equal(code, 0, stderr);
    const arrays = (JSON.parse(stdout) as { arrays: { file: string; name: string; shape: number[]; dtype: string; stats: Record<string, number | string> }[] }).arrays;
    let checked = 0;
    for (const f of files) {
      for (const [name, e] of Object.entries(EXPECTED[f]!.arrays!)) {
        const got = arrays.find((a) => a.file === join(ARRAYS, f) && a.name === name);
        assert.ok(got, `${f}:${name} listed`);
        assert.deepEqual(got.shape, e.shape, `${f}:${name} shape`);
        assert.equal(got.dtype, e.dtype, `${f}:${name} dtype`);
        const values = e.values.map(decode);
        const finite = values.filter((v) => Number.isFinite(v));
        assert.equal(got.stats.nan, values.filter((v) => Number.isNaN(v)).length, `${f}:${name} NaN count`);
        assert.equal(got.stats.count, finite.length);
        assert.equal(got.stats.min, Math.min(...finite));
        assert.equal(got.stats.max, Math.max(...finite));
        const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
        assert.ok(Math.abs((got.stats.mean as number) - mean) <= 1e-12 * Math.max(1, Math.abs(mean)), `${f}:${name} mean ${got.stats.mean} vs ${mean}`);
        checked++;
      }
    }
    assert.ok(checked >= 6, `checked ${checked} arrays`);
  });

  test('a folder lists its own array files; damaged files are warnings with exit 1', async () => {
    const { code, stdout, stderr } = await run([join(ARRAYS, 'npy', 'bad')], false, 'table');
    assert.equal(code, 1);
    assert.match(stdout, /^FILE\s+ARRAY\s+SHAPE\s+DTYPE/);
    assert.match(stderr, /complex\.npy \(byte 10\): unsupported dtype '<c8'/);
    assert.match(stderr, /object\.npy .*unsupported dtype '\|O'/);
  });

  test('statistics of a damaged array name the file; a missing path is reported', async () => {
    const { code, stderr } = await run([join(ARRAYS, 'npy', 'bad', 'u64_big.npy'), join(ARRAYS, 'no-such.npy')], true);
    assert.equal(code, 1);
    assert.match(stderr, /u64_big\.npy/);
    assert.match(stderr, /no-such\.npy: no such file or folder/);
  });
});
