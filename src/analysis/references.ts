/**
 * Finds which catalogued loss API a position in Python source refers to: the dotted name or
 * Keras loss string under the cursor, with import aliases resolved (`import torch.nn as nn`,
 * `from torch.nn import functional as F`, `from keras import losses`).
 *
 * A lightweight line-based reader: enough for hovers on names; the linter's full analysis
 * (a real parse) lives elsewhere.
 */
import { lookup } from '../catalog/index.js';
import type { LossEntry } from '../catalog/types.js';

export interface LossReference {
  /** Qualified name after alias resolution, e.g. `torch.nn.CrossEntropyLoss`. */
  qualifiedName: string;
  entry: LossEntry;
  /** Offsets of the referring text in the document. */
  start: number;
  end: number;
}

const IDENT = /[A-Za-z0-9_]/;

/** alias → qualified name, from the module's import statements. */
export function importAliases(source: string): Map<string, string> {
  const aliases = new Map<string, string>();
  // Join parenthesised and backslash-continued import lists onto one line.
  const joined = source.replace(/\(([^)]*)\)/g, (m) => m.replace(/\s*\n\s*/g, ' ')).replace(/\\\n/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    let m = /^import\s+(.+)$/.exec(line);
    if (m) {
      for (const part of m[1]!.split(',')) {
        const [mod, alias] = part.trim().split(/\s+as\s+/);
        if (!mod) continue;
        if (alias) aliases.set(alias.trim(), mod.trim());
        else aliases.set(mod.trim().split('.')[0]!, mod.trim().split('.')[0]!);
      }
      continue;
    }
    m = /^from\s+([\w.]+)\s+import\s+\(?(.+?)\)?$/.exec(line);
    if (m) {
      const mod = m[1]!;
      for (const part of m[2]!.split(',')) {
        const [name, alias] = part.trim().split(/\s+as\s+/);
        if (!name || name === '*') continue;
        aliases.set((alias ?? name).trim(), `${mod}.${name.trim()}`);
      }
    }
  }
  return aliases;
}

/** Expands the first segment of a dotted name through the import aliases. */
export function resolveName(dotted: string, aliases: Map<string, string>): string {
  const [head, ...rest] = dotted.split('.');
  const target = aliases.get(head!);
  return target === undefined ? dotted : [target, ...rest].join('.');
}

/** The catalog entry for a resolved name, trying the common re-export spellings. */
export function lookupQualified(name: string): LossEntry | undefined {
  const candidates = [
    name,
    name.replace(/^tensorflow\./, 'tf.'),
    name.replace(/^tensorflow\.keras\./, 'keras.'),
    name.replace(/^tf\.keras\./, 'keras.'),
    name.replace(/^smp\./, 'segmentation_models_pytorch.'),
  ];
  // Loss-name strings are only meaningful inside compile(loss=...): never match them as names.
  for (const c of candidates) {
    const e = lookup(c);
    if (e !== undefined && e.kind !== 'string') return e;
  }
  return undefined;
}

/** The loss API referred to at `offset`, or undefined. */
export function referenceAt(source: string, offset: number): LossReference | undefined {
  return stringReferenceAt(source, offset) ?? nameReferenceAt(source, offset);
}

function nameReferenceAt(source: string, offset: number): LossReference | undefined {
  const isNameChar = (c: string | undefined) => c !== undefined && (IDENT.test(c) || c === '.');
  if (!isNameChar(source[offset]) && !isNameChar(source[offset - 1])) return undefined;
  let start = offset;
  while (start > 0 && isNameChar(source[start - 1])) start--;
  let end = offset;
  // Extend only to the end of the identifier under the cursor, not further segments.
  while (end < source.length && IDENT.test(source[end]!)) end++;
  const dotted = source.slice(start, end).replace(/^\.+|\.+$/g, '');
  if (dotted === '' || /^\d/.test(dotted)) return undefined;
  const qualifiedName = resolveName(dotted, importAliases(source));
  const entry = lookupQualified(qualifiedName);
  return entry ? { qualifiedName, entry, start, end } : undefined;
}

/** A Keras loss string such as "sparse_categorical_crossentropy" given as `loss=` or to compile(). */
function stringReferenceAt(source: string, offset: number): LossReference | undefined {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = source.indexOf('\n', offset) === -1 ? source.length : source.indexOf('\n', offset);
  const line = source.slice(lineStart, lineEnd);
  const re = /(["'])([A-Za-z_]+)\1/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    const s = lineStart + m.index;
    const e = s + m[0].length;
    if (offset < s || offset > e) continue;
    const before = line.slice(0, m.index);
    if (!/(loss\w*\s*[=:]\s*[\[{(]?[^=]*$)|compile\(/.test(before)) return undefined;
    const entry = lookup(m[2]!);
    return entry?.kind === 'string' ? { qualifiedName: m[2]!, entry, start: s, end: e } : undefined;
  }
  return undefined;
}
