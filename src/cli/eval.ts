/**
 * `loss-lens eval`: JSON lines in, one JSON line out per request, in order. A bad line gets an
 * error answer and the stream goes on.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { encodeNumber } from '../kernels/codec.js';
import { type EvalAnswer, type TensorAnswer, evaluate, isErrorAnswer } from '../kernels/evaluate.js';

/** The wire form of an answer: float64 data as JSON numbers with NaN/±Infinity as strings. */
export function encodeAnswer(answer: EvalAnswer): string {
  if (isErrorAnswer(answer)) return JSON.stringify({ id: answer.id, error: answer.error });
  const wire: Record<string, unknown> = { id: answer.id, ...encodeTensor(answer) };
  if (answer.grad) wire.grad = encodeTensor(answer.grad);
  if (answer.per_sample) wire.per_sample = encodeTensor(answer.per_sample);
  if (answer.warnings) wire.warnings = answer.warnings;
  return JSON.stringify(wire);
}

function encodeTensor(t: TensorAnswer): { shape: number[]; dtype: 'float64'; data: (number | string)[] } {
  return { shape: t.shape, dtype: 'float64', data: Array.from(t.data, encodeNumber) };
}

/** Answers one line of input (never throws). */
export function answerLine(line: string, lineNumber: number): string {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch (e) {
    return JSON.stringify({ id: null, error: `line ${lineNumber}: invalid JSON: ${(e as Error).message}` });
  }
  return encodeAnswer(evaluate(request as Parameters<typeof evaluate>[0]));
}

export async function runEval(input: Readable, output: Writable): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const text = answerLine(line, lineNumber) + '\n';
    if (!output.write(text)) await new Promise<void>((resolve) => output.once('drain', () => resolve()));
  }
  return 0;
}
