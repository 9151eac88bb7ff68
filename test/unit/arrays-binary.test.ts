/**
 * .npy/.npz/.safetensors behaviour beyond the fixtures' values: zero-copy views, rows and row
 * chunks (C and Fortran order, stored and deflated members), progress and cancellation, and
 * every header/archive failure with its message — including headers that claim far more data
 * than exists, which must be refused before anything is allocated.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { openArrayFile } from '../../src/data/arrays/index.js';
import { DataError } from '../../src/data/errors.js';
import { EXPECTED, fixture, numbers, rejectsWith, tempDir } from './arrays-helpers.js';

function expectedValues(rel: string, name: string): number[] {
  return EXPECTED[rel]!.arrays![name]!.values.map((v) => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity));
}

/** A .npy file: preamble (version 1.0), the header dict text padded to 64 bytes, data. */
function npy(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Buffer {
  const lengthBytes = version === 1 ? 2 : 4;
  let text = header;
  const total = 8 + lengthBytes + text.length + 1;
  text += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(8 + lengthBytes);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(pre);
  if (version === 1) pre.writeUInt16LE(text.length, 8);
  else pre.writeUInt32LE(text.length, 8);
  return Buffer.concat([pre, Buffer.from(text, 'latin1'), data]);
}

describe('.npy reading', () => {
  test('machine-order float32 in C order is a zero-copy view; big-endian and float16 are converted', async () => {
    const f = await openArrayFile(fixture('npy/f32_c.npy'));
    const a = await f.read('f32_c');
    assert.equal(a.zeroCopy, true);
    assert.ok(a.data instanceof Float32Array);
    assert.equal(a.data.byteOffset % 4, 0);
    await f.close();
    for (const [rel, name] of [
      ['npy/f64_be.npy', 'f64_be'],
      ['npy/f16.npy', 'f16'],
      ['npy/i16_be.npy', 'i16_be'],
    ] as const) {
      const g = await openArrayFile(fixture(rel));
      const b = await g.read(name);
      assert.equal(b.zeroCopy, false, rel);
      await g.close();
    }
  });

  test('info reads the header only', async () => {
    const f = await openArrayFile(fixture('npy/f32_fortran.npy'));
    assert.deepEqual(await f.info('f32_fortran'), { name: 'f32_fortran', file: fixture('npy/f32_fortran.npy'), shape: [3, 4, 2], dtype: 'float32', stored: 'float32' });
    await rejectsWith(f.info('other'), fixture('npy/f32_fortran.npy'), "no array named 'other' (the file holds 'f32_fortran')");
    await f.close();
  });

  for (const [rel, name] of [
    ['npy/f32_c.npy', 'f32_c'],
    ['npy/f32_fortran.npy', 'f32_fortran'],
    ['npy/i16_be_fortran.npy', 'i16_be_fortran'],
    ['npy/f64_fortran_wide.npy', 'f64_fortran_wide'],
    ['npz/deflated.npz', 'weights'],
    ['npz/deflated.npz', 'logits'],
    ['npz/stored.npz', 'y_pred'],
  ] as const) {
    test(`rows and row chunks of ${rel}:${name} equal numpy's slices`, async () => {
      const all = expectedValues(rel, name);
      const shape = EXPECTED[rel]!.arrays![name]!.shape;
      const per = shape.slice(1).reduce((x, y) => x * y, 1);
      const f = await openArrayFile(fixture(rel));
      for (const [s, e] of [
        [0, 1],
        [1, 3],
        [shape[0]! - 1, shape[0]!],
        [2, 2],
      ] as const) {
        const r = await f.readRows(name, s, e);
        assert.deepEqual([...r.shape], [e - s, ...shape.slice(1)]);
        assert.deepEqual(numbers(r), all.slice(s * per, e * per), `rows [${s}, ${e})`);
      }
      const seen: number[] = [];
      const progress: number[] = [];
      for await (const c of f.chunks(name, 3, { onProgress: (done) => progress.push(done) })) {
        assert.equal(c.tensor.shape[0], c.end - c.start);
        seen.push(...numbers(c.tensor));
      }
      assert.deepEqual(seen, all);
      assert.equal(progress.at(-1), shape[0]);
      await rejectsWith(f.readRows(name, 0, shape[0]! + 1), fixture(rel), `rows [0, ${shape[0]! + 1}) are outside the array's ${shape[0]} rows`);
      await f.close();
    });
  }

  test('progress is reported and an aborted signal cancels the read', async () => {
    const f = await openArrayFile(fixture('npy/f64_fortran_wide.npy'));
    const calls: [number, number | undefined][] = [];
    await f.read('f64_fortran_wide', { onProgress: (d, t) => calls.push([d, t]) });
    assert.ok(calls.length > 0);
    assert.deepEqual(calls.at(-1), [40 * 7 * 8, 40 * 7 * 8]);
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(f.read('f64_fortran_wide', { signal: controller.signal }), fixture('npy/f64_fortran_wide.npy'), 'read cancelled');
    await f.close();
  });

  test('damaged preambles and headers', async () => {
    const t = tempDir();
    try {
      const good = readFileSync(fixture('npy/f32_c.npy'));
      const cases: [string, Uint8Array, string][] = [
        ['short.npy', good.subarray(0, 6), 'truncated: 6 bytes is too short for a .npy preamble'],
        ['magic.npy', Buffer.concat([Buffer.from('XNUMPY'), good.subarray(6)]), 'not a .npy file: bad magic'],
        ['version.npy', Buffer.from(good).fill(4, 6, 7), 'unsupported .npy format version 4.0'],
        ['header_cut.npy', good.subarray(0, 40), 'truncated: the header is 118 bytes but the file holds 30 after the preamble'],
        ['data_cut.npy', good.subarray(0, good.length - 4), 'truncated: the header\'s shape (4, 3) of float32 needs 48 bytes of data but 44 follow the header'],
        ['trailing.npy', Buffer.concat([good, Buffer.from([1, 2, 3])]), '3 bytes of trailing data after the 48 bytes'],
        ['huge_shape.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }"), 'needs 4000000000000 bytes of data but 0 follow the header'],
        ['overflow.npy', npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }"), 'needs more than 2^53 bytes'],
        ['no_shape.npy', npy("{'descr': '<f4', 'fortran_order': False, }"), "bad header: no 'shape' key"],
        ['extra_key.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}"), "bad header: unexpected key 'x'"],
        ['neg_shape.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"), 'shape entry -1 is not a non-negative integer'],
        ['fortran_str.npy', npy("{'descr': '<f4', 'fortran_order': 'yes', 'shape': (), }"), "'fortran_order' is 'yes', not True or False"],
        ['bad_descr.npy', npy("{'descr': 'float', 'fortran_order': False, 'shape': (), }"), "'float' is not a NumPy dtype string"],
        ['datetime.npy', npy("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (), }"), "unsupported dtype '<M8[ns]': datetime64"],
        ['unterminated.npy', npy("{'descr': '<f4, 'fortran_order': False, 'shape': ()}"), 'bad header:'],
        ['deep.npy', npy(`{'descr': '<f4', 'fortran_order': False, 'shape': ${'('.repeat(40)}${')'.repeat(40)}}`), 'nested too deeply'],
        ['not_dict.npy', npy('[1, 2]'), 'the header is not a dict'],
        ['huge_header.npy', Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]), Buffer.from([0, 0, 0, 0x40])]), 'header length 1073741824 is beyond'],
      ];
      for (const [name, bytes, message] of cases) {
        const p = t.write(name, bytes);
        await rejectsWith(openArrayFile(p).then((f) => f.read(f.names[0]!)), p, message);
      }
      // Version 2.0 preamble, Python 2's long suffix, a lone '|b1', native '=' order.
      const ok = t.write('v2long.npy', npy("{'descr': '=i4', 'fortran_order': False, 'shape': (2L,), }", new Uint8Array(new Int32Array([7, -8]).buffer), 2));
      const f = await openArrayFile(ok);
      assert.deepEqual(numbers(await f.read('v2long')), [7, -8]);
      await f.close();
    } finally {
      t.done();
    }
  });
});

