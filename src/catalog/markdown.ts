/**
 * Markdown documentation of a catalog entry, for hovers and the catalog panel's text export.
 */
import { family } from './index.js';
import { signatureOf } from './signature.js';
import type { LossEntry } from './types.js';

export function inputDescription(e: LossEntry): string {
  if (!e.inputSwitch) return e.input;
  const s = e.inputSwitch;
  return `${s.whenTrue} when \`${s.param}=True\`, ${s.whenFalse} when \`${s.param}=False\``;
}

/** Escapes characters Markdown would interpret in prose taken from the catalog. */
function md(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

export function entryMarkdown(e: LossEntry, options: { compact?: boolean } = {}): string {
  const out: string[] = [];
  out.push('```python', signatureOf(e), '```', '');
  out.push(`**${md(e.summary)}**`, '');
  out.push(`\`${e.formula.replace(/`/g, "'")}\``, '');
  out.push(`*Input:* ${md(inputDescription(e))} · *Target:* ${md(e.target.join(' | '))} · *Tasks:* ${md(e.tasks.join(', '))}`, '');
  out.push(md(e.intuition), '');
  if (!options.compact) {
    out.push(`**Use it when** ${md(e.useWhen)}`, '');
    out.push(`**Avoid it when** ${md(e.avoidWhen)}`, '');
  }
  if (e.pitfalls.length > 0) {
    out.push('**Pitfalls**', '');
    for (const p of options.compact ? e.pitfalls.slice(0, 3) : e.pitfalls) out.push(`- ${md(p)}`);
    out.push('');
  }
  if (e.equivalents.length > 0) {
    out.push('**Equivalents**', '');
    for (const q of e.equivalents) out.push(`- \`${q.api}\`${q.note ? ` — ${md(q.note)}` : ''}`);
    out.push('');
  }
  const fam = family(e.family);
  const kernel = e.kernel.computed ? 'computed exactly by Loss Lens' : `not computable by Loss Lens: ${md(e.kernel.reason)}`;
  out.push(`${fam ? `Family: ${md(fam.title)} · ` : ''}${kernel} · [documentation](${e.docs})`);
  return out.join('\n');
}
