/**
 * Decimal numbers straight from UTF-8 bytes to correctly rounded doubles, without making a
 * string per cell: the text tables of predictions hold tens of millions of them.
 *
 * Fast paths, both exact:
 *  - the digits, as an integer, below 2^53 (every literal of up to 15 significant digits, most
 *    of 16) and a power of ten within 10^±22: one multiplication or division of two exactly
 *    held doubles, correctly rounded by IEEE arithmetic (Clinger);
 *  - 16 to 19 significant digits (what `repr` of a float64 writes), same powers: the digits
 *    are held exactly as a double-double, scaled by the power of ten with error-free products
 *    (Dekker), and the result rounded once. That rounding is exact unless the true value lies
 *    within a 2^-30 ulp of a halfway point between two doubles, which is detected and, like
 *    every other form (more digits, larger exponents), handed to the engine's own conversion.
 */

const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const SPLITTER = 134217729; // 2^27 + 1, Dekker's split constant
const bits = new Float64Array(1);
const bitsHi = new Uint32Array(bits.buffer, HOST_HI_WORD_OFFSET(), 1);
const bitsLo = new Uint32Array(bits.buffer, 4 - HOST_HI_WORD_OFFSET(), 1);

function HOST_HI_WORD_OFFSET(): number {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 4 : 0;
}

/**
 * Scans one number at bytes[i, limit) and records where it stopped. Reusable, so the hot loop
 * allocates nothing per cell.
 */
export class DecimalScanner {
  /** Index just past the number's last byte (equal to the start when there was no number). */
  end = 0;
  /** True when the literal was an integer: digits only, no point, no exponent. */
  integral = false;
  /** A view of the bytes last scanned, to read four digits at once. */
  private words: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private wordsOf: Uint8Array | undefined;

