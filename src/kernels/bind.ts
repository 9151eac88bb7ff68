/**
 * Binds a call (`init`, `args`, `kwargs`) to a catalog signature the way Python would:
 * positional then keyword, defaults filled in, unknown or duplicate names rejected with
 * Python's wording, and each value checked against its declared type.
 */
import type { JsonValue, LossEntry, Param } from '../catalog/types.js';
import { Args, describe } from './args.js';
import { decodeNumber, decodeTensor, isTensorObject } from './codec.js';
import { checkKerasReduction } from './reduce.js';
import { LossError, toTensor } from './tensor.js';

export interface CallSpec {
  init?: Record<string, unknown> | null;
  args?: unknown[] | null;
  kwargs?: Record<string, unknown> | null;
  /** Framework version whose semantics to follow where they changed between releases. */
  version?: string | null;
}

export function bindCall(entry: LossEntry, spec: CallSpec): Args {
  const values = new Map<string, unknown>();
  const given = new Set<string>();
  const init = spec.init ?? {};
  const args = spec.args ?? [];
  const kwargs = spec.kwargs ?? {};
  if (!isPlainObject(init)) throw new LossError('init must be an object of constructor arguments');
  if (!Array.isArray(args)) throw new LossError('args must be a list');
  if (!isPlainObject(kwargs)) throw new LossError('kwargs must be an object');

  const initParams = entry.init ?? [];
  const initNames = Object.keys(init);
  if (entry.kind !== 'class' && initNames.length > 0) {
    throw new LossError(`${entry.id} is a ${entry.kind}, not a class: put its arguments in args/kwargs, not init`);
  }
  for (const name of initNames) {
    const p = initParams.find((q) => q.name === name);
    if (p === undefined) throw new LossError(`__init__() got an unexpected keyword argument '${name}'`);
    values.set(name, convert(entry, p, init[name]));
    given.add(name);
  }

  const positional = entry.call.filter((p) => !p.keywordOnly);
  if (args.length > positional.length) {
    throw new LossError(`${callName(entry)}() takes ${positional.length} positional arguments but ${args.length} were given`);
  }
  args.forEach((v, i) => {
    const p = positional[i]!;
    values.set(p.name, convert(entry, p, v));
    given.add(p.name);
  });
  for (const [name, v] of Object.entries(kwargs)) {
    const p = entry.call.find((q) => q.name === name);
    if (p === undefined) throw new LossError(`${callName(entry)}() got an unexpected keyword argument '${name}'`);
    if (given.has(name) && !initNames.includes(name)) {
      throw new LossError(`${callName(entry)}() got multiple values for argument '${name}'`);
    }
    values.set(name, convert(entry, p, v));
    given.add(name);
  }

  for (const p of [...initParams, ...entry.call]) {
    if (values.has(p.name)) continue;
    if (p.default === undefined) {
      throw new LossError(`${callName(entry)}() missing required argument: '${p.name}'`);
    }
    values.set(p.name, p.default);
  }
  applyTorchLegacyReduction(entry, values, given);
  if (spec.version !== undefined && spec.version !== null && typeof spec.version !== 'string') {
    throw new LossError('version must be a string such as "0.3.3"');
  }
  return new Args(entry.id, values, given, spec.version ?? undefined);
}

function callName(entry: LossEntry): string {
  return entry.kind === 'class' ? `${entry.id}.forward` : entry.id;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** Checks one value against its parameter's type and converts wire tensors and numbers. */
function convert(entry: LossEntry, p: Param, v: unknown): unknown {
  if (v === null || v === undefined) {
    if (p.nullable || p.type === 'any') return null;
    throw new LossError(`argument '${p.name}' must be ${typeWord(p)}, not None`);
  }
  if (p.choices !== undefined && !p.choices.includes(v as JsonValue)) {
    if (entry.framework === 'keras' && p.name === 'reduction') checkKerasReduction(v);
    // torch's own wording ("avg is not a valid value for reduction"), with the valid choices.
    const shown = typeof v === 'string' ? v : describe(v);
    throw new LossError(
      `${shown} is not a valid value for ${p.name} (expected one of ${p.choices.map((c) => (c === null ? 'None' : JSON.stringify(c))).join(', ')})`,
    );
  }
  switch (p.type) {
    case 'tensor':
      return toTensor(decodeTensor(v, p.name), p.name);
    case 'tensor-or-number':
      return isTensorObject(v) ? toTensor(decodeTensor(v, p.name), p.name) : number(p, v);
    case 'number':
      return number(p, v);
    case 'int': {
      const n = number(p, v);
      if (!Number.isInteger(n)) throw new LossError(`argument '${p.name}' must be an int, not ${n}`);
      return n;
    }
    case 'bool':
      if (typeof v !== 'boolean') throw new LossError(`argument '${p.name}' must be a bool, not ${describe(v)}`);
      return v;
    case 'string':
      if (typeof v !== 'string') throw new LossError(`argument '${p.name}' must be a string, not ${describe(v)}`);
      return v;
    case 'axis':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return v;
      throw new LossError(`argument '${p.name}' must be an int or a list of ints, not ${describe(v)}`);
    case 'ints':
      if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return v;
      throw new LossError(`argument '${p.name}' must be a list of ints, not ${describe(v)}`);
    case 'numbers':
      if (Array.isArray(v)) return v.map((x, i) => decodeNumber(x, `${p.name}[${i}]`));
      if (isTensorObject(v)) return Array.from(toTensor(decodeTensor(v, p.name), p.name).data as ArrayLike<number>);
      throw new LossError(`argument '${p.name}' must be a list of numbers, not ${describe(v)}`);
    case 'callable':
      throw new LossError(`argument '${p.name}' is a Python callable and cannot be given as data; only its default (None) is computable`);
    case 'any':
      return v;
  }
}

function number(p: Param, v: unknown): number {
  if (typeof v === 'boolean') throw new LossError(`argument '${p.name}' must be a number, not ${describe(v)}`);
  try {
    return decodeNumber(v, p.name);
  } catch {
    throw new LossError(`argument '${p.name}' must be ${typeWord(p)}, not ${describe(v)}`);
  }
}

function typeWord(p: Param): string {
  switch (p.type) {
    case 'tensor':
      return 'a tensor';
    case 'tensor-or-number':
      return 'a tensor or a number';
    case 'number':
      return 'a number';
    case 'int':
      return 'an int';
    case 'bool':
      return 'a bool';
    case 'string':
      return 'a string';
    case 'axis':
      return 'an int or a list of ints';
    case 'ints':
      return 'a list of ints';
    case 'numbers':
      return 'a list of numbers';
    case 'callable':
      return 'a callable';
    case 'any':
      return 'a value';
  }
}

/**
 * torch still honours `size_average` and `reduce` (with a deprecation warning) and maps them
 * onto `reduction` exactly as `torch.nn._reduction.legacy_get_string` does.
 */
function applyTorchLegacyReduction(entry: LossEntry, values: Map<string, unknown>, given: Set<string>): void {
  if (!given.has('size_average') && !given.has('reduce')) return;
  const sizeAverage = values.get('size_average');
  const reduce = values.get('reduce');
  if (sizeAverage === null && reduce === null) return;
  const avg = sizeAverage ?? true;
  const red = reduce ?? true;
  values.set('reduction', avg && red ? 'mean' : red ? 'sum' : 'none');
  if (!entry.call.concat(entry.init ?? []).some((p) => p.name === 'reduction')) {
    throw new LossError(`internal: ${entry.id} declares size_average/reduce without reduction`);
  }
}
