/**
 * TensorBoard event files: checksums, framing, both scalar encodings, restarts and
 * out-of-order purges as TensorBoard applies them, incremental feeding, and one clear error
 * per kind of damage. Fixtures come from scripts/fixtures/tfevents_writer.py, an independent
 * Python implementation.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { crc32, crc32c, crc32cUpdate, maskedCrc32c } from '../../src/data/logs/crc.js';
import { IssueLog } from '../../src/data/logs/issues.js';
import { TfEventsAccumulator, bfloat16, float16 } from '../../src/data/logs/tfevents.js';
import { TfEventsRunSource } from '../../src/data/logs/tfevents-source.js';
import { TfRecordReader } from '../../src/data/logs/tfrecord.js';
import { FIXTURES, assertRun, tempDir } from './logs-helpers.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

/** Frames `data` as one TFRecord (checksums from crc.ts, itself checked against TensorBoard's vectors below). */
function frame(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length, true);
  dv.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

async function readRun(dir: string): Promise<TfEventsRunSource> {
  const source = new TfEventsRunSource(dir, 'run');
  await source.update();
  return source;
}

function copyRun(fixture: string, to: string): string[] {
  mkdirSync(to, { recursive: true });
  const names = readdirSync(join(FIXTURES, fixture)).sort();
  for (const n of names) copyFileSync(join(FIXTURES, fixture, n), join(to, n));
  return names.map((n) => join(to, n));
}

describe('checksums', () => {
  test("CRC-32C matches TensorBoard's test vectors", () => {
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(ascii('123456789')), 0xe3069283);
    assert.equal(maskedCrc32c(hex('1a11'.concat(Buffer.from('CRC test, one two').toString('hex')))), 0x5794d08a);
  });

  test('the slicing loop agrees with byte-at-a-time on every length and alignment', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    const slow = (b: Uint8Array) => {
      let c = ~0;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    for (let start = 0; start < 20; start++) for (let end = start; end <= 300; end += 7) assert.equal(crc32c(data, start, end), slow(data.subarray(start, end)));
    assert.equal(crc32cUpdate(crc32c(data, 0, 100), data, 100, 300), crc32c(data));
  });

  test('CRC-32 (IEEE) matches zlib', () => {
    assert.equal(crc32(ascii('123456789')), 0xcbf43926);
    assert.equal(crc32(ascii('456789'), 0, 6, crc32(ascii('123'))), 0xcbf43926);
  });

  test('half and bfloat16 bits decode', () => {
    assert.equal(float16(0x3c00), 1);
    assert.equal(float16(0xc000), -2);
    assert.equal(float16(0x0001), 2 ** -24);
    assert.equal(float16(0x7c00), Infinity);
    assert.ok(Number.isNaN(float16(0x7e00)));
    assert.equal(bfloat16(0x3f80), 1);
    assert.equal(bfloat16(0xc0a0), -5);
  });
});