  /**
   * The value of the longest number literal at `i` (sign, digits, optional fraction, optional
   * exponent). When there is none, returns NaN with `end === i`. The caller decides whether
   * what follows `end` is an acceptable terminator.
   */
  scan(b: Uint8Array, i: number, limit: number): number {
    const start = i;
    let c = i < limit ? b[i]! : 0;
    let negative = false;
    if (c === 0x2d || c === 0x2b) {
      negative = c === 0x2d;
      i++;
      c = i < limit ? b[i]! : 0;
    }
    let head = 0; // first 15 significant digits
    let tail = 0; // next up to 4
    let tailDigits = 0;
    let significant = 0;
    let exponent = 0;
    let lost = false; // more than 19 significant digits
    // One simple loop per phase (leading zeros, head digits, tail digits, digits past 19), so
    // each digit costs one range test and one multiply-add.
    if (b !== this.wordsOf) {
      this.words = new DataView(b.buffer, b.byteOffset, b.byteLength);
      this.wordsOf = b;
    }
    const words = this.words;
    const intStart = i;
    while (c === 0x30) c = ++i < limit ? b[i]! : 0;
    // Four digits at a time while they fit in the head (a long integer part; not tried for the
    // one digit before the point of most predictions).
    while (significant <= 11 && i + 4 <= limit && b[i + 1]! - 0x30 >>> 0 <= 9) {
      const w = words.getUint32(i, true);
      if (!fourDigits(w)) break;
      head = head * 10000 + fourDigitsValue(w);
      significant += 4;
      i += 4;
    }
    c = i < limit ? b[i]! : 0;
    while (c >= 0x30 && c <= 0x39 && significant < 15) {
      head = head * 10 + (c - 0x30);
      significant++;
      c = ++i < limit ? b[i]! : 0;
    }
    while (c >= 0x30 && c <= 0x39 && significant < 19) {
      tail = tail * 10 + (c - 0x30);
      tailDigits++;
      significant++;
      c = ++i < limit ? b[i]! : 0;
    }
    while (c >= 0x30 && c <= 0x39) {
      lost = true;
      exponent++;
      c = ++i < limit ? b[i]! : 0;
    }
    let digits = i - intStart;
    let integral = true;
    if (c === 0x2e) {
      integral = false;
      c = ++i < limit ? b[i]! : 0;
      const fracStart = i;
      if (significant === 0) {
        while (c === 0x30) {
          exponent--;
          c = ++i < limit ? b[i]! : 0;
        }
      }
      // The fraction of a prediction is most of its digits: four at a time, as above.
      while (significant <= 11 && i + 4 <= limit) {
        const w = words.getUint32(i, true);
        if (!fourDigits(w)) break;
        head = head * 10000 + fourDigitsValue(w);
        significant += 4;
        exponent -= 4;
        i += 4;
      }
      c = i < limit ? b[i]! : 0;
      while (c >= 0x30 && c <= 0x39 && significant < 15) {
        head = head * 10 + (c - 0x30);
        significant++;
        exponent--;
        c = ++i < limit ? b[i]! : 0;
      }
      while (c >= 0x30 && c <= 0x39 && significant < 19) {
        tail = tail * 10 + (c - 0x30);
        tailDigits++;
        significant++;
        exponent--;
        c = ++i < limit ? b[i]! : 0;
      }
      while (c >= 0x30 && c <= 0x39) {
        lost = true;
        c = ++i < limit ? b[i]! : 0;
      }
      digits += i - fracStart;
    }
    if (digits === 0) {
      this.end = start;
      this.integral = false;
      return NaN;
    }
    if (c === 0x65 || c === 0x45) {
      let j = i + 1;
      let e = j < limit ? b[j]! : 0;
      let expNegative = false;
      if (e === 0x2d || e === 0x2b) {
        expNegative = e === 0x2d;
        j++;
        e = j < limit ? b[j]! : 0;
      }
      if (e >= 0x30 && e <= 0x39) {
        let value = 0;
        while (e >= 0x30 && e <= 0x39) {
          // Clamped: any exponent this large is already overflow or underflow.
          if (value < 100000) value = value * 10 + (e - 0x30);
          j++;
          e = j < limit ? b[j]! : 0;
        }
        exponent += expNegative ? -value : value;
        integral = false;
        i = j;
      }
      // "1e" or "1e+" without digits: the number ends before the 'e' (the caller sees the 'e').
    }
    this.end = i;
    this.integral = integral;
    let v: number;
    if (significant === 0) v = 0;
    else if (lost || exponent < -22 || exponent > 22) v = slow(b, start, i);
    else if (tailDigits === 0) v = exponent < 0 ? head / POW10[-exponent]! : head * POW10[exponent]!;
    else {
      // Clinger's condition is on the integer of digits, not the digit count: below 2^53 it is
      // held exactly (so is head·10^t, which is smaller), and one rounding is correct. That is
      // most 16-digit literals; the rest take the double-double path.
      const w = head * POW10[tailDigits]! + tail;
      if (w < 9007199254740992) v = exponent < 0 ? w / POW10[-exponent]! : w * POW10[exponent]!;
      else v = longDigits(head, tail, tailDigits, exponent, b, start, i);
    }
    return negative ? -v : v;
  }
}

/**
 * Whether the four bytes of `w` (little endian) are all ASCII digits: each byte's high nibble is
 * 3, and adding 6 does not carry it past 3 (which it does for : to ?).
 */
function fourDigits(w: number): boolean {
  return ((w & 0xf0f0f0f0) | ((((w + 0x06060606) | 0) & 0xf0f0f0f0) >>> 4)) === 0x33333333;
}

/** The value of four ASCII digits in `w` (the first in the low byte): pairs, then the pair of pairs. */
function fourDigitsValue(w: number): number {
  const d = (w - 0x30303030) | 0;
  const pairs = (Math.imul(d, 10) + (d >>> 8)) & 0x00ff00ff;
  return (Math.imul(pairs, 100) + (pairs >>> 16)) & 0xffff;
}

/** The engine's own conversion of bytes[start, end) (ASCII), for the rare forms the fast paths leave. */
function slow(b: Uint8Array, start: number, end: number): number {
  let s = '';
  for (let k = start; k < end; k++) s += String.fromCharCode(b[k]!);
  const v = Number(s);
  return v < 0 ? -v : v; // the sign is applied by the caller
}

/**
 * head·10^t + tail (16 to 19 significant digits) times 10^exponent, |exponent| ≤ 22, correctly
 * rounded. See the module comment.
 */
