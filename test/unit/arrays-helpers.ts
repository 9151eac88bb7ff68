/**
 * Shared by the arrays-*.test.ts files: fixture paths, what numpy/pandas saw in each fixture
 * (scripts/fixtures/arrays/make_array_fixtures.py wrote it), and comparisons with it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../src/data/errors.js';
import type { NamedArray } from '../../src/data/arrays/index.js';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'arrays');

export interface ExpectedArray {
  dtype: string;
  stored: string;
  shape: number[];
  values: (number | string)[];
  categories?: string[];
}

export interface ExpectedFile {
  arrays?: Record<string, ExpectedArray>;
  metadata?: Record<string, string>;
  error?: string;
  line?: number;
  column?: string;
}

export const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, ExpectedFile>;

export function fixture(rel: string): string {
  return join(FIXTURES, rel);
}

function decode(x: number | string): number {
  if (typeof x === 'number') return x;
  return x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : -Infinity;
}

/** The values of an array as numbers (bigints converted; they are all below 2^53 here). */
export function numbers(a: NamedArray | { data: ArrayLike<number | bigint> }): number[] {
  return Array.from(a.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Asserts an array equals what numpy/pandas saw: dtype, stored type, shape and every value (bit-exact; -0 and NaN included). */
export function assertArray(a: NamedArray, e: ExpectedArray, label: string): void {
  assert.equal(a.dtype, e.dtype, `${label}: dtype`);
  assert.equal(a.stored, e.stored, `${label}: stored type`);
  assert.deepEqual([...a.shape], e.shape, `${label}: shape`);
  const got = numbers(a);
  const want = e.values.map(decode);
  assert.equal(got.length, want.length, `${label}: element count`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${label}: element ${i} is ${got[i]}, numpy has ${want[i]}`);
  }
  if (e.categories) assert.deepEqual(a.categories, e.categories, `${label}: categories`);
}

/** Asserts the promise rejects with a DataError whose message contains every fragment. */
export async function rejectsWith(p: Promise<unknown>, file: string, ...fragments: string[]): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof DataError)) throw new assert.AssertionError({ message: `expected a DataError, got ${String(e)}` });
    assert.equal(e.file.startsWith(file), true, `error names ${e.file}, expected ${file}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return e;
  }
  throw new assert.AssertionError({ message: `expected a DataError containing ${JSON.stringify(fragments)}, but it resolved` });
}

/** A temporary folder, removed by the returned function. */
export function tempDir(): { dir: string; write: (name: string, data: Uint8Array | string) => string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'loss-lens-arrays-'));
  return {
    dir,
    write: (name, data) => {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}
