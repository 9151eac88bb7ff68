/**
 * The WebAssembly TFRecord scanner (framing, both checksums, legacy scalars decoded in bulk)
 * against the JavaScript path it speeds up: the same points, purges, messages and offsets on
 * the fixtures and on generated event streams with restarts, odd tags, large steps and damage,
 * fed whole and in arbitrary pieces. Also the same-length CRC shortcut against the plain CRC.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { crc32c, crc32cFromSameLength, maskedCrc32c, SAME_LENGTH_MAX } from '../../src/data/logs/crc.js';
import { IssueLog } from '../../src/data/logs/issues.js';
import { TfEventsAccumulator } from '../../src/data/logs/tfevents.js';
import { TfEventsRunSource } from '../../src/data/logs/tfevents-source.js';
import { TfRecordReader } from '../../src/data/logs/tfrecord.js';
import { GENERAL_RECORD, KIND_MASK, LEGACY_SCALAR, NEW_TAG, setTfRecordScannerDisabled, TAG_LENGTH_SHIFT, TAG_SLOT_SHIFT, TAG_SLOTS, tfrecordScanner } from '../../src/data/logs/tfrecord-wasm.js';
import { FIXTURES, tempDir } from './logs-helpers.js';

// ---- a minimal Event writer (independent of the reader's decoder) --------------------------

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}
function field(key: number, payload: number[]): number[] {
  return [key, ...varint(payload.length), ...payload];
}
function f64(x: number): number[] {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...b];
}
function f32(x: number): number[] {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return [...b];
}

type TensorEncoding = 'content32' | 'content64' | 'float_val' | 'double_val' | 'half_val';
type Metadata = 'none' | 'scalars' | 'scalars+class' | 'images' | 'tensors';

type Ev =
  | { kind: 'scalar'; wall: number; step: number; tag: string; value: number }
  | { kind: 'tensor'; wall: number; step: number; tag: string; value: number; encoding: TensorEncoding; metadata: Metadata; metadataFirst: boolean }
  | { kind: 'version'; version: number }
  | { kind: 'start'; step: number };

function tensorBytes(encoding: TensorEncoding, value: number): number[] {
  const shape = [0x12, 0x00];
  switch (encoding) {
    case 'content32':
      return [0x08, 1, ...shape, ...field(0x22, f32(value))];
    case 'content64':
      return [0x08, 2, ...shape, ...field(0x22, f64(value))];
    case 'float_val':
      return [0x08, 1, ...shape, ...field(0x2a, f32(value))];
    case 'double_val':
      return [0x08, 2, ...shape, ...field(0x32, f64(value))];
    case 'half_val':
      return [0x08, 19, ...shape, ...field(0x6a, varint(0x3c00))];
  }
}

function metadataBytes(m: Metadata): number[] {
  const plugin = (name: string) => field(0x0a, field(0x0a, [...Buffer.from(name)]));
  return m === 'scalars' ? plugin('scalars') : m === 'scalars+class' ? [...plugin('scalars'), 0x20, 0x01] : m === 'images' ? plugin('images') : m === 'tensors' ? plugin('tensors') : [];
}

function eventBytes(e: Ev): number[] {
  switch (e.kind) {
    case 'tensor': {
      const meta = e.metadata === 'none' ? [] : field(0x4a, metadataBytes(e.metadata));
      const tensor = field(0x42, tensorBytes(e.encoding, e.value));
      const value = [...field(0x0a, [...Buffer.from(e.tag, 'utf8')]), ...(e.metadataFirst ? [...meta, ...tensor] : [...tensor, ...meta])];
      return [0x09, ...f64(e.wall), ...(e.step !== 0 ? [0x10, ...varint(e.step)] : []), ...field(0x2a, field(0x0a, value))];
    }
    case 'scalar': {
      const value = [...field(0x0a, [...Buffer.from(e.tag, 'utf8')]), 0x15, ...f32(e.value)];
      return [0x09, ...f64(e.wall), ...(e.step !== 0 ? [0x10, ...varint(e.step)] : []), ...field(0x2a, field(0x0a, value))];
    }
    case 'version':
      return [0x09, ...f64(0), ...field(0x1a, [...Buffer.from(`brain.Event:${e.version}`)])];
    case 'start':
      return [0x09, ...f64(1), 0x10, ...varint(e.step), ...field(0x3a, [0x08, 0x01])];
  }
}

function frame(data: number[]): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length, true);
  dv.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(out, 12, 12 + data.length), true);
  return out;
}

function fileOf(events: Ev[]): Uint8Array {
  const parts = events.map((e) => frame(eventBytes(e)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- reading both ways ---------------------------------------------------------------------

function read(bytes: Uint8Array, cuts: number[], scanner: boolean) {
  setTfRecordScannerDisabled(!scanner);
  // Outputs left by earlier reads must not pass for this one's: a slot the scanner forgets to
  // write would otherwise often hold the right value from the run before.
  const sc = tfrecordScanner();
  if (scanner && sc) {
    sc.tagStarts.fill(-1);
    for (const column of [sc.steps, sc.wallTimes, sc.values]) column.fill(NaN);
  }
  try {
    const issues = new IssueLog();
    const acc = new TfEventsAccumulator(issues);
    const reader = new TfRecordReader(
      'f',
      issues,
      (b, s, e, o) => acc.addEvent(b, s, e, 'f', o),
      undefined,
      (batch) => acc.addScalars(batch, 'f'),
    );
    let at = 0;
    for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b).concat(bytes.length)) {
      // Each piece is a fresh buffer, as FileTail's reused buffers are overwritten between feeds.
      reader.feed(Uint8Array.from(bytes.subarray(at, cut)));
      at = cut;
    }
    return {
      series: acc.snapshot('r').map((s) => ({ tag: s.tag, steps: [...s.steps], values: [...s.values], wallTimes: [...s.wallTimes] })),
      purges: acc.purges.map((p) => ({ ...p })),
      issues: issues.all().map((e) => e.message),
      offset: reader.offset,
      pending: reader.pendingBytes,
      stopped: reader.stopped,
    };
  } finally {
    setTfRecordScannerDisabled(false);
  }
}

function assertSame(bytes: Uint8Array, cuts: number[] = []): ReturnType<typeof read> {
  const js = read(bytes, cuts, false);
  const wasm = read(bytes, cuts, true);
  assert.deepEqual(wasm, js);
  return wasm;
}

describe('TFRecord scanner (WebAssembly) agrees with the JavaScript path', () => {
  test('the scanner loads here', () => {
    assert.ok(tfrecordScanner() !== null);
  });

  test('on every tfevents fixture, whole and cut into pieces', () => {
    const dir = join(FIXTURES, 'tfevents');
    for (const run of readdirSync(dir)) {
      for (const name of readdirSync(join(dir, run))) {
        const bytes = readFileSync(join(dir, run, name));
        const whole = assertSame(bytes);
        assert.ok(whole.series.length > 0 || run === 'big_record', `${run}: no series`);
        for (const step of [1, 7, 50, 333]) {
          const cuts = Array.from({ length: Math.ceil(bytes.length / step) }, (_, i) => i * step);
          assertSame(bytes, cuts);
        }
      }
    }
  });

  const tags = ['loss', 'train/loss', 'val/acc', 'lr', 'a'.repeat(100), 'ü/größe', ''];
  const stepArb = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.constant(2 ** 28 - 1), fc.constant(2 ** 28));
  const event: fc.Arbitrary<Ev> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('scalar' as const), wall: fc.double({ noNaN: true }), step: stepArb, tag: fc.constantFrom(...tags), value: fc.float() }) },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('tensor' as const),
        wall: fc.double({ noNaN: true }),
        step: stepArb,
        tag: fc.constantFrom(...tags),
        value: fc.double(),
        encoding: fc.constantFrom<TensorEncoding>('content32', 'content64', 'float_val', 'double_val', 'half_val'),
        // 'tensors' has the length of 'scalars': only its bytes tell them apart.
        metadata: fc.constantFrom<Metadata>('none', 'scalars', 'scalars+class', 'images', 'tensors'),
        metadataFirst: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('version' as const), version: fc.constantFrom(1, 2) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('start' as const), step: fc.integer({ min: 0, max: 40 }) }) },
  );

  test('on generated streams: restarts, steps going back, long tags and steps, damage, any cuts', () => {
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 2 }),
        (events, cutSeeds, flips) => {
          const bytes = fileOf(events);
          for (const [at, x] of flips) bytes[at % bytes.length]! ^= x;
          assertSame(bytes, cutSeeds.map((c) => c % bytes.length));
        },
      ),
      { numRuns: 400, seed: 20261206 },
    );
  });

  // Runs of records alike but for wall time, step and value take the scanner's template path;
  // these streams keep the records' lengths equal while what must not differ sometimes does:
  // a tag of the same length, a step varint one byte longer or shorter (127/128, 16383/16384,
  // 2^21), no step at all, float32 against float64 tensors, metadata or not, flipped bytes.
  test('on runs of look-alike records: tags of one length, steps across varint lengths, damage', () => {
    const near = fc.constantFrom(0, 1, 126, 127, 128, 129, 16382, 16383, 16384, 16385, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28);
    const lookAlike = fc.record({
      tag: fc.constantFrom('loss', 'acc1', 'lr/x'),
      start: near,
      count: fc.integer({ min: 1, max: 12 }),
      stride: fc.constantFrom(0, 1, 1, 1, 2, -1),
      kind: fc.constantFrom('scalar', 'content32', 'content64', 'float_val', 'double_val'),
      metadata: fc.constantFrom<Metadata>('none', 'scalars', 'scalars+class'),
      wall: fc.double({ min: 1e9, max: 2e9, noNaN: true }),
      dWall: fc.constantFrom(0, 0.05, 1, 1e6),
    });
    fc.assert(
      fc.property(
        fc.array(lookAlike, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 2 }),
        (runs, cutSeeds, flips) => {
          const events: Ev[] = [];
          for (const r of runs) {
            for (let i = 0; i < r.count; i++) {
              const step = Math.max(0, r.start + i * r.stride);
              const wall = r.wall + i * r.dWall;
              const value = Math.fround(1 / (step + 1 + i));
              if (r.kind === 'scalar') events.push({ kind: 'scalar', wall, step, tag: r.tag, value });
              else events.push({ kind: 'tensor', wall, step, tag: r.tag, value, encoding: r.kind as TensorEncoding, metadata: r.metadata, metadataFirst: false });
            }
          }
          const bytes = fileOf(events);
          for (const [at, x] of flips) bytes[at % bytes.length]! ^= x;
          assertSame(bytes, cutSeeds.map((c) => c % bytes.length));
        },
      ),
      { numRuns: 600, seed: 20261207 },
    );
  });

  test('a record whose step varint ends a byte early is not read with the layout of the one before', () => {
    // Both records are valid TFRecords of one length; in the second, byte 10 lost its
    // continuation bit, so its step is 5 and the byte after it is a field key.
    const a = eventBytes({ kind: 'scalar', wall: 1.7e9, step: 133, tag: 'loss', value: 0.5 });
    const b = eventBytes({ kind: 'scalar', wall: 1.7e9 + 1, step: 133, tag: 'loss', value: 0.25 });
    assert.deepEqual(a.slice(9, 12), [0x10, 0x85, 0x01]);
    b[10] = 0x05;
    const parts = [a, a, b, a].map(frame);
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    const r = assertSame(bytes);
    assert.ok(!r.series.some((x) => x.tag === 'loss' && x.steps.length === 4), 'the altered record was read as step 133');
  });

  test('look-alike records go through the fast path: f32 and f64 values, wall times far apart, steps whose second varint byte changes', () => {
    const sc = tfrecordScanner()!;
    for (const [kind, encoding] of [['scalar', undefined], ['tensor', 'content32'], ['tensor', 'content64'], ['tensor', 'double_val']] as const) {
      const events: Ev[] = [{ kind: 'version', version: 2 }];
      // Wall times 1e6 s apart change the high half of the double every record.
      for (let s = 1000; s < 1300; s++) {
        const e = { wall: 1.7e9 + (s % 2 ? s * 1e6 : s), step: s, tag: 'loss', value: 1 / s };
        // TF2 tensors carry the scalars plugin's metadata on a tag's first value only.
        events.push(kind === 'scalar' ? { kind, ...e } : { kind, ...e, encoding, metadata: s === 1000 ? 'scalars' : 'none', metadataFirst: false });
      }
      const before = sc.recordsTakenByRuns();
      const r = assertSame(fileOf(events));
      assert.equal(r.series[0]!.steps.length, 300);
      // All but the record the template is made from (and, for tensors, the first, longer by its metadata).
      assert.equal(sc.recordsTakenByRuns() - before, kind === 'scalar' ? 299 : 298, `${kind} ${encoding ?? ''}`);
    }
  });

  test('steps going back inside a run of look-alike records start groups of the same tag', () => {
    // file_version 2: no purge by step, so the groups are taken in bulk.
    const events: Ev[] = [{ kind: 'version', version: 2 }];
    for (const [i, step] of [10, 11, 12, 13, 5, 6, 4, 7, 3].entries()) events.push({ kind: 'scalar', wall: 1.7e9 + i, step, tag: 'loss', value: 0.5 + i });
    const r = assertSame(fileOf(events));
    assert.deepEqual(r.series.map((x) => [x.tag, x.steps]), [['loss', [10, 11, 12, 13, 5, 6, 4, 7, 3]]]);
  });

  test('TF2 tensor scalars with metadata on the first value only, or on every value, in bulk', () => {
    for (const every of [false, true]) {
      const events: Ev[] = [{ kind: 'version', version: 2 }];
      for (let s = 0; s < 5000; s++) {
        const metadata: Metadata = every || s < 2 ? 'scalars+class' : 'none';
        events.push({ kind: 'tensor', wall: 1.7e9 + s, step: s, tag: s % 2 ? 'epoch_loss' : 'epoch_accuracy', value: 1 / (s + 1), encoding: 'content32', metadata, metadataFirst: false });
      }
      const r = assertSame(fileOf(events), [30_000]);
      assert.deepEqual(r.series.map((x) => [x.tag, x.steps.length]), [['epoch_accuracy', 2500], ['epoch_loss', 2500]]);
      assert.equal(r.series[1]!.values[4], Math.fround(1 / 10));
    }
  });

  test('tags logged in turn keep one tag slot each within a scan, marked new once', () => {
    const sc = tfrecordScanner()!;
    const names = ['loss', 'train/acc', 'lr', 'val/loss_ema'];
    const events: Ev[] = [{ kind: 'version', version: 2 }];
    // In turn, and then in another order (a tag's slot is found wherever the search starts).
    const order = (s: number) => (s < 40 ? names : [...names].reverse());
    for (let s = 0; s < 50; s++) for (const tag of order(s)) events.push({ kind: 'scalar', wall: 1.7e9 + s, step: s, tag, value: s + names.indexOf(tag) / 10 });
    const bytes = fileOf(events);
    sc.owner = undefined;
    sc.input.set(bytes);
    const count = sc.scan(sc.inputAddress, sc.inputAddress + bytes.length, 1 << 20, true);
    assert.equal(count, events.length);
    assert.equal(sc.flags[0]! & KIND_MASK, GENERAL_RECORD);
    const slotOfTag = new Map<string, number>();
    for (let i = 1; i < count; i++) {
      const flag = sc.flags[i]!;
      const tag = order(Math.floor((i - 1) / names.length))[(i - 1) % names.length]!;
      const slot = (flag >>> TAG_SLOT_SHIFT) & (TAG_SLOTS - 1);
      assert.equal(flag & KIND_MASK, LEGACY_SCALAR);
      assert.equal((flag & NEW_TAG) !== 0, i <= names.length, `record ${i}: new tag`);
      if (i <= names.length) {
        const start = sc.tagStarts[i]! - sc.inputAddress;
        assert.equal(Buffer.from(bytes.subarray(start, start + (flag >>> TAG_LENGTH_SHIFT))).toString(), tag);
        slotOfTag.set(tag, slot);
      } else assert.equal(slot, slotOfTag.get(tag), `record ${i}: slot of ${tag}`);
      assert.equal(sc.steps[i], Math.floor((i - 1) / names.length));
      assert.equal(sc.runEnds[i], i + 1, `record ${i}: a run of its own`);
    }
    assert.equal(new Set(slotOfTag.values()).size, names.length);
  });

  test('a run of one tag is one run: the template\'s record alone, then the look-alike records', () => {
    const sc = tfrecordScanner()!;
    const events: Ev[] = [];
    for (let s = 0; s < 100; s++) events.push({ kind: 'scalar', wall: 1.7e9 + s, step: s + 1, tag: 'loss', value: 1 / (s + 1) });
    events.push({ kind: 'scalar', wall: 1.7e9, step: 500, tag: 'lr', value: 0.1 });
    const bytes = fileOf(events);
    sc.owner = undefined;
    sc.input.set(bytes);
    assert.equal(sc.scan(sc.inputAddress, sc.inputAddress + bytes.length, 1 << 20, true), 101);
    assert.deepEqual([sc.runEnds[0], sc.runEnds[1], sc.runEnds[50], sc.runEnds[99], sc.runEnds[100]], [1, 100, 100, 100, 101]);
    assert.equal(new Set(Array.from(sc.flags.subarray(1, 100))).size, 1);
  });

  test('tags logged in turn reach their series without a record handed over one by one', () => {
    for (const kind of ['scalar', 'tensor'] as const) {
      for (const version of [1, 2]) {
        const events: Ev[] = [{ kind: 'version', version }];
        // More than one scan window (1 MiB): the slots are given out again in the next, and a
        // record the window's end cuts is scanned from the next window.
        for (let s = 0; s < 12_000; s++) {
          for (const tag of ['loss', 'acc', 'lr']) {
            const e = { wall: 1.7e9 + s, step: s, tag, value: 1 / (s + 1) };
            events.push(kind === 'scalar' ? { kind, ...e } : { kind, ...e, encoding: 'content32', metadata: s === 0 ? 'scalars' : 'none', metadataFirst: false });
          }
        }
        const issues = new IssueLog();
        const acc = new TfEventsAccumulator(issues);
        let handedOver = 0;
        const reader = new TfRecordReader('f', issues, (b, s, e, o) => (handedOver++, acc.addEvent(b, s, e, 'f', o)), undefined, (batch) => acc.addScalars(batch, 'f'));
        const bytes = fileOf(events);
        assert.ok(bytes.length > 1 << 20);
        const sc = tfrecordScanner()!;
        const before = sc.recordsTakenByRuns();
        reader.feed(bytes);
        assert.equal(handedOver, 1, `${kind}, file_version ${version}: only the version record`);
        // Each record but the first few of each scan window (a tag's first, with metadata or
        // not, and the first after the last tag) is read from its tag's last record's layout.
        const taken = sc.recordsTakenByRuns() - before;
        assert.ok(taken >= events.length - 30 && taken < events.length - 1, `${kind}, file_version ${version}: ${taken} of ${events.length} by the template`);
        assert.deepEqual(acc.snapshot('r').map((x) => [x.tag, x.steps.length, x.steps[11_999]]), [['loss', 12_000, 11_999], ['acc', 12_000, 11_999], ['lr', 12_000, 11_999]]);
      }
    }
  });

  test('more tags in turn than tag slots, steps going back, tensors and scalars mixed, any cuts', () => {
    const pool = Array.from({ length: TAG_SLOTS + 44 }, (_, i) => `tag/${'x'.repeat(i % 7)}${i}`);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: TAG_SLOTS - 6, max: TAG_SLOTS + 44 })),
        fc.constantFrom(1, 2),
        fc.array(fc.record({ back: fc.integer({ min: 0, max: 30 }), tensor: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (tagCount, version, phases, cutSeeds) => {
          const events: Ev[] = [{ kind: 'version', version }];
          let step = 0;
          for (const ph of phases) {
            step = Math.max(0, step - ph.back);
            for (let s = 0; s < (tagCount > 40 ? 3 : 20); s++, step++) {
              for (const tag of pool.slice(0, tagCount)) {
                const e = { wall: 1.7e9 + step, step, tag: ph.tensor ? `t${tag}` : tag, value: Math.fround(step / 3) };
                events.push(ph.tensor ? { kind: 'tensor', ...e, encoding: 'content32', metadata: s === 0 ? 'scalars' : 'none', metadataFirst: false } : { kind: 'scalar', ...e });
              }
            }
          }
          const bytes = fileOf(events);
          const r = assertSame(bytes, cutSeeds.map((c) => c % bytes.length));
          assert.ok(r.series.length >= tagCount);
        },
      ),
      { numRuns: 80, seed: 20261207 },
    );
  });

  test('past 4x the tag limit of tags with plugin metadata, further tags\' tensors are skipped, said once, both ways', () => {
    const events: Ev[] = [{ kind: 'version', version: 2 }];
    const tensor = (tag: string, step: number, metadata: Metadata): Ev => ({ kind: 'tensor', wall: 1.7e9 + step, step, tag, value: 0.5, encoding: 'content32', metadata, metadataFirst: false });
    for (let i = 0; i < 12; i++) events.push(tensor(`img${i}`, 1, 'images'));
    for (let s = 1; s <= 3; s++) events.push(tensor('loss', s, s === 1 ? 'scalars' : 'none'));
    const bytes = fileOf(events);
    const results = [false, true].map((scanner) => {
      setTfRecordScannerDisabled(!scanner);
      try {
        const issues = new IssueLog();
        const acc = new TfEventsAccumulator(issues, 3);
        const reader = new TfRecordReader('f', issues, (b, s, e, o) => acc.addEvent(b, s, e, 'f', o), undefined, (batch) => acc.addScalars(batch, 'f'));
        reader.feed(bytes);
        return { series: acc.snapshot('r').map((x) => x.tag), issues: issues.all().map((e) => e.message) };
      } finally {
        setTfRecordScannerDisabled(false);
      }
    });
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[0]!.series, []);
    assert.equal(results[0]!.issues.length, 1);
    assert.match(results[0]!.issues[0]!, /more than 12 tags with plugin metadata in this run; tensors of further tags are skipped$/);
  });

  test('a long run of one tag is taken in bulk, with the projection and the same result', () => {
    const events: Ev[] = [{ kind: 'version', version: 2 }];
    for (let s = 0; s < 200_000; s++) events.push({ kind: 'scalar', wall: 1.7e9 + s * 0.05, step: s, tag: s % 1000 === 999 ? 'lr' : 'loss', value: Math.fround(1 / (s + 1)) });
    const r = assertSame(fileOf(events), [1 << 20, 3 << 20]);
    assert.equal(r.series[0]!.steps.length, 200_000 - 200);
    assert.equal(r.series[1]!.tag, 'lr');
  });
});

async function readSource(dir: string, scanner: boolean) {
  setTfRecordScannerDisabled(!scanner);
  try {
    const source = new TfEventsRunSource(dir, 'r');
    await source.update();
    return {
      series: source.runs()[0]!.series.map((s) => ({ tag: s.tag, steps: [...s.steps], values: [...s.values], wallTimes: [...s.wallTimes] })),
      purges: source.purges().map((p) => ({ ...p })),
      issues: source.issues().map((e) => e.message),
      pending: source.pending(),
    };
  } finally {
    setTfRecordScannerDisabled(false);
  }
}

describe('run directories read into the scanner\'s memory agree with the JavaScript path', () => {
  test('every fixture run, and a file of many read chunks with damage inside', async () => {
    for (const run of readdirSync(join(FIXTURES, 'tfevents'))) {
      const dir = join(FIXTURES, 'tfevents', run);
      assert.deepEqual(await readSource(dir, true), await readSource(dir, false), run);
    }
    const t = tempDir();
    try {
      const events: Ev[] = [{ kind: 'version', version: 1 }];
      for (let s = 0; s < 300_000; s++) events.push({ kind: 'scalar', wall: 1.7e9 + s, step: s % 100_000 === 77 ? s - 50 : s, tag: s % 7 === 0 ? 'val/loss' : 'loss', value: s });
      const bytes = fileOf(events);
      // Damage the data of the records around 5 MB and 9 MB (inside later read chunks, not the first).
      let at = 0;
      const damaged: number[] = [];
      for (const target of [5_000_000, 9_000_123]) {
        while (at + 16 + new DataView(bytes.buffer).getUint32(at, true) <= target) at += 16 + new DataView(bytes.buffer).getUint32(at, true);
        bytes[at + 12 + 3]! ^= 0x40;
        damaged.push(at);
      }
      writeFileSync(join(t.dir, 'events.out.tfevents.1.host'), bytes);
      cpSync(join(FIXTURES, 'tfevents', 'tf2'), t.dir, { recursive: true });
      const wasm = await readSource(t.dir, true);
      assert.deepEqual(wasm, await readSource(t.dir, false));
      assert.equal(wasm.issues.length, 2, wasm.issues.join('\n'));
      for (const [k, off] of damaged.entries()) assert.match(wasm.issues[k]!, new RegExp(`byte ${off}\\b.*record data checksum`));
      assert.ok(wasm.purges.length >= 2);
    } finally {
      t.cleanup();
    }
  });
});

describe('CRC-32C from a same-length message', () => {
  test('equals the plain CRC for any two messages, lengths and offsets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: SAME_LENGTH_MAX }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (length, padA, padB, edits, seed) => {
          const buf = new Uint8Array(padA + padB + 2 * length + 8);
          let x = seed | 1;
          for (let i = 0; i < buf.length; i++) buf[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
          const a = padA;
          const b = padA + length + padB;
          buf.copyWithin(b, a, a + length);
          for (const [at, v] of edits) buf[b + (at % length)] = v;
          const view = new DataView(buf.buffer);
          assert.equal(crc32cFromSameLength(view, b, a, length, crc32c(buf, a, a + length)), crc32c(buf, b, b + length));
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
  });
});
