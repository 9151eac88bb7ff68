/**
 * The small part of ZIP that `.npz` archives use: the central directory (with the Zip64 end
 * records and extra fields NumPy always writes, since it opens every member with
 * force_zip64=True), local headers, stored and deflated members, CRC-32.
 *
 * Written here rather than taken from yauzl or fflate: those either buffer a member whole
 * (fflate, jszip, adm-zip) or stream it without CRC verification or random access to the
 * member's bytes (yauzl checks no CRC and serves byte ranges of stored members only through
 * fresh streams). An .npz member is an .npy whose header must be read first and whose data
 * must then be read by rows, into the tensor's own buffer, with its checksum verified and every
 * size checked against the bytes actually present. That is about two hundred lines over the
 * byte sources the .npy reader uses anyway.
 */
import { DataError } from '../errors.js';
import { type ByteSource, CrcTracker, DeflatedSource, RangeSource } from './source.js';

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated (others are refused when opened). */
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
  /** File offset of this entry's central directory record (for error locations). */
  readonly directoryOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Deflate cannot compress better than about 1032:1; a member claiming more is refused. */
const MAX_DEFLATE_RATIO = 1032;

/** Reads and checks the central directory of the zip archive in `source`. */
export async function readZipDirectory(source: ByteSource): Promise<ZipEntry[]> {
  const file = source.file;
  if (source.size < EOCD_SIZE) throw new DataError(file, `not a zip archive: ${source.size} bytes is too short`, { offset: 0 });
  const tailLength = Math.min(source.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let at = -1;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (view.getUint32(i, true) === EOCD && i + EOCD_SIZE + view.getUint16(i + 20, true) <= tailLength) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new DataError(file, 'not a zip archive: no end-of-central-directory record (truncated or not an .npz)');
  const eocdOffset = tailStart + at;
  let entries = view.getUint16(at + 10, true);
  let cdSize = view.getUint32(at + 12, true);
  let cdOffset = view.getUint32(at + 16, true);
  let directoryEnd = eocdOffset;
  if (view.getUint16(at + 4, true) !== 0 || view.getUint16(at + 6, true) !== 0) {
    throw new DataError(file, 'multi-volume zip archives are not supported', { offset: eocdOffset });
  }
  // Zip64: a locator just before the end record points at the Zip64 end record.
  if (at >= 20 && view.getUint32(at - 20, true) === ZIP64_LOCATOR) {
    const locatorOffset = eocdOffset - 20;
    const zip64Offset = u64(view, at - 20 + 8, file, locatorOffset);
    if (zip64Offset + 56 > locatorOffset) throw new DataError(file, `Zip64 end record at byte ${zip64Offset} lies outside the archive`, { offset: locatorOffset });
    const rec = await source.read(zip64Offset, 56);
    const r = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    if (r.getUint32(0, true) !== ZIP64_EOCD) throw new DataError(file, 'bad Zip64 end-of-central-directory signature', { offset: zip64Offset });
    entries = u64(r, 32, file, zip64Offset);
    cdSize = u64(r, 40, file, zip64Offset);
    cdOffset = u64(r, 48, file, zip64Offset);
    directoryEnd = zip64Offset;
  } else if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new DataError(file, 'the end record defers to a Zip64 record that is missing', { offset: eocdOffset });
  }
  if (cdOffset + cdSize > directoryEnd) {
    throw new DataError(file, `central directory (${cdSize} bytes at byte ${cdOffset}) runs past its end record at byte ${directoryEnd}`, { offset: eocdOffset });
  }
  if (entries * 46 > cdSize) throw new DataError(file, `the end record counts ${entries} entries but the central directory has room for ${Math.floor(cdSize / 46)}`, { offset: eocdOffset });
  const cd = await source.read(cdOffset, cdSize);
  const d = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const names = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  const list: ZipEntry[] = [];
  const seen = new Set<string>();
  let p = 0;
  for (let k = 0; k < entries; k++) {
    const here = cdOffset + p;
    if (p + 46 > cdSize) throw new DataError(file, `central directory ends inside entry ${k + 1} of ${entries}`, { offset: here });
    if (d.getUint32(p, true) !== CENTRAL) throw new DataError(file, `bad central directory signature for entry ${k + 1}`, { offset: here });
    const flags = d.getUint16(p + 8, true);
    const method = d.getUint16(p + 10, true);
    const crc32 = d.getUint32(p + 16, true);
    let compressedSize = d.getUint32(p + 20, true);
    let uncompressedSize = d.getUint32(p + 24, true);
    const nameLength = d.getUint16(p + 28, true);
    const extraLength = d.getUint16(p + 30, true);
    const commentLength = d.getUint16(p + 32, true);
    let localHeaderOffset = d.getUint32(p + 42, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cdSize) throw new DataError(file, `central directory entry ${k + 1} runs past the directory`, { offset: here });
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
    // Bit 11: the name is UTF-8; otherwise code page 437, which agrees with latin-1 on ASCII.
    const name = flags & 0x800 ? names.decode(nameBytes) : latin1.decode(nameBytes);
    // Zip64 extra field: 64-bit values for exactly those fields stored as 0xFFFFFFFF, in order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = d.getUint16(e, true);
      const size = d.getUint16(e + 2, true);
      if (e + 4 + size > extraEnd) throw new DataError(file, `extra field of '${name}' runs past its entry`, { offset: cdOffset + e });
      if (id === 0x0001) {
        let q = e + 4;
        const take = (): number => {
          if (q + 8 > e + 4 + size) throw new DataError(file, `Zip64 extra field of '${name}' is too short`, { offset: cdOffset + e });
          const v = u64(d, q, file, cdOffset + q);
          q += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      e += 4 + size;
    }
    if (seen.has(name)) throw new DataError(file, `member '${name}' appears twice in the archive`, { offset: here });
    seen.add(name);
    list.push({ name, method, flags, crc32, compressedSize, uncompressedSize, localHeaderOffset, directoryOffset: here });
    p = end;
  }
  return list;
}

/**
 * The bytes of one member as a source: a range of the archive when stored, an inflating
 * stream when deflated. Checks the local header, the sizes against the archive, and sets up
 * CRC-32 verification.
 */
export async function memberSource(archive: ByteSource, entry: ZipEntry, label: string): Promise<ByteSource> {
  const file = archive.file;
  if (entry.flags & 0x1) throw new DataError(label, 'encrypted zip members are not supported', { offset: entry.directoryOffset });
  if (entry.method !== 0 && entry.method !== 8) {
    const known: Record<number, string> = { 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'xz' };
    throw new DataError(label, `unsupported compression method ${entry.method}${known[entry.method] ? ` (${known[entry.method]})` : ''}: only stored and deflated members are read`, {
      offset: entry.directoryOffset,
    });
  }
  if (entry.localHeaderOffset + 30 > archive.size) throw new DataError(file, `local header of '${entry.name}' lies past the end of the archive`, { offset: entry.directoryOffset });
  const local = await archive.read(entry.localHeaderOffset, 30);
  const v = new DataView(local.buffer, local.byteOffset, 30);
  if (v.getUint32(0, true) !== LOCAL) throw new DataError(file, `bad local header signature for '${entry.name}'`, { offset: entry.localHeaderOffset });
  const dataStart = entry.localHeaderOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
  if (dataStart + entry.compressedSize > archive.size) {
    throw new DataError(file, `truncated: member '${entry.name}' needs ${entry.compressedSize} bytes at byte ${dataStart} but the archive holds ${archive.size}`, {
      offset: dataStart,
    });
  }
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) {
      throw new DataError(file, `stored member '${entry.name}' records ${entry.compressedSize} bytes stored but ${entry.uncompressedSize} uncompressed`, {
        offset: entry.directoryOffset,
      });
    }
    return new RangeSource(label, archive, dataStart, entry.uncompressedSize, new CrcTracker(label, entry.uncompressedSize, entry.crc32));
  }
  if (entry.uncompressedSize > entry.compressedSize * MAX_DEFLATE_RATIO + 1024) {
    throw new DataError(file, `member '${entry.name}' claims ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed, beyond what deflate can do`, {
      offset: entry.directoryOffset,
    });
  }
  return new DeflatedSource(label, archive, dataStart, entry.compressedSize, entry.uncompressedSize, entry.crc32);
}

function u64(view: DataView, at: number, file: string, offset: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  if (hi >= 0x200000) throw new DataError(file, 'a 64-bit size or offset is beyond 2^53', { offset });
  return hi * 4294967296 + lo;
}
