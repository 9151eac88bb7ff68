/**
 * Python-style signatures of catalog entries, as users would write the call.
 */
import type { LossEntry, Param } from './types.js';

/** A JSON default shown the way Python writes it. */
export function pythonValue(v: unknown): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pythonValue).join(', ')}]`;
  return JSON.stringify(v);
}

function formatParams(params: readonly Param[]): string {
  const parts: string[] = [];
  let starred = false;
  for (const p of params) {
    if (p.keywordOnly && !starred) {
      parts.push('*');
      starred = true;
    }
    parts.push(p.default === undefined ? p.name : `${p.name}=${pythonValue(p.default)}`);
  }
  return parts.join(', ');
}

/** `torch.nn.MSELoss(reduction='mean')(input, target)`, `optax.losses.l2_loss(predictions, targets=None)`, ... */
export function signatureOf(e: LossEntry): string {
  if (e.kind === 'string') return `model.compile(loss=${JSON.stringify(e.id)})  # called as loss(${formatParams(e.call)})`;
  const call = `(${formatParams(e.call)})`;
  return e.kind === 'class' ? `${e.id}(${formatParams(e.init ?? [])})${call}` : `${e.id}${call}`;
}