describe('records built by hand (TensorBoard research vectors)', () => {
  const legacy = hex('1a00000000000000 129bd82d 09000000000000f83f10032a0d0a0b0a046c6f7373150000803e d054b255');
  const tf2 = hex('2e00000000000000 c5cb57fa 09000000000000f83f10032a210a1f0a046c6f73734a0b0a090a077363616c617273420a0801120022040000803e 4bb92923');
  const version = hex('1800000000000000 a37f4b22 0900000000000000001a0d627261696e2e4576656e743a32 eedf28a3');

  function decodeAll(bytes: Uint8Array) {
    const issues = new IssueLog();
    const acc = new TfEventsAccumulator(issues);
    const reader = new TfRecordReader('f', issues, (b, s, e, o) => acc.addEvent(b, s, e, 'f', o));
    reader.feed(bytes);
    return { series: acc.snapshot('r'), issues: issues.all(), reader };
  }

  test('a legacy simple_value and a TF2 tensor scalar give the same point', () => {
    for (const rec of [legacy, tf2]) {
      const { series, issues } = decodeAll(Uint8Array.from([...version, ...rec]));
      assert.deepEqual(issues, []);
      assert.equal(series.length, 1);
      assert.deepEqual([series[0]!.tag, [...series[0]!.steps], [...series[0]!.values], [...series[0]!.wallTimes]], ['loss', [3], [0.25], [1.5]]);
    }
  });

  test('fed one byte at a time, the records come out the same', () => {
    const issues = new IssueLog();
    const acc = new TfEventsAccumulator(issues);
    const reader = new TfRecordReader('f', issues, (b, s, e, o) => acc.addEvent(b, s, e, 'f', o));
    const all = Uint8Array.from([...version, ...legacy, ...tf2]);
    for (let i = 0; i < all.length; i++) {
      reader.feed(all.subarray(i, i + 1));
      assert.equal(reader.offset + reader.pendingBytes, i + 1);
    }
    assert.equal(acc.snapshot('r')[0]!.values.length, 2);
    assert.equal(reader.pendingBytes, 0);
  });

  test('a tensor without scalars metadata is not a scalar', () => {
    const noMeta = frame(hex('09000000000000f83f10032a140a120a046c6f7373420a08011200220400008040'));
    const { series, issues } = decodeAll(noMeta);
    assert.deepEqual([series.length, issues.length], [0, 0]);
  });

  test('a run inventing more tags than the limit is reported once and stays bounded', () => {
    const issues = new IssueLog();
    const acc = new TfEventsAccumulator(issues, 3);
    const reader = new TfRecordReader('f', issues, (b, s, e, o) => acc.addEvent(b, s, e, 'f', o));
    for (const tag of ['a', 'b', 'c', 'd', 'e']) {
      const value = Uint8Array.from([0x0a, 1, tag.charCodeAt(0), 0x15, 0, 0, 0x80, 0x3e]);
      reader.feed(frame(Uint8Array.from([...hex('09000000000000f83f1003'), 0x2a, value.length + 2, 0x0a, value.length, ...value])));
    }
    assert.deepEqual(acc.snapshot('r').map((s) => s.tag), ['a', 'b', 'c']);
    assert.deepEqual(issues.all().map((e) => e.message), ['f (byte 117): more than 3 tags in this run; values of further new tags are ignored']);
  });

  test('tags past twice the limit are not interned: memory stays bounded', () => {
    const issues = new IssueLog();
    const acc = new TfEventsAccumulator(issues, 3);
    const reader = new TfRecordReader('f', issues, (b, s, e, o) => acc.addEvent(b, s, e, 'f', o));
    for (const tag of 'abcdefghijklmnop') {
      const value = Uint8Array.from([0x0a, 1, tag.charCodeAt(0), 0x15, 0, 0, 0x80, 0x3e]);
      reader.feed(frame(Uint8Array.from([...hex('09000000000000f83f1003'), 0x2a, value.length + 2, 0x0a, value.length, ...value])));
    }
    assert.deepEqual(acc.snapshot('r').map((s) => s.tag), ['a', 'b', 'c']);
    assert.equal((acc as unknown as { tags: { size: number } }).tags.size, 6);
  });

  test('a non-scalar tensor under the scalars plugin is reported once per tag', () => {
    // shape [2] (dim size 2), DT_FLOAT, 8 bytes of content
    const value = hex('0a046c6f73734a0b0a090a077363616c617273');
    const tensor = hex('42120801120412020802220800008040000080bf');
    const summary = Uint8Array.from([0x0a, value.length + tensor.length, ...value, ...tensor]);
    const event = Uint8Array.from([...hex('09000000000000f83f1003'), 0x2a, summary.length, ...summary]);
    const { series, issues } = decodeAll(Uint8Array.from([...frame(event), ...frame(event)]));
    assert.equal(series.length, 0);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /^f \(byte 0\): tag 'loss': scalar tensor has 2 elements, not one; its values are skipped$/);
  });
});

describe('fixture runs', () => {
  for (const name of ['legacy', 'tf2', 'restart', 'out_of_order']) {
    test(`${name} reads as the fixture script expects`, async () => {
      const source = await readRun(join(FIXTURES, 'tfevents', name));
      assert.deepEqual(source.issues(), []);
      assert.deepEqual(source.pending(), []);
      assertRun(source.runs()[0], `tfevents/${name}`, name);
    });
  }

  test('a restart (SessionLog.START) purges the later steps of earlier files', async () => {
    const source = await readRun(join(FIXTURES, 'tfevents', 'restart'));
    assert.deepEqual(
      source.purges().map((p) => [p.reason, p.step, p.dropped]),
      [['session-start', 10, 10]],
    );
  });

  test('without a file_version, a step going back purges only the tags it carries', async () => {
    const source = await readRun(join(FIXTURES, 'tfevents', 'out_of_order'));
    assert.deepEqual(
      source.purges().map((p) => [p.reason, p.step, p.dropped]),
      [['out-of-order', 12, 8]],
    );
  });

  test('a record above the size limit is streamed past, checked, and not buffered', async () => {
    const dir = join(FIXTURES, 'tfevents', 'big_record');
    const file = join(dir, readdirSync(dir)[0]!);
    const bytes = readFileSync(file);
    for (const chunk of [1, 777, 4096, bytes.length]) {
      const issues = new IssueLog();
      const acc = new TfEventsAccumulator(issues);
      const reader = new TfRecordReader(file, issues, (b, s, e, o) => acc.addEvent(b, s, e, file, o), 1000);
      for (let i = 0; i < bytes.length; i += chunk) reader.feed(bytes.subarray(i, i + chunk));
      assert.deepEqual(issues.all(), [], `chunk ${chunk}`);
      assert.deepEqual([...acc.snapshot('r')[0]!.values], [1, 0.5], `chunk ${chunk}`);
      assert.equal(reader.offset, bytes.length);
    }
  });
});

