/**
 * From discovered prediction files (src/data/discovery.ts) to predictions/targets pairs.
 *
 * Discovery finds the files by globs; {@link ARRAY_FILE_GLOBS} adds the names of the
 * conventions the pairing understands (`y_pred.csv`, `y_true.npy`, `ground_truth.parquet`,
 * ...) to its defaults, for callers to pass as `predictionGlobs`. {@link pairDiscovered} then
 * proposes, per directory, which file holds the predictions and which the targets, by the
 * same name conventions as {@link readPredictionsAndTargets}: an .npz/.safetensors file (several
 * arrays) stands alone; a predictions-named .npy or table is paired with the targets-named file
 * of its directory sharing most of its name (val_logits with val_labels); a predictions-named
 * table left without a partner stands alone (it may hold both columns). Only names are looked at here: nothing is opened.
 */
import { DEFAULT_PREDICTION_GLOBS, type DiscoveredPrediction } from '../discovery.js';
import { roleScore } from './index.js';

const EXT = '{npy,npz,safetensors,csv,tsv,jsonl,json,parquet}';

/** Discovery's default prediction globs plus the predictions/targets naming conventions. */
export const ARRAY_FILE_GLOBS: readonly string[] = [
  ...DEFAULT_PREDICTION_GLOBS,
  `**/{y_pred,y_true,y_hat,pred,preds,prediction,target,label,ground_truth,gt,probs,probabilities,scores}*.${EXT}`,
  `**/*_{y_pred,y_true,pred,prediction,target,label,ground_truth,gt,probs,probabilities,scores}.${EXT}`,
];

export interface DiscoveredPair {
  /** Directory (relative to the folder searched) the files are in. */
  group: string;
  /** One file: it holds both. Two: predictions, then targets. */
  files: [string] | [string, string];
}

/** Pairs discovered files by name, per directory (see the module comment). Files left unpaired are not returned. */
export function pairDiscovered(found: readonly DiscoveredPrediction[]): DiscoveredPair[] {
  const byGroup = new Map<string, DiscoveredPrediction[]>();
  for (const f of found) {
    const list = byGroup.get(f.group) ?? [];
    list.push(f);
    byGroup.set(f.group, list);
  }
  const pairs: DiscoveredPair[] = [];
  for (const [group, files] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
    // .npz/.safetensors hold several arrays: they stand alone. A name's role is the one it
    // matches better (y_pred matches predictions exactly and targets only through 'y').
    const single = sorted.filter((f) => f.format !== 'npz' && f.format !== 'safetensors');
    const role = (f: DiscoveredPrediction): 'predictions' | 'targets' | undefined => {
      const p = roleScore(f.name, 'predictions');
      const t = roleScore(f.name, 'targets');
      return p > t ? 'predictions' : t > p ? 'targets' : undefined;
    };
    const preds = single.filter((f) => role(f) === 'predictions');
    const targets = single.filter((f) => role(f) === 'targets');
    const used = new Set<DiscoveredPrediction>();
    for (const p of preds) {
      // The targets file sharing the most of the predictions file's name (val_preds / val_labels).
      let best: DiscoveredPrediction | undefined;
      let bestShared = -1;
      for (const t of targets) {
        if (used.has(t)) continue;
        const shared = sharedPrefix(p.name, t.name);
        if (shared > bestShared) {
          best = t;
          bestShared = shared;
        }
      }
      if (best === undefined) continue;
      used.add(p);
      used.add(best);
      pairs.push({ group, files: [p.path, best.path] });
    }
    // Multi-array files not taken by a pair may hold both (predictions.npz, eval.parquet).
    for (const f of sorted) {
      if (used.has(f)) continue;
      if (f.format === 'npz' || f.format === 'safetensors' || (role(f) === 'predictions' && f.format !== 'npy')) pairs.push({ group, files: [f.path] });
    }
  }
  return pairs;
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
