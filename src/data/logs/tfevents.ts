/**
 * TensorBoard event files: Event protobufs in TFRecord framing (see tfrecord.ts). Reads the
 * scalars in both encodings writers use:
 *  - legacy `Summary.Value.simple_value` (TF1, tensorboardX, torch.utils.tensorboard), and
 *  - rank-0 `Summary.Value.tensor` whose tag carries the `scalars` plugin metadata (TF2
 *    `tf.summary.scalar`, Keras, torch `new_style=True`), as raw `tensor_content` or typed
 *    `float_val`/`double_val`/... fields.
 *
 * Restarts are handled the way TensorBoard's EventAccumulator does: with a file_version of 2
 * or more, a SessionLog.START at step S drops every point already read with step >= S; with
 * older or no file_version, an event whose step goes backwards drops, for the tags it
 * carries, the points at or after its step. Metadata is often written only with a tag's first
 * value, so the first metadata seen per tag is remembered for the rest of the run.
 */
import { IssueLog } from './issues.js';
import { ProtoError, ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH, WIRE_VARINT, decodeUtf8 } from './protobuf.js';
import { TagTable, type SeriesBuilder, type Series } from './series.js';
import { batchRecordOffset, type ScalarBatch } from './tfrecord.js';
import { KIND_MASK, LEGACY_SCALAR, NEW_TAG, TAG_LENGTH_SHIFT, TAG_SLOT_SHIFT, TAG_SLOTS, TENSOR_SCALAR_META } from './tfrecord-wasm.js';

/** A purge of points caused by a restart or out-of-order steps. */
export interface Purge {
  file: string;
  offset: number;
  step: number;
  dropped: number;
  reason: 'session-start' | 'out-of-order';
}

// TensorFlow DataType values a scalar tensor can have.
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_UINT8 = 4;
const DT_INT16 = 5;
const DT_INT8 = 6;
const DT_INT64 = 9;
const DT_BOOL = 10;
const DT_BFLOAT16 = 14;
const DT_UINT16 = 17;
const DT_HALF = 19;
const DT_UINT32 = 22;
const DT_UINT64 = 23;

const SESSION_START = 1;

/** Tags the interner compares before hashing. */
const RECENT_TAGS = 8;

/**
 * Interned tag strings: most events repeat a handful of tags, so decoding each is wasted work.
 * At most `limit` are kept: a file inventing a tag per record must not grow memory without
 * bound (TagTable refuses such tags' values anyway); tags past the limit are decoded each time.
 */
class TagInterner {
  private readonly entries = new Map<number, { bytes: Uint8Array; tag: string }[]>();
  private size = 0;

  constructor(private readonly limit: number) {}

  /**
   * The tags seen last, most recent first: a training loop logs a few tags in turn at every
   * step, so the next tag is nearly always one of them (compared by length, then bytes, before
   * any hashing).
   */
  private readonly recent: { bytes: Uint8Array; tag: string }[] = [];

  get(buf: Uint8Array, start: number, end: number): string {
    const n = end - start;
    const recent = this.recent;
    for (let k = 0; k < recent.length; k++) {
      const e = recent[k]!;
      const bytes = e.bytes;
      if (bytes.length !== n) continue;
      let i = 0;
      while (i < n && bytes[i] === buf[start + i]) i++;
      if (i === n) return e.tag;
    }
    const entry = this.lookup(buf, start, end);
    if (recent.length === RECENT_TAGS) recent.pop();
    recent.unshift(entry);
    return entry.tag;
  }

  private lookup(buf: Uint8Array, start: number, end: number): { bytes: Uint8Array; tag: string } {
    let h = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    let bucket = this.entries.get(h);
    if (bucket !== undefined) {
      outer: for (const e of bucket) {
        if (e.bytes.length !== end - start) continue;
        for (let i = 0; i < e.bytes.length; i++) if (e.bytes[i] !== buf[start + i]) continue outer;
        return e;
      }
    } else {
      bucket = [];
      this.entries.set(h, bucket);
    }
    const entry = { bytes: buf.slice(start, end), tag: decodeUtf8(buf, start, end) };
    if (this.size < this.limit) {
      bucket.push(entry);
      this.size++;
    } else if (bucket.length === 0) this.entries.delete(h);
    return entry;
  }
}

