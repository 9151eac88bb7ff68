// Maps stack-trace locations in the compiled integration bundles back to the TypeScript sources.
// The extension host installs its own Error.prepareStackTrace, so Node's --enable-source-maps
// cannot do it there; the runner rewrites the failure text instead, using the inline maps.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;
const cache = new Map();

function sourceMapOf(file) {
  if (!cache.has(file)) {
    let map = null;
    try {
      const match = INLINE_MAP.exec(readFileSync(file, 'utf8'));
      if (match) map = new SourceMap(JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')));
    } catch {
      map = null; // unreadable or malformed map: leave the location as it is
    }
    cache.set(file, map);
  }
  return cache.get(file);
}

/**
 * Rewrites `file.js:line:column` locations inside `compiledDir` to `source.ts:line:column`,
 * relative to `root`. Other locations are left alone.
 */
export function mapStackTrace(text, compiledDir, root) {
  return text.replace(/((?:file:\/\/)?[^\s()]+\.js):(\d+):(\d+)/g, (whole, location, line, column) => {
    let file = location.startsWith('file://') ? fileURLToPath(location) : location;
    if (!isAbsolute(file)) file = resolve(root, file);
    if (relative(compiledDir, file).startsWith('..') || !existsSync(file)) return whole;
    const map = sourceMapOf(file);
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || entry.originalSource === undefined || entry.originalLine === undefined) return whole;
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
    return `${relative(root, source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