function longDigits(head: number, tail: number, t: number, exponent: number, b: Uint8Array, start: number, end: number): number {
  // W = head * 10^t + tail exactly, as wh + wl, without a general error-free product: head
  // (≥ 10^14, < 2^50) is cut into h1·2^26 + h0, and 10^t = 5^t·2^t with 5^t ≤ 625, so
  // a = h1·5^t·2^(26+t) (< 2^34 significant) and c = h0·5^t·2^t + tail (< 2^41) are exact,
  // and |a| ≥ |c|, so wh = fl(a + c) and wl = c - (wh - a) exactly (Fast2Sum).
  const h1 = Math.floor(head * TWO_M26);
  const h0 = head - h1 * TWO_26;
  const five = POW5[t]!;
  const two = POW2[t]!;
  const a = h1 * five * (TWO_26 * two);
  const c = h0 * five * two + tail;
  const wh = a + c;
  const wl = c - (wh - a);
  let res: number;
  let err: number;
  if (exponent < 0) {
    // Quotients by multiplying with 1/10^k (a division takes several times as long): q1 may
    // then be an ulp or two off, which the exactly computed remainder r puts right (q2), and
    // q2's own relative error of about 2^-52 is far below the margin checked below.
    const k = -exponent;
    const d = POW10[k]!;
    const inverse = INV_POW10[k]!;
    const q1 = wh * inverse;
    const prod = q1 * d;
    // The exact error of q1·d, with 10^k's Dekker halves taken from a table.
    const x = SPLITTER * q1;
    const qh = x - (x - q1);
    const ql = q1 - qh;
    const dh = POW10_HI[k]!;
    const dl = POW10_LO[k]!;
    const prodErr = qh * dh - prod + qh * dl + ql * dh + ql * dl;
    const r = wh - prod - prodErr + wl;
    const q2 = r * inverse;
    res = q1 + q2;
    err = q2 - (res - q1);
  } else {
    const d = POW10[exponent]!;
    const ph = wh * d;
    const pl = twoProductError(wh, d, ph) + wl * d;
    res = ph + pl;
    err = pl - (res - ph);
  }
  // Most often |err| is well below half an ulp of res: half an ulp is at least res·2^-54
  // (exactly that when res is a power of two, on its lower side), so below that bound, less a
  // margin for the error of err itself, res is the correctly rounded value.
  if (Math.abs(err) < res * CLEARLY_ROUNDED) return res;
  // Otherwise measure: res is the correctly rounded value unless the exact one is within a
  // hair of halfway between res and a neighbour (|err| near half an ulp), or res is a power of
  // two (uneven neighbours).
  bits[0] = res;
  const hi = bitsHi[0]!;
  const lo = bitsLo[0]!;
  const biased = (hi >>> 20) & 0x7ff;
  if ((hi & 0xfffff) === 0 && lo === 0) return slow(b, start, end);
  bits[0] = 0;
  bitsHi[0] = (biased - 52) << 20;
  const halfUlp = bits[0] / 2;
  const margin = halfUlp * 2 ** -29;
  const distance = Math.abs(Math.abs(err) - halfUlp);
  if (distance <= margin || !(biased > 60)) return slow(b, start, end);
  return res;
}

const TWO_26 = 2 ** 26;
const TWO_M26 = 2 ** -26;
const POW5: readonly number[] = [1, 5, 25, 125, 625];
const POW2: readonly number[] = [1, 2, 4, 8, 16];
/** 2^-54, less the same 2^-29 relative margin the exact check below allows (and more). */
const CLEARLY_ROUNDED = 2 ** -54 * (1 - 2 ** -28);
const INV_POW10: readonly number[] = POW10.map((d) => 1 / d);
/** Dekker's halves of each power of ten in POW10. */
const POW10_HI: readonly number[] = POW10.map((d) => {
  const x = SPLITTER * d;
  return x - (x - d);
});
const POW10_LO: readonly number[] = POW10.map((d, k) => d - POW10_HI[k]!);

/** The exact error of the rounded product p = fl(a * b), by Dekker's splitting (no FMA in JS). */
function twoProductError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}