/** Accumulates the scalars of one run (every event file of one directory, in order). */
export class TfEventsAccumulator {
  readonly table: TagTable;
  readonly purges: Purge[] = [];
  private fileVersion: number | undefined;
  private mostRecentStep = -1;
  /** Plugin name of the first metadata seen per tag. */
  private readonly pluginByTag = new Map<string, string>();
  private readonly tags: TagInterner;
  private readonly unsupportedTensorTags = new Set<string>();
  // Readers reused for every record: one per nesting level of the hot path.
  private readonly eventReader = new ProtoReader(new Uint8Array(0), 0, 0);
  private readonly summaryReader = new ProtoReader(new Uint8Array(0), 0, 0);
  private readonly valueReader = new ProtoReader(new Uint8Array(0), 0, 0);
  private reportedTagLimit = false;
  private reportedPluginLimit = false;
  private lastTag: string | undefined;
  private lastBuilder: SeriesBuilder | undefined;
  private viewBuf: Uint8Array | undefined;
  private view: DataView = new DataView(new ArrayBuffer(0));
  // Scratch for the values of the event being decoded.
  private pendingTags: string[] = [];
  private pendingValues: number[] = [];
  private pendingHasValue: boolean[] = [];
  // The tag and series of each of the scanner's tag slots in the current scan (see addScalars).
  private readonly slotTags: (string | undefined)[] = new Array<string | undefined>(TAG_SLOTS).fill(undefined);
  private readonly slotBuilders: (SeriesBuilder | undefined)[] = new Array<SeriesBuilder | undefined>(TAG_SLOTS).fill(undefined);

  constructor(
    readonly issues: IssueLog,
    maxTags?: number,
  ) {
    this.table = new TagTable(maxTags);
    // Room for every tag the table keeps, and as many of its refused ones.
    this.tags = new TagInterner(2 * this.table.maxTags);
  }

  /** Forgets everything (a file of the run was rewritten: the run is read again). */
  reset(): void {
    this.table.clear();
    this.reportedTagLimit = false;
    this.lastTag = undefined;
    this.lastBuilder = undefined;
    this.purges.length = 0;
    this.fileVersion = undefined;
    this.mostRecentStep = -1;
    this.pluginByTag.clear();
    this.reportedPluginLimit = false;
    this.unsupportedTensorTags.clear();
  }

  snapshot(run: string): Series[] {
    return this.table.snapshot(run);
  }

  /** Decodes one Event record (bytes[start, end) of `buf`) from `file` at `offset`. */
  addEvent(buf: Uint8Array, start: number, end: number, file: string, offset: number): void {
    try {
      if (!this.addLegacyScalarEvent(buf, start, end, file, offset)) this.decodeEvent(buf, start, end, file, offset);
      this.checkTagLimit(file, offset);
    } catch (e) {
      if (!(e instanceof ProtoError)) throw e;
      this.issues.add(file, `malformed Event protobuf: ${e.message} (${e.position - start} bytes into the record); record skipped`, { offset });
    }
  }

