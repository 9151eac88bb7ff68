/**
 * `loss-lens catalog`: what Loss Lens knows about each loss API, from the terminal.
 */
import type { Writable } from 'node:stream';
import { ENTRIES, family, lookup } from '../catalog/index.js';
import { signatureOf } from '../catalog/signature.js';
import type { LossEntry } from '../catalog/types.js';

export function runCatalog(names: string[], options: { json: boolean }, output: Writable): number {
  if (names.length === 0) {
    if (options.json) output.write(JSON.stringify(ENTRIES.map(summaryOf)) + '\n');
    else for (const e of ENTRIES) output.write(`${e.id.padEnd(58)} ${e.kernel.computed ? '✓' : '·'} ${e.summary}\n`);
    return 0;
  }
  let status = 0;
  for (const name of names) {
    const entry = lookup(name);
    if (entry === undefined) {
      process.stderr.write(`loss-lens: '${name}' is not in the catalog\n`);
      status = 1;
      continue;
    }
    output.write(options.json ? JSON.stringify(entry) + '\n' : describeEntry(entry));
  }
  return status;
}

function summaryOf(e: LossEntry) {
  return { id: e.id, framework: e.framework, kind: e.kind, family: e.family, computed: e.kernel.computed, summary: e.summary };
}

function describeEntry(e: LossEntry): string {
  const lines = [
    signatureOf(e),
    `  ${e.summary}`,
    `  family: ${family(e.family)?.title ?? e.family} · tasks: ${e.tasks.join(', ')}`,
    `  input: ${e.inputSwitch ? `${e.inputSwitch.whenTrue} if ${e.inputSwitch.param} else ${e.inputSwitch.whenFalse}` : e.input} · target: ${e.target.join(' | ')}`,
    `  formula: ${e.formula}`,
    ...e.pitfalls.map((p) => `  pitfall: ${p}`),
    ...e.equivalents.map((q) => `  ≈ ${q.api}${q.note ? ` (${q.note})` : ''}`),
    `  kernel: ${e.kernel.computed ? 'computed by Loss Lens' : `not computable: ${e.kernel.reason}`}`,
    `  docs: ${e.docs}`,
    '',
  ];
  return lines.join('\n') + '\n';
}
