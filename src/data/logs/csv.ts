/**
 * CSV records as Python's csv module writes them (the writer behind Lightning's and Keras's
 * CSVLogger): fields separated by one delimiter character, quoted with `"` when they contain
 * the delimiter, a quote or a newline, quotes doubled inside quoted fields.
 *
 * Hand-written rather than papaparse/csv-parse because the log readers consume a growing file
 * line by line, carry their own line numbers into error messages and never need the
 * libraries' type inference; a record is a few dozen short fields.
 */

/** True when `line` ends inside a quoted field (the record continues on the next line). */
export function hasOpenQuote(line: string): boolean {
  let open = false;
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 0x22) open = !open;
  return open;
}

/** Splits one record into fields. Quotes are removed; a malformed quote is kept as text. */
export function splitRecord(record: string, delimiter: string): string[] {
  const fields: string[] = [];
  const d = delimiter.charCodeAt(0);
  let i = 0;
  const n = record.length;
  for (;;) {
    if (i < n && record.charCodeAt(i) === 0x22) {
      // Quoted field: up to the closing quote not followed by another.
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = record.indexOf('"', j);
        if (q < 0) {
          value += record.slice(j);
          j = n;
          break;
        }
        value += record.slice(j, q);
        if (record.charCodeAt(q + 1) === 0x22) {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      // Text between the closing quote and the delimiter is kept, as Python's reader does.
      let k = j;
      while (k < n && record.charCodeAt(k) !== d) k++;
      fields.push(value + record.slice(j, k));
      if (k >= n) return fields;
      i = k + 1;
    } else {
      let k = i;
      while (k < n && record.charCodeAt(k) !== d) k++;
      fields.push(record.slice(i, k));
      if (k >= n) return fields;
      i = k + 1;
    }
  }
}

/** The delimiter of a header line: the most frequent of `,` tab `;` `|` outside quotes (`,` when none). */
export function sniffDelimiter(header: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === '\t' || ch === ';' || ch === '|')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const [ch, c] of counts) {
    if (c > bestCount) {
      best = ch;
      bestCount = c;
    }
  }
  return best;
}