  /**
   * One-scalar events decoded by the TFRecord scanner (see ScalarBatch): takes records from
   * batch.from on while each counts as its decoding says and cannot purge, and returns the
   * index of the first it leaves to addEvent (a step going back with a file_version below 2, a
   * tensor whose plugin is not known to be `scalars`), or batch.to. With `progressBase` (the
   * run's bytes before this file), the reading's progress is kept as of each push, so series
   * that grow project their length from where their points are, not from the batch's end.
   */
  addScalars(batch: ScalarBatch, file: string, progressBase?: number): number {
    const purgesByStep = this.fileVersion === undefined || this.fileVersion < 2;
    const { flags, runEnds, steps, values, wallTimes, to } = batch;
    const slotTags = this.slotTags;
    const slotBuilders = this.slotBuilders;
    let mostRecentStep = this.mostRecentStep;
    let i = batch.from;
    while (i < to) {
      const flag = flags[i]!;
      const slot = (flag >>> TAG_SLOT_SHIFT) & (TAG_SLOTS - 1);
      if ((flag & NEW_TAG) !== 0) {
        const start = batch.tagStarts[i]! - batch.base;
        slotTags[slot] = this.tags.get(batch.buf, start, start + (flag >>> TAG_LENGTH_SHIFT));
        slotBuilders[slot] = undefined;
      }
      let builder = slotBuilders[slot];
      if (builder === undefined) {
        builder = this.builderFor(slotTags[slot]!, flag & KIND_MASK);
        if (builder === undefined) break;
        slotBuilders[slot] = builder;
        if (this.table.refusedTags !== 0) this.checkTagLimit(file, batchRecordOffset(batch, i));
      }
      // The records after this one in its run (the rest of a run of one tag), at steps that
      // cannot purge, go in one push.
      const runEnd = Math.min(runEnds[i]!, to);
      let j = i + 1;
      if (purgesByStep) {
        let step = steps[i]!;
        if (step < mostRecentStep) break;
        while (j < runEnd && steps[j]! >= step) step = steps[j++]!;
        mostRecentStep = step;
      } else j = runEnd;
      // A series that must grow projects its length from the progress: as of its last point.
      if (progressBase !== undefined && !builder.hasRoom(j - i)) this.table.progress.done = progressBase + batchRecordOffset(batch, j - 1);
      builder.pushMany(steps, values, wallTimes, i, j);
      i = j;
    }
    if (purgesByStep) this.mostRecentStep = mostRecentStep;
    return i;
  }

  /**
   * The series a scanned one-scalar record of `tag` goes to, or undefined if addEvent must
   * decide: a tensor's value counts only under the `scalars` plugin, known from the tag's first
   * metadata, which this record sets if it carries the `scalars` metadata and no earlier did.
   */
  private builderFor(tag: string, kind: number): SeriesBuilder | undefined {
    if (kind !== LEGACY_SCALAR) {
      const plugin = this.pluginByTag.get(tag);
      if (plugin === undefined) {
        if (kind !== TENSOR_SCALAR_META) return undefined;
        if (!this.rememberPlugin(tag, 'scalars', undefined, 0)) return undefined;
      } else if (plugin !== 'scalars') return undefined;
    }
    return this.table.get(tag);
  }

  /**
   * Records a tag's plugin, for at most 4x the tag limit of tags (images, text and other
   * plugins' tags count too): a file inventing tags must not grow memory without bound. Past
   * that, a new tag's plugin is forgotten (so its tensors are not read as scalars), said once.
   * Returns whether it was recorded.
   */
  private rememberPlugin(tag: string, plugin: string, file: string | undefined, offset: number): boolean {
    if (this.pluginByTag.size >= 4 * this.table.maxTags) {
      // (From the scanned path, file is undefined: the record then goes to addEvent, which says it.)
      if (file !== undefined && !this.reportedPluginLimit) {
        this.reportedPluginLimit = true;
        this.issues.add(file, `more than ${4 * this.table.maxTags} tags with plugin metadata in this run; tensors of further tags are skipped`, { offset });
      }
      return false;
    }
    this.pluginByTag.set(tag, plugin);
    return true;
  }

  private checkTagLimit(file: string, offset: number): void {
    if (this.table.refusedTags !== 0 && !this.reportedTagLimit) {
      this.reportedTagLimit = true;
      this.issues.add(file, `more than ${this.table.maxTags} tags in this run; values of further new tags are ignored`, { offset });
    }
  }

