// Compiles the integration suite (test/integration/**/*.ts) for the extension host: one CommonJS
// bundle per test file plus index.js (the code-server entry), with `vscode` and `mocha` left to
// be required at run time (VS Code provides the first; the second comes from node_modules, the
// same copy @vscode/test-cli uses). Output: .vscode-test/out/integration/.
//
//   node scripts/vscode/buildTests.mjs
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CACHE_DIR, REPO_ROOT } from './install.mjs';

export const TESTS_SOURCE_DIR = join(REPO_ROOT, 'test', 'integration');
export const TESTS_OUT_DIR = join(CACHE_DIR, 'out', 'integration');
/** The compiled entry VS Code runs (`extensionTestsPath`). */
export const TESTS_ENTRY = join(TESTS_OUT_DIR, 'index.js');
/** The results reporter as a mocha reporter module (for @vscode/test-cli's runner). */
export const TESTS_REPORTER = join(TESTS_OUT_DIR, 'mochaReporter.js');
/** Mocha options shared by every runner of the suite. */
export const MOCHA_OPTIONS_FILE = join(TESTS_SOURCE_DIR, 'mochaOptions.json');

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'support' ? [] : testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Bundles the suite; returns the list of compiled test files. */
export async function buildIntegrationTests() {
  const entries = [join(TESTS_SOURCE_DIR, 'index.ts'), ...testFiles(TESTS_SOURCE_DIR).sort()];
  rmSync(TESTS_OUT_DIR, { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Inline source maps: the runner maps failures back to the TypeScript lines.
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  };
  await build({ ...common, entryPoints: entries, outdir: TESTS_OUT_DIR, outbase: TESTS_SOURCE_DIR });
  // mocha loads a reporter with require() and expects the class itself as module.exports.
  await build({
    ...common,
    entryPoints: [join(TESTS_SOURCE_DIR, 'support', 'mochaReporter.ts')],
    outfile: TESTS_REPORTER,
    footer: { js: 'module.exports = module.exports.default;' },
  });
  return entries.slice(1).map((e) => join(TESTS_OUT_DIR, relative(TESTS_SOURCE_DIR, e).replace(/\.ts$/, '.js')));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await buildIntegrationTests();
  console.log(`built ${files.length} integration test file(s) into ${relative(REPO_ROOT, TESTS_OUT_DIR)}`);
}