describe('.npz archives', () => {
  test('a flipped data byte in a stored member fails its CRC-32', async () => {
    const t = tempDir();
    try {
      const bytes = Buffer.from(readFileSync(fixture('npz/stored.npz')));
      // The first member's data ends just before the second local header.
      const second = bytes.indexOf(Buffer.from('PK\x03\x04', 'latin1'), 10);
      bytes[second - 2]! ^= 0x40;
      const p = t.write('crc.npz', bytes);
      const f = await openArrayFile(p);
      await rejectsWith(f.read('y_pred'), `${p}:y_pred.npy`, 'CRC-32 mismatch', '(corrupt member)');
      await f.close();
    } finally {
      t.done();
    }
  });

  test('a damaged deflate stream, a wrong size, a missing directory', async () => {
    const t = tempDir();
    try {
      const good = readFileSync(fixture('npz/deflated.npz'));
      const damaged = Buffer.from(good);
      for (let i = 200; i < 260; i++) damaged[i] = 0xff;
      const p = t.write('deflate.npz', damaged);
      const f = await openArrayFile(p);
      const e = await rejectsWith(
        (async () => {
          for (const n of f.names) await f.read(n);
        })(),
        p,
      );
      assert.match(e.problem, /corrupt deflated data|CRC-32 mismatch|deflated data|bad header|truncated|not a \.npy/);
      await f.close();
      const cut = t.write('cut.npz', good.subarray(0, good.length - 30));
      await rejectsWith(openArrayFile(cut), cut, 'not a zip archive: no end-of-central-directory record');
      const tiny = t.write('tiny.npz', Buffer.from('PK'));
      await rejectsWith(openArrayFile(tiny), tiny, 'not a zip archive: 2 bytes is too short');
      const other = t.write('unknown.npz', readFileSync(fixture('npz/stored.npz')));
      const g = await openArrayFile(other);
      await rejectsWith(g.read('nope'), other, "no array named 'nope' (the file holds 'y_pred', 'y_true')");
      await g.close();
    } finally {
      t.done();
    }
  });

  test('a member claiming more than deflate can produce is refused before inflating', async () => {
    const t = tempDir();
    try {
      const bytes = Buffer.from(readFileSync(fixture('npz/deflated.npz')));
      // Patch the first central directory entry's uncompressed size to 2^31 - 1.
      const cd = bytes.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
      bytes.writeUInt32LE(0x7fffffff, cd + 24);
      const p = t.write('bomb.npz', bytes);
      const f = await openArrayFile(p);
      await rejectsWith(f.read(f.names[0]!), p, 'beyond what deflate can do');
      await f.close();
    } finally {
      t.done();
    }
  });
});

describe('.safetensors', () => {
  test('F32 tensors are zero-copy views at their offsets; the header is validated once', async () => {
    const f = await openArrayFile(fixture('safetensors/model.safetensors'));
    const y = await f.read('y_pred');
    assert.equal(y.zeroCopy, true);
    const rows = await f.readRows('y_pred', 1, 3);
    assert.deepEqual(numbers(rows), expectedValues('safetensors/model.safetensors', 'y_pred').slice(3, 9));
    await f.close();
  });

  test('every refused header names the tensor and the problem', async () => {
    for (const [rel, e] of Object.entries(EXPECTED).filter(([r, x]) => r.startsWith('safetensors/bad/') && x.error)) {
      const err = await rejectsWith(openArrayFile(fixture(rel)), fixture(rel), e.error!);
      assert.ok(err instanceof DataError);
    }
  });
});
