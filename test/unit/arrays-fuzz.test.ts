/**
 * Property tests: valid array files of every format, damaged at random (bytes flipped, cut
 * short, bytes inserted, a slice repeated), never make a reader throw anything but a DataError
 * naming the file, hang, or return more data than the damaged file could describe.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readArrays } from '../../src/data/arrays/index.js';
import { DataError } from '../../src/data/errors.js';
import { fixture, tempDir } from './arrays-helpers.js';

type Mutation = { kind: 'flip'; at: number; mask: number } | { kind: 'cut'; at: number } | { kind: 'insert'; at: number; bytes: number[] } | { kind: 'repeat'; at: number; length: number } | { kind: 'set'; at: number; bytes: number[] };

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  // Overwrite with bytes that make large numbers (sizes, shapes, offsets).
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), bytes: fc.array(fc.constantFrom(0xff, 0x7f, 0x39, 0x00, 0x80), { minLength: 1, maxLength: 8 }) }),
);

function mutate(original: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(original);
  for (const m of mutations) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'flip') b[at]! ^= m.mask;
    else if (m.kind === 'cut') b = b.subarray(0, at);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else if (m.kind === 'set') for (let k = 0; k < m.bytes.length && at + k < b.length; k++) b[at + k] = m.bytes[k]!;
    else b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at, at + m.length), b.subarray(at + m.length)]);
  }
  return b;
}

const CASES: { rel: string; runs: number }[] = [
  { rel: 'npy/f32_c.npy', runs: 150 },
  { rel: 'npy/f16_be.npy', runs: 80 },
  { rel: 'npy/f64_fortran_wide.npy', runs: 80 },
  { rel: 'npy/v3.npy', runs: 60 },
  { rel: 'npz/stored.npz', runs: 150 },
  { rel: 'npz/deflated.npz', runs: 150 },
  { rel: 'safetensors/model.safetensors', runs: 150 },
  { rel: 'csv/quoted_crlf.csv', runs: 120 },
  { rel: 'csv/both.csv', runs: 80 },
  { rel: 'csv/labels.tsv', runs: 60 },
  { rel: 'json/records.jsonl', runs: 80 },
  { rel: 'json/columns.json', runs: 80 },
  { rel: 'parquet/preds_snappy.parquet', runs: 120 },
  { rel: 'parquet/preds_zstd.parquet', runs: 80 },
];

const TIME_LIMIT_MS = 5000;
/** ARRAYS_FUZZ_SCALE=10 ARRAYS_FUZZ_SEED=... for a longer hunt; the default run is fixed and short. */
const SCALE = Number(process.env.ARRAYS_FUZZ_SCALE ?? 1);
const SEED = Number(process.env.ARRAYS_FUZZ_SEED ?? 20261204);

describe('damaged array files', () => {
  for (const { rel, runs } of CASES) {
    test(rel, async () => {
      const original = readFileSync(fixture(rel));
      const t = tempDir();
      let n = 0;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
            const bytes = mutate(original, mutations);
            const p = t.write(`case${n++}${rel.slice(rel.lastIndexOf('.'))}`, bytes);
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${TIME_LIMIT_MS} ms`)), TIME_LIMIT_MS);
            });
            try {
              const arrays = await Promise.race([readArrays(p), timeout]);
              // What a damaged file yields is bounded by what it holds: at most 8 bytes out
              // (a float64) per byte in for text, or the declared (and checked) data size.
              const out = arrays.reduce((s, a) => s + a.data.byteLength, 0);
              assert.ok(out <= 64 * bytes.length + 4096, `${out} bytes of arrays from a ${bytes.length}-byte file`);
            } catch (e) {
              if (!(e instanceof DataError)) throw new Error(`${rel} ${JSON.stringify(mutations)}: ${e instanceof Error ? e.stack : String(e)}`);
              assert.ok(e.file.startsWith(p), `error names ${e.file}`);
              assert.ok(e.problem.length > 0);
            } finally {
              clearTimeout(timer);
            }
          }),
          { numRuns: Math.max(1, Math.round(runs * SCALE)), seed: SEED },
        );
      } finally {
        t.done();
      }
    });
  }
});
