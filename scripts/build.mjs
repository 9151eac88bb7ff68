// Builds one bundle per runtime into dist/ with esbuild. esbuild does not type-check:
// `npm run typecheck` (tsc --noEmit) is its own step.
//   node scripts/build.mjs           build once
//   node scripts/build.mjs --watch   rebuild on change
//   node scripts/build.mjs --prod    minify, no source maps
import { context, build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWasm } from './build-wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const prod = process.argv.includes('--prod');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !prod,
  minify: prod,
  external: ['vscode'],
  logLevel: 'warning',
};

/** Entry point (relative to the repo) → output file in dist/. Entries that do not exist yet are skipped. */
const bundles = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['src/worker/worker.ts'], outfile: 'dist/worker.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  // The CSV range worker, started by the readers of every bundle above from beside it.
  { ...node, entryPoints: ['src/data/arrays/csv-worker.ts'], outfile: 'dist/csv-worker.js' },
  { ...node, entryPoints: ['src/kernels/index.ts'], outfile: 'dist/kernels.js' },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !prod,
    minify: prod,
    logLevel: 'warning',
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
  },
].filter((b) => existsSync(join(root, b.entryPoints[0])));

/** Files copied verbatim into dist/ (stylesheets, sql.js' WebAssembly). */
function copyAssets() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const assets = [
    ['webview/style.css', 'dist/webview.css'],
    // SQLite as WebAssembly for reading MLflow's mlflow.db (src/data/logs/mlflow.ts loads it from dist/).
    ['node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm'],
  ];
  for (const [from, to] of assets) if (existsSync(join(root, from))) copyFileSync(join(root, from), join(root, to));
}

// The kernels embed their WebAssembly (compiled from AssemblyScript) as a generated module.
buildWasm();

const absolute = (b) => ({ ...b, entryPoints: b.entryPoints.map((e) => join(root, e)), outfile: join(root, b.outfile) });

if (watch) {
  copyAssets();
  for (const b of bundles) (await context(absolute(b))).watch();
  console.log(`watching ${bundles.length} bundles`);
} else {
  await Promise.all(bundles.map((b) => build(absolute(b))));
  copyAssets();
  if (existsSync(join(root, 'dist/cli.js'))) chmodSync(join(root, 'dist/cli.js'), 0o755);
  console.log(`built ${bundles.map((b) => b.outfile).join(', ')}`);
}