describe('damaged files: one clear message each', () => {
  const legacyDir = join(FIXTURES, 'tfevents', 'legacy');
  const legacyFile = readdirSync(legacyDir)[0]!;
  const original = readFileSync(join(legacyDir, legacyFile));

  async function readDamaged(damage: (b: Buffer) => Buffer) {
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, legacyFile), damage(Buffer.from(original)));
      const source = await readRun(t.dir);
      return { source, file: join(t.dir, legacyFile) };
    } finally {
      t.cleanup();
    }
  }

  test('a bad length checksum stops the file there', async () => {
    // Second record header starts after the 40-byte file_version record.
    const { source, file } = await readDamaged((b) => {
      b[40 + 8] ^= 0xff;
      return b;
    });
    const issues = source.issues();
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, new RegExp(`^${escape(file)} \\(byte 40\\): corrupt record header: length checksum 0x[0-9a-f]{8} does not match 0x[0-9a-f]{8}; the rest of the file \\(from this byte\\) cannot be read$`));
    assert.equal(source.runs()[0]!.series.length, 0);
  });

  test('a bad data checksum loses only that record', async () => {
    const { source, file } = await readDamaged((b) => {
      b[b.length - 1] ^= 0x01; // last record's data CRC
      return b;
    });
    const issues = source.issues();
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, new RegExp(`^${escape(file)} \\(byte \\d+\\): record data checksum 0x[0-9a-f]{8} does not match 0x[0-9a-f]{8}; record skipped$`));
    assert.equal(source.runs()[0]!.series.find((s) => s.tag === 'train/loss')!.values.length, 49);
  });

  test('a record cut short at the end is pending, not an error', async () => {
    const { source, file } = await readDamaged((b) => b.subarray(0, b.length - 10));
    assert.deepEqual(source.issues(), []);
    const pending = source.pending();
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.file, file);
    assert.equal(pending[0]!.offset + pending[0]!.bytes, original.length - 10);
  });

  test('a record with valid checksums but a malformed Event is skipped with its offset', async () => {
    const junk = frame(hex('0a ff ff ff ff 0f')); // field 1 declared as length-delimited, huge length
    const { source, file } = await readDamaged((b) => Buffer.concat([b, junk]));
    const issues = source.issues();
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, new RegExp(`^${escape(file)} \\(byte ${original.length}\\): malformed Event protobuf: .+ record skipped$`));
  });

  test('an impossible 64-bit length is refused without allocating', async () => {
    const header = new Uint8Array(12);
    const dv = new DataView(header.buffer);
    dv.setUint32(0, 0, true);
    dv.setUint32(4, 0x100, true); // 2^40 bytes
    dv.setUint32(8, maskedCrc32c(header, 0, 8), true);
    const { source } = await readDamaged((b) => Buffer.concat([b, header]));
    assert.match(source.issues()[0]!.message, /record length 1099511627776 bytes is impossibly large; the rest of the file cannot be read$/);
  });
});

describe('a run that grows', () => {
  test('appended bytes are read incrementally and give the same series as one read', async () => {
    const t = tempDir();
    try {
      const src = join(FIXTURES, 'tfevents', 'legacy');
      const name = readdirSync(src)[0]!;
      const bytes = readFileSync(join(src, name));
      const file = join(t.dir, name);
      const source = new TfEventsRunSource(t.dir, 'run');
      let written = 0;
      let reads = 0;
      for (const cut of [5, 40, 41, 1000, 1001, 2500, bytes.length]) {
        writeFileSync(file, bytes.subarray(0, cut));
        const before = written;
        await source.update({ onProgress: (done) => (reads = done) });
        written = cut;
        assert.equal(reads, cut - before, 'only the appended bytes are read');
      }
      assertRun(source.runs()[0], 'tfevents/legacy', 'legacy');
      assert.equal(await source.update(), false, 'nothing changed');
    } finally {
      t.cleanup();
    }
  });

  test('a new event file after a restart, and a rewritten file, are both picked up', async () => {
    const t = tempDir();
    try {
      const [first, second] = copyRun('tfevents/restart', join(t.dir, 'stage'));
      const dir = join(t.dir, 'run');
      mkdirSync(dir);
      copyFileSync(first!, join(dir, 'events.out.tfevents.1718000200.host.3.0'));
      const source = new TfEventsRunSource(dir, 'run');
      await source.update();
      assert.equal(source.runs()[0]!.series[0]!.values.length, 20);
      copyFileSync(second!, join(dir, 'events.out.tfevents.1718000300.host.4.0'));
      assert.equal(await source.update(), true);
      assertRun(source.runs()[0], 'tfevents/restart', 'restart');
      // Truncate the first file: the run is read again from scratch.
      writeFileSync(join(dir, 'events.out.tfevents.1718000200.host.3.0'), readFileSync(first!).subarray(0, 40));
      await source.update();
      assert.deepEqual([...source.runs()[0]!.series[0]!.steps], Array.from({ length: 20 }, (_, i) => i + 10));
    } finally {
      t.cleanup();
    }
  });

  test('cancellation stops the read with a DataError', async () => {
    const controller = new AbortController();
    controller.abort();
    const source = new TfEventsRunSource(join(FIXTURES, 'tfevents', 'legacy'), 'run');
    await assert.rejects(source.update({ signal: controller.signal }), { name: 'DataError', message: /read cancelled$/ });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