  /**
   * Fast path for the commonest record, one legacy scalar per event as torch and
   * tensorboardX write it: `09 <wall_time> [10 <step>] 2a L (0a L (0a L <tag>) 15 <float>)`.
   * Anything else (or anything unexpected) returns false for the general decoder.
   */
  private addLegacyScalarEvent(buf: Uint8Array, start: number, end: number, file: string, offset: number): boolean {
    let p = start;
    if (end - p < 16 || buf[p] !== 0x09) return false;
    if (buf !== this.viewBuf) {
      this.viewBuf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const dv = this.view;
    const wallTime = dv.getFloat64(p + 1, true);
    p += 9;
    let step = 0;
    if (buf[p] === 0x10) {
      p++;
      let shift = 0;
      for (;;) {
        const b = buf[p++]!;
        step |= (b & 0x7f) << shift;
        if (b < 0x80) break;
        shift += 7;
        if (shift > 21 || p >= end) return false; // steps of 2^28 or more (or negative): general path
      }
    }
    if (buf[p] !== 0x2a || buf[p + 1]! >= 0x80 || p + 2 + buf[p + 1]! !== end) return false;
    p += 2;
    if (buf[p] !== 0x0a || buf[p + 1]! >= 0x80 || p + 2 + buf[p + 1]! !== end) return false;
    p += 2;
    if (buf[p] !== 0x0a || buf[p + 1]! >= 0x80) return false;
    const tagStart = p + 2;
    const tagEnd = tagStart + buf[p + 1]!;
    if (tagEnd + 5 !== end || buf[tagEnd] !== 0x15) return false;
    const value = dv.getFloat32(tagEnd + 1, true);
    const tag = this.tags.get(buf, tagStart, tagEnd);
    this.pendingTags[0] = tag;
    this.maybePurge(step, true, -1, 1, file, offset);
    // Consecutive events usually carry the same tag: skip the map lookup then.
    if (tag !== this.lastTag) {
      this.lastTag = tag;
      this.lastBuilder = this.table.get(tag);
    }
    this.lastBuilder!.push(step, value, wallTime);
    return true;
  }

  private decodeEvent(buf: Uint8Array, start: number, end: number, file: string, offset: number): void {
    const r = this.eventReader.reset(buf, start, end);
    let wallTime = 0;
    let step = 0;
    let summaryStart = -1;
    let summaryEnd = -1;
    let sessionStatus = -1;
    let fileVersion: string | undefined;
    while (r.pos < end) {
      const key = r.key();
      switch (key) {
        case 0x09:
          wallTime = r.double();
          break;
        case 0x10:
          step = r.int64();
          break;
        case 0x1a:
          fileVersion = r.string();
          break;
        case 0x2a:
          summaryStart = r.bytes();
          summaryEnd = r.pos;
          break;
        case 0x3a: {
          const s = r.bytes();
          const e = r.pos;
          sessionStatus = readSessionStatus(buf, s, e);
          break;
        }
        default:
          r.skip(key & 7);
      }
    }
    // Decode the summary before touching any state, so a malformed record changes nothing.
    const n = summaryStart >= 0 ? this.decodeSummary(buf, summaryStart, summaryEnd, file, offset) : 0;
    if (fileVersion !== undefined) this.fileVersion = parseFileVersion(fileVersion);
    this.maybePurge(step, summaryStart >= 0, sessionStatus, n, file, offset);
    for (let i = 0; i < n; i++) {
      if (this.pendingHasValue[i]) this.table.get(this.pendingTags[i]!).push(step, this.pendingValues[i]!, wallTime);
    }
  }

  /** Mirrors EventAccumulator._MaybePurgeOrphanedData. */
  private maybePurge(step: number, hasSummary: boolean, sessionStatus: number, nValues: number, file: string, offset: number): void {
    if (this.fileVersion !== undefined && this.fileVersion >= 2) {
      if (sessionStatus === SESSION_START) {
        const dropped = this.table.dropFromStep(step);
        if (dropped > 0) this.purges.push({ file, offset, step, dropped, reason: 'session-start' });
      }
      return;
    }
    if (step < this.mostRecentStep && hasSummary) {
      const dropped = this.table.dropFromStep(step, this.pendingTags.slice(0, nValues));
      if (dropped > 0) this.purges.push({ file, offset, step, dropped, reason: 'out-of-order' });
    } else {
      this.mostRecentStep = step;
    }
  }

  /** Reads Summary.value entries into the pending arrays; returns how many. */
  private decodeSummary(buf: Uint8Array, start: number, end: number, file: string, offset: number): number {
    const r = this.summaryReader.reset(buf, start, end);
    let n = 0;
    while (r.pos < end) {
      const key = r.key();
      if (key !== 0x0a) {
        r.skip(key & 7);
        continue;
      }
      const vs = r.bytes();
      const ve = r.pos;
      this.decodeValue(buf, vs, ve, n, file, offset);
      n++;
    }
    return n;
  }

  /** One Summary.Value into slot `i` of the pending arrays. */
  private decodeValue(buf: Uint8Array, start: number, end: number, i: number, file: string, offset: number): void {
    const r = this.valueReader.reset(buf, start, end);
    let tag = '';
    let nodeName = '';
    let simple: number | undefined;
    let tensorStart = -1;
    let tensorEnd = -1;
    let plugin: string | undefined;
    while (r.pos < end) {
      const key = r.key();
      switch (key) {
        case 0x0a: {
          const s = r.bytes();
          const e = r.pos;
          tag = this.tags.get(buf, s, e);
          break;
        }
        case 0x15:
          simple = r.float();
          break;
        case 0x3a:
          nodeName = r.string();
          break;
        case 0x42:
          tensorStart = r.bytes();
          tensorEnd = r.pos;
          break;
        case 0x4a: {
          const s = r.bytes();
          const e = r.pos;
          plugin = readPluginName(buf, s, e);
          break;
        }
        default:
          r.skip(key & 7);
      }
    }
    if (tensorStart >= 0 && tag === '') tag = nodeName;
    if (plugin !== undefined && !this.pluginByTag.has(tag)) this.rememberPlugin(tag, plugin, file, offset);
    this.pendingTags[i] = tag;
    this.pendingHasValue[i] = false;
    if (simple !== undefined) {
      this.pendingValues[i] = simple;
      this.pendingHasValue[i] = true;
    } else if (tensorStart >= 0 && this.pluginByTag.get(tag) === 'scalars') {
      const v = decodeScalarTensor(buf, tensorStart, tensorEnd);
      if (typeof v === 'number') {
        this.pendingValues[i] = v;
        this.pendingHasValue[i] = true;
      } else if (!this.unsupportedTensorTags.has(tag)) {
        this.unsupportedTensorTags.add(tag);
        this.issues.add(file, `tag '${tag}': scalar tensor ${v.problem}; its values are skipped`, { offset });
      }
    }
  }
}

/** "brain.Event:2" -> 2; anything unparsable -> -1 (as TensorBoard's ParseFileVersion). */
function parseFileVersion(text: string): number {
  const colon = text.lastIndexOf(':');
  const v = Number(text.slice(colon + 1));
  return colon >= 0 && text.slice(colon + 1).trim() !== '' && Number.isFinite(v) ? v : -1;
}

function readSessionStatus(buf: Uint8Array, start: number, end: number): number {
  const r = new ProtoReader(buf, start, end);
  let status = 0;
  while (r.pos < end) {
    const key = r.key();
    if (key === 0x08) status = r.varint32();
    else r.skip(key & 7);
  }
  return status;
}

/** SummaryMetadata -> plugin_data.plugin_name ('' when absent). */
function readPluginName(buf: Uint8Array, start: number, end: number): string {
  const r = new ProtoReader(buf, start, end);
  let name = '';
  while (r.pos < end) {
    const key = r.key();
    if (key !== 0x0a) {
      r.skip(key & 7);
      continue;
    }
    const ps = r.bytes();
    const pe = r.pos;
    const p = new ProtoReader(buf, ps, pe);
    while (p.pos < pe) {
      const k = p.key();
      if (k === 0x0a) name = p.string();
      else p.skip(k & 7);
    }
  }
  return name;
}

/**
 * The value of a TensorProto holding one number: rank 0 (or every dimension 1), any numeric
 * dtype, from tensor_content or the typed repeated fields (packed or not).
 */
export function decodeScalarTensor(buf: Uint8Array, start: number, end: number): number | { problem: string } {
  const r = new ProtoReader(buf, start, end);
  let dtype = 0;
  let elements = 1;
  let content: [number, number] | undefined;
  const found: number[] = [];
  while (r.pos < end) {
    const key = r.key();
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 1 && wire === WIRE_VARINT) dtype = r.varint32();
    else if (field === 2 && wire === WIRE_LENGTH) {
      const s = r.bytes();
      const e = r.pos;
      elements = shapeElements(buf, s, e);
    } else if (field === 4 && wire === WIRE_LENGTH) content = [r.bytes(), r.pos];
    else if (field === 5 && wire === WIRE_LENGTH) readPacked(r, 4, (p) => found.push(p.float()));
    else if (field === 5 && wire === WIRE_FIXED32) found.push(r.float());
    else if (field === 6 && wire === WIRE_LENGTH) readPacked(r, 8, (p) => found.push(p.double()));
    else if (field === 6 && wire === WIRE_FIXED64) found.push(r.double());
    else if ((field === 7 || field === 10 || field === 11 || field === 13 || field === 16 || field === 17) && (wire === WIRE_LENGTH || wire === WIRE_VARINT)) {
      // int_val (7, also int8/16/uint8/16/bool), int64_val (10), bool_val (11),
      // half_val (13, the raw 16 bits), uint32_val (16), uint64_val (17).
      const convert = (x: number): number =>
        field === 13 ? (dtype === DT_BFLOAT16 ? bfloat16(x) : float16(x)) : field === 7 && dtype === DT_INT32 ? x | 0 : field === 7 && (dtype === DT_INT8 || dtype === DT_INT16) ? signExtend(x, dtype) : x;
      if (wire === WIRE_VARINT) found.push(convert(r.int64()));
      else readPacked(r, 0, (p) => found.push(convert(p.int64())));
    } else r.skip(wire);
  }
  if (elements !== 1) return { problem: `has ${elements} elements, not one` };
  if (content !== undefined && content[1] > content[0]) {
    const [s, e] = content;
    const view = r.dataView(); // over all of buf: index with s
    const size = e - s;
    const expect = (n: number): { problem: string } | undefined => (size === n ? undefined : { problem: `tensor_content of ${size} bytes for dtype ${dtype}` });
    switch (dtype) {
      case DT_FLOAT:
        return expect(4) ?? view.getFloat32(s, true);
      case DT_DOUBLE:
        return expect(8) ?? view.getFloat64(s, true);
      case DT_HALF:
        return expect(2) ?? float16(view.getUint16(s, true));
      case DT_BFLOAT16:
        return expect(2) ?? bfloat16(view.getUint16(s, true));
      case DT_INT32:
        return expect(4) ?? view.getInt32(s, true);
      case DT_UINT32:
        return expect(4) ?? view.getUint32(s, true);
      case DT_INT64:
        return expect(8) ?? Number(view.getBigInt64(s, true));
      case DT_UINT64:
        return expect(8) ?? Number(view.getBigUint64(s, true));
      case DT_INT16:
        return expect(2) ?? view.getInt16(s, true);
      case DT_UINT16:
        return expect(2) ?? view.getUint16(s, true);
      case DT_INT8:
        return expect(1) ?? view.getInt8(s);
      case DT_UINT8:
      case DT_BOOL:
        return expect(1) ?? view.getUint8(s);
      default:
        return { problem: `has unsupported dtype ${dtype}` };
    }
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) return dtype === 0 ? { problem: 'has no dtype and no value' } : 0; // proto3 omits a zero
  return { problem: `holds ${found.length} values, not one` };
}

