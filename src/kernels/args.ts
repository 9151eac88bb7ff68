/**
 * Bound, type-checked arguments of one loss call. The binder fills it from the catalog's
 * signature (names, order, defaults); kernels read it through typed accessors so that a wrong
 * argument type surfaces as one clear error naming the argument.
 */
import { LossError, type Tensor } from './tensor.js';

export class Args {
  constructor(
    /** The qualified API name being evaluated (for messages). */
    readonly api: string,
    private readonly values: ReadonlyMap<string, unknown>,
    /** Names the caller passed explicitly (as opposed to defaults). */
    private readonly given: ReadonlySet<string>,
    /**
     * The framework version whose semantics to follow, when the caller pinned one (e.g. smp
     * "0.3.3" for the pre-0.4 Dice formula). Undefined means the reference versions.
     */
    readonly version?: string,
  ) {}

  /** True when the caller passed this argument rather than relying on its default. */
  isGiven(name: string): boolean {
    return this.given.has(name);
  }

  /** True when the API declares this parameter. */
  has(name: string): boolean {
    return this.values.has(name);
  }

  raw(name: string): unknown {
    if (!this.values.has(name)) throw new LossError(`internal: ${this.api} has no parameter '${name}'`);
    return this.values.get(name);
  }

  tensor(name: string): Tensor {
    const v = this.raw(name);
    if (v === null) throw new LossError(`${name} must be a tensor, not None`);
    return v as Tensor;
  }

  optTensor(name: string): Tensor | null {
    return (this.raw(name) as Tensor | null) ?? null;
  }

  number(name: string): number {
    const v = this.raw(name);
    if (typeof v !== 'number') throw new LossError(`${name} must be a number, not ${describe(v)}`);
    return v;
  }

  optNumber(name: string): number | null {
    const v = this.raw(name);
    return v === null ? null : this.number(name);
  }

  int(name: string): number {
    const v = this.number(name);
    if (!Number.isInteger(v)) throw new LossError(`${name} must be an integer, not ${v}`);
    return v;
  }

  optInt(name: string): number | null {
    return this.raw(name) === null ? null : this.int(name);
  }

  bool(name: string): boolean {
    const v = this.raw(name);
    if (typeof v !== 'boolean') throw new LossError(`${name} must be True or False, not ${describe(v)}`);
    return v;
  }

  string(name: string): string {
    const v = this.raw(name);
    if (typeof v !== 'string') throw new LossError(`${name} must be a string, not ${describe(v)}`);
    return v;
  }

  /** An axis argument: an int, a list of ints, or null (all axes). */
  axis(name: string): number | number[] | null {
    return this.raw(name) as number | number[] | null;
  }

  /** A list of numbers (e.g. class weights given as a Python list), or null. */
  numbers(name: string): number[] | null {
    return this.raw(name) as number[] | null;
  }

  /** A tensor or a Python number, or null. */
  tensorOrNumber(name: string): Tensor | number | null {
    return this.raw(name) as Tensor | number | null;
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a tensor';
  return `${typeof v} ${JSON.stringify(v)}`;
}
