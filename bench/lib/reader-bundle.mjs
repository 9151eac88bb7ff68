// The array readers bundled by esbuild as the extension and the CLI bundle them (with the CSV
// range worker beside them), for the reader suites' child processes, and the environment the product starts its reading processes with.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function bundleReader(workDir) {
  const outfile = join(workDir, 'arrays-reader.cjs');
  await build({
    stdin: {
      contents: "export { openArrayFile, readArrays } from './src/data/arrays/index.ts'; export { hugePagesEnvironment } from './src/data/hugePages.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  // The CSV range worker beside it, as dist/csv-worker.js is beside every product bundle.
  await build({ entryPoints: [join(root, 'src/data/arrays/csv-worker.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: join(workDir, 'csv-worker.js'), logLevel: 'warning' });
  return outfile;
}

/**
 * The two environments a reader runs under in the product: the CLI's reading commands
 * (`arrays --stats`, `curves`) start a process with glibc's huge-page tunable where that helps
 * (src/data/hugePages.ts decides, as here); the editor's worker thread lives in the extension
 * host, whose environment is VS Code's. `cli` is undefined when the CLI would not re-execute.
 */
export function productEnvironments(bundle) {
  const { hugePagesEnvironment } = createRequire(import.meta.url)(bundle);
  const base = { ...process.env };
  delete base.GLIBC_TUNABLES;
  return { cli: hugePagesEnvironment(base), plain: base };
}
