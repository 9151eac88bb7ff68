// The array readers bundled by esbuild as the extension and the CLI bundle them (with the CSV
// range worker beside them), for the reader suites' child processes, and the environment the product starts its reading processes with.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Bundles `contents` (TypeScript re-exports from the repo root) as the product bundles it. */
export async function bundleModule(outfile, contents) {
  await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning' });
  return outfile;
}

export async function bundleReader(workDir) {
  const outfile = await bundleModule(
    join(workDir, 'arrays-reader.cjs'),
    "export { openArrayFile, readArrays } from './src/data/arrays/index.ts'; export { hugePagesEnvironment } from './src/data/hugePages.ts';",
  );
  // The CSV range worker beside it, as dist/csv-worker.js is beside every product bundle.
  await build({ entryPoints: [join(root, 'src/data/arrays/csv-worker.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: join(workDir, 'csv-worker.js'), logLevel: 'warning' });
  return outfile;
}

/**
 * The environment Loss Lens starts its reading processes with (the editor's worker process and
 * the CLI's reading commands): glibc's huge-page tunable where src/data/hugePages.ts, asked
 * here as it is there, says it helps; `reading` is undefined where it would not be set. `plain`
 * is a Node process as started by default, for comparison.
 */
export function productEnvironments(bundle) {
  const { hugePagesEnvironment } = createRequire(import.meta.url)(bundle);
  const plain = { ...process.env };
  delete plain.GLIBC_TUNABLES;
  return { reading: hugePagesEnvironment(plain), plain };
}
