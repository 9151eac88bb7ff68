/**
 * Which columns of a JSON text were written as floats. JSON.parse gives `1.0` and `1` the same
 * number, but a column written `1.0, 0.0, …` is a float column (pandas.read_json and numpy read it
 * as float64, and a loss must not take it for class indices), so the readers look at the tokens:
 * a number token holding `.`, `e` or `E` is a float. Python's NaN / Infinity are floats too.
 *
 * One pass over the text, outside strings, tracking container depth and the current key at the
 * depth whose keys name columns.
 */

export interface FloatTokens {
  /** Keys (at the column depth) under which some number token is a float. */
  keys: Set<string>;
  /** True if any number token in the text is a float. */
  any: boolean;
}

/** True when the text may hold a float token at all (a cheap filter before {@link floatTokens}). */
export function mayHoldFloat(text: string): boolean {
  return /[0-9][.eE]|NaN|Infinity/.test(text);
}

/**
 * Scans `text` (valid JSON, possibly with Python's non-finite tokens). `keyDepth` is the nesting
 * level of the objects whose keys are column names: 1 for a record or an object of columns, 2 for
 * a list of records.
 */
export function floatTokens(text: string, keyDepth: number): FloatTokens {
  const keys = new Set<string>();
  let any = false;
  // Kind of each open container: 1 object, 2 array. depth = containers open.
  const kinds: number[] = [];
  let key: string | undefined;
  /** In an object at the column depth, the next string is a key. */
  let expectKey = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let escaped = false;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i += 2;
          continue;
        }
        if (d === 0x22) break;
        i++;
      }
      if (expectKey && kinds.length === keyDepth) {
        const raw = text.slice(start, i);
        key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        expectKey = false;
      }
      i++;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      kinds.push(c === 0x7b ? 1 : 2);
      if (c === 0x7b && kinds.length === keyDepth) expectKey = true;
      i++;
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      kinds.pop();
      if (kinds.length < keyDepth) key = undefined;
      i++;
      continue;
    }
    if (c === 0x2c /* , */) {
      if (kinds.length === keyDepth && kinds[kinds.length - 1] === 1) expectKey = true;
      i++;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39) || c === 0x4e /* N */ || c === 0x49 /* I */) {
      let float = c === 0x4e || c === 0x49;
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x2e || d === 0x65 || d === 0x45) float = true;
        else if (!((d >= 0x30 && d <= 0x39) || d === 0x2b || d === 0x2d || (d >= 0x41 && d <= 0x5a) || (d >= 0x61 && d <= 0x7a))) break;
        i++;
      }
      // -Infinity, and letters inside true/false/null never reach here (they start with t/f/n).
      if (text.charCodeAt(start) === 0x2d && text.charCodeAt(start + 1) === 0x49) float = true;
      if (float) {
        any = true;
        if (key !== undefined && kinds.length >= keyDepth) keys.add(key);
      }
      continue;
    }
    i++;
  }
  return { keys, any };
}
