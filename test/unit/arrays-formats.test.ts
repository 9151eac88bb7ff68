/**
 * Every array fixture, each format as its tool wrote it, read through the one entry point and
 * compared with what numpy (or pandas reading the file back) holds; every refused fixture gives
 * its message, naming the file (and the line and column in text formats).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openArrayFile, readArrays } from '../../src/data/arrays/index.js';
import { EXPECTED, assertArray, fixture, rejectsWith } from './arrays-helpers.js';

const valid = Object.entries(EXPECTED).filter(([, e]) => e.arrays !== undefined);
const invalid = Object.entries(EXPECTED).filter(([, e]) => e.error !== undefined);

describe('array fixtures against numpy/pandas', () => {
  test('the fixture set covers every format', () => {
    const formats = new Set(valid.map(([rel]) => rel.split('.').pop()));
    assert.deepEqual([...formats].sort(), ['csv', 'json', 'jsonl', 'npy', 'npz', 'parquet', 'safetensors', 'tsv']);
    assert.ok(invalid.length >= 20, `${invalid.length} refused fixtures`);
  });

  for (const [rel, e] of valid) {
    test(rel, async () => {
      const arrays = await readArrays(fixture(rel));
      assert.deepEqual(arrays.map((a) => a.name).sort(), Object.keys(e.arrays!).sort(), 'array names');
      for (const a of arrays) {
        assert.equal(a.file.startsWith(fixture(rel)), true);
        assertArray(a, e.arrays![a.name]!, `${rel}:${a.name}`);
      }
    });
  }

  test('safetensors metadata', async () => {
    const f = await openArrayFile(fixture('safetensors/model.safetensors'));
    await f.close();
    const { openSafetensors } = await import('../../src/data/arrays/safetensors.js');
    const archive = await openSafetensors(fixture('safetensors/model.safetensors'));
    assert.deepEqual(archive.metadata, EXPECTED['safetensors/model.safetensors']!.metadata);
    assert.deepEqual(archive.names, ['y_pred', 'y_true', 'half', 'mask', 'bf']);
    await archive.close();
  });
});

describe('refused fixtures', () => {
  for (const [rel, e] of invalid) {
    test(rel, async () => {
      const err = await rejectsWith(readArrays(fixture(rel)), fixture(rel), e.error!);
      if (e.line !== undefined) assert.equal(err.location.line, e.line, 'line');
      if (e.column !== undefined) assert.equal(err.location.column, e.column, 'column');
      assert.ok(err.message.startsWith(fixture(rel)), 'the message starts with the file');
    });
  }

  test('an unknown extension and a missing file', async () => {
    await rejectsWith(openArrayFile(fixture('expected.txt')), fixture('expected.txt'), "unsupported file type '.txt'");
    await rejectsWith(openArrayFile(fixture('nope.npy')), fixture('nope.npy'), 'file not found');
  });
});
