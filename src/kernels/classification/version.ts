/**
 * Comparing the framework version a request pinned (`{"version": "2.15"}`) against the release
 * where semantics changed. Only the leading numeric components matter ("0.15.2+cu118" → 0.15.2).
 */
import { LossError } from '../tensor.js';

function parts(version: string): number[] {
  const m = /^\s*v?(\d+(?:\.\d+)*)/.exec(version);
  if (m === null) throw new LossError(`version must start with a release number such as "2.15" or "0.3.3", got ${JSON.stringify(version)}`);
  return m[1]!.split('.').map(Number);
}

/** True when `version` is at or after `release` (missing components count as 0). */
export function versionAtLeast(version: string, release: string): boolean {
  const a = parts(version);
  const b = parts(release);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** True when a pinned Keras version predates Keras 3 (tf.keras up to TF 2.15). */
export function isKeras2(version: string | undefined): boolean {
  return version !== undefined && !versionAtLeast(version, '3');
}
