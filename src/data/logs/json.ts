/**
 * JSON as Python writes it: `json.dumps` emits bare `NaN`, `Infinity` and `-Infinity` for
 * non-finite floats (allow_nan=True is the default), which JSON.parse rejects. A diverged
 * run is exactly when those appear, so the readers must accept them.
 *
 * Fast path: JSON.parse. Only when the text contains one of those tokens outside strings are
 * they rewritten to marker strings, parsed, and revived as numbers. Syntax errors are
 * located (line and column) by a validating scan of the original text.
 */

const MARK = '\u0000py:';
const TOKENS = [
  ['-Infinity', -Infinity],
  ['Infinity', Infinity],
  ['NaN', NaN],
] as const;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based line and column in the original text, when known. */
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Parses JSON that may contain Python's non-finite number tokens. Throws {@link JsonSyntaxError}. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const { rewritten, tokens } = rewriteTokens(text);
    if (tokens === 0) throw syntaxError(text);
    try {
      return JSON.parse(rewritten, (_key, value: unknown) => {
        if (typeof value === 'string' && value.startsWith(MARK)) {
          const name = value.slice(MARK.length);
          for (const [token, number] of TOKENS) if (token === name) return number;
        }
        return value;
      });
    } catch {
      throw syntaxError(text);
    }
  }
}

function rewriteTokens(text: string): { rewritten: string; tokens: number } {
  const parts: string[] = [];
  let tokens = 0;
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string, honouring backslash escapes.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === 0x4e || c === 0x49 || c === 0x2d) {
      const token = TOKENS.find(([t]) => text.startsWith(t, i) && !isIdentChar(text.charCodeAt(i + t.length)) && !isIdentChar(text.charCodeAt(i - 1)));
      if (token !== undefined) {
        const replacement = JSON.stringify(MARK + token[0]);
        parts.push(text.slice(last, i), replacement);
        tokens++;
        i += token[0].length;
        last = i;
        continue;
      }
    }
    i++;
  }
  parts.push(text.slice(last));
  return { rewritten: parts.join(''), tokens };
}

function isIdentChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e;
}

function syntaxError(original: string): JsonSyntaxError {
  // V8's messages do not always give a position (and would quote the rewritten text), so the
  // error is located by a small validating scan of the original text.
  const { pos, problem } = locateJsonError(original);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos; i++) {
    if (original.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return new JsonSyntaxError(`invalid JSON: ${problem}`, line, pos - lineStart + 1);
}

/**
 * Finds the first syntax error of `text` (JSON plus NaN/Infinity/-Infinity). Iterative, so
 * deeply nested hostile input cannot overflow the stack.
 */
export function locateJsonError(text: string): { pos: number; problem: string } {
  const n = text.length;
  let i = 0;
  const stack: number[] = []; // 0x7b '{' or 0x5b '['
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const fail = (problem: string): { pos: number; problem: string } => ({ pos: i, problem: i >= n ? 'unexpected end of JSON (file cut short?)' : problem });
  const describe = (): string => `unexpected character '${text[i]}'`;
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else if (c < 0x20) return false;
      else i++;
    }
    return false;
  };
  const scalar = (): boolean => {
    for (const t of ['true', 'false', 'null', 'NaN', 'Infinity', '-Infinity']) {
      if (text.startsWith(t, i)) {
        i += t.length;
        return true;
      }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0] === '' || m[0] === '-') return false;
    i += m[0].length;
    return true;
  };
  // Expecting a value; after it, a separator or a closing bracket.
  for (;;) {
    ws();
    if (i >= n) return fail('');
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      stack.push(c);
      i++;
      ws();
      if (text.charCodeAt(i) === (c === 0x7b ? 0x7d : 0x5d)) {
        stack.pop();
        i++;
      } else {
        if (c === 0x7b) {
          const problem = keyThenColon();
          if (problem) return fail(problem);
        }
        continue;
      }
    } else if (c === 0x22) {
      if (!string()) return fail('bad string');
    } else if (!scalar()) return fail(describe());
    // After a value: close brackets or a comma.
    for (;;) {
      ws();
      if (stack.length === 0) {
        return i < n ? fail(`unexpected text after the end of the JSON value: ${describe()}`) : { pos: n, problem: 'no error found' };
      }
      const top = stack[stack.length - 1]!;
      const d = text.charCodeAt(i);
      if (d === 0x2c) {
        i++;
        if (top === 0x7b) {
          ws();
          const problem = keyThenColon();
          if (problem) return fail(problem);
        }
        break;
      }
      if (d === (top === 0x7b ? 0x7d : 0x5d)) {
        stack.pop();
        i++;
        continue;
      }
      return fail(top === 0x7b ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }

  /** Reads `"key":`; returns what is wrong, or undefined. */
  function keyThenColon(): string | undefined {
    if (text.charCodeAt(i) !== 0x22) return 'expected a quoted key';
    if (!string()) return 'bad string';
    ws();
    if (text.charCodeAt(i) !== 0x3a) return "expected ':' after the key";
    i++;
    return undefined;
  }
}