function readPacked(r: ProtoReader, width: number, each: (p: ProtoReader) => void): void {
  const s = r.bytes();
  const e = r.pos;
  if (width > 0 && (e - s) % width !== 0) throw new ProtoError(`packed field of ${e - s} bytes is not a multiple of ${width}`, s);
  const p = new ProtoReader(r.buf, s, e);
  while (p.pos < e) each(p);
}

/** TensorShapeProto -> element count (1 for rank 0). */
function shapeElements(buf: Uint8Array, start: number, end: number): number {
  const r = new ProtoReader(buf, start, end);
  let n = 1;
  while (r.pos < end) {
    const key = r.key();
    if (key === 0x12) {
      const ds = r.bytes();
      const de = r.pos;
      const d = new ProtoReader(buf, ds, de);
      let size = 0;
      while (d.pos < de) {
        const k = d.key();
        if (k === 0x08) size = d.int64();
        else d.skip(k & 7);
      }
      n *= size;
    } else r.skip(key & 7);
  }
  return n;
}

function signExtend(x: number, dtype: number): number {
  return dtype === DT_INT8 ? (x << 24) >> 24 : (x << 16) >> 16;
}

/** IEEE half-precision bits -> number. */
export function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);
const f32bits = new Uint32Array(f32.buffer);
/** bfloat16 bits -> number. */
export function bfloat16(bits: number): number {
  f32bits[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}
