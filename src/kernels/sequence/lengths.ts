/**
 * Length and label arguments of the CTC APIs: torch takes `input_lengths` / `target_lengths` as
 * int tensors or as Python lists/tuples of ints; the others take tensors. Values are read as
 * plain numbers once, before the recursion.
 */
import { decodeTensor, isTensorObject } from '../codec.js';
import { LossError, type Tensor, isIntDType, toTensor } from '../tensor.js';

export interface Lengths {
  values: number[];
  /** Given as a tensor (as opposed to a list or tuple of ints). */
  tensor: boolean;
  dtype?: Tensor['dtype'];
}

/** Reads a tensor-or-list-of-ints argument (the binder passes it through unchecked). */
export function readLengths(v: unknown, name: string): Lengths {
  if (Array.isArray(v)) {
    const values = v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x)) throw new LossError(`${name}[${i}] must be an int, not ${JSON.stringify(x)}`);
      return x;
    });
    return { values, tensor: false };
  }
  if (isTensorObject(v)) {
    const t = toTensor(decodeTensor(v, name), name);
    return { values: Array.from(t.data as ArrayLike<number>, Number), tensor: true, dtype: t.dtype };
  }
  throw new LossError(`${name} must be a tensor or a list/tuple of ints, not ${v === null ? 'None' : typeof v}`);
}

/** Reads an integer-valued tensor (labels, lengths) as numbers, truncating floats as a cast to int does. */
export function intValues(t: Tensor): Float64Array {
  const values = new Float64Array(t.size);
  for (let i = 0; i < t.size; i++) values[i] = Math.trunc(t.data[i]!);
  return values;
}

export function requireIntTensor(t: Tensor, what: string): void {
  if (!isIntDType(t.dtype)) throw new LossError(`${what} must be an integer tensor, but its dtype is ${t.dtype}`);
}
