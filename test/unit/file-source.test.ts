/**
 * FileSource, the positional reader under every array format: large reads are split into
 * pieces read concurrently, which must land every byte where a single read would, and a file
 * that shrinks after it was opened must fail with a DataError naming where its bytes ran out.
 */
import assert from 'node:assert/strict';
import { truncateSync } from 'node:fs';
import { test } from 'node:test';
import { FileSource } from '../../src/data/arrays/source.js';
import { DataError } from '../../src/data/errors.js';
import { tempDir } from './arrays-helpers.js';

/** Bytes whose value depends on their offset, so a piece landing in the wrong place shows. */
function pattern(size: number): Uint8Array {
  const b = new Uint8Array(size);
  const words = new Uint32Array(b.buffer, 0, size >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(i, 2654435761) >>> 0;
  for (let i = words.length * 4; i < size; i++) b[i] = i & 0xff;
  return b;
}

test('a read of many pieces (concurrent) returns exactly the bytes of the range', async () => {
  const size = (40 << 20) + 12345; // above the concurrent-read threshold, not a multiple of a piece
  const bytes = pattern(size);
  const dir = tempDir();
  const file = dir.write('big.bin', bytes);
  const source = await FileSource.open(file);
  try {
    const whole = await source.read(0, size);
    assert.equal(Buffer.compare(Buffer.from(whole.buffer, whole.byteOffset, whole.length), Buffer.from(bytes.buffer)), 0);
    const start = 3_000_001;
    const into = new Uint8Array(size);
    const part = await source.read(start, size - start - 7, into);
    assert.equal(part.length, size - start - 7);
    assert.equal(Buffer.compare(Buffer.from(part.buffer, part.byteOffset, part.length), Buffer.from(bytes.buffer, start, size - start - 7)), 0);
  } finally {
    await source.close();
    dir.done();
  }
});

test('a file cut short after it was opened fails the concurrent read with a DataError naming the file', async () => {
  const size = 48 << 20;
  const dir = tempDir();
  const file = dir.write('shrinks.bin', pattern(size));
  const source = await FileSource.open(file);
  try {
    truncateSync(file, 20 << 20);
    await assert.rejects(source.read(0, size), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.file, file);
      assert.match(e.message, /file ends at byte \d+, \d+ bytes short/);
      return true;
    });
  } finally {
    await source.close();
    dir.done();
  }
});
