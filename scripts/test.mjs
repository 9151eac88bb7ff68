// `npm test`: every test, from a fresh clone. Installs what it needs (npm packages, Debian
// packages such as chromium, the VS Code server used for integration tests), then runs:
// type-check, build, unit tests, webview tests in headless Chromium, and the integration suite
// inside a real VS Code (code-server). Exits non-zero if any step fails.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { ensureDebianPackages } from './system-deps.mjs';

const started = Date.now();
const results = [];

function run(name, command, args, options = {}) {
  const t0 = Date.now();
  process.stderr.write(`\n=== ${name}: ${[command, ...args].join(' ')}\n`);
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  const ok = r.status === 0;
  results.push({ name, ok, seconds: (Date.now() - t0) / 1000 });
  if (!ok) process.stderr.write(`=== ${name} FAILED (exit ${r.status ?? r.signal})\n`);
  return ok;
}

/** Debian's Python (numpy) runs the example generator; fall back to whatever python3 is on PATH. */
function pythonWithNumpy() {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** npm ci when node_modules is missing or older than the lock file. */
function ensureNpmPackages() {
  const marker = 'node_modules/.package-lock.json';
  const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
  if (!stale) return true;
  return run('npm packages', 'npm', ['ci', '--no-audit', '--no-fund']);
}

const steps = [
  () => ensureNpmPackages(),
  () => {
    try {
      ensureDebianPackages(['chromium', 'ripgrep', 'libkrb5-dev', 'python3-numpy']);
      return true;
    } catch (e) {
      process.stderr.write(`${e.message}\n`);
      results.push({ name: 'Debian packages', ok: false, seconds: 0 });
      return false;
    }
  },
  // The kernels' WebAssembly is a generated module that the type-check already needs.
  () => run('WebAssembly kernels', process.execPath, ['scripts/build-wasm.mjs']),
  () => run('type-check', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']),
  () => run('build', process.execPath, ['scripts/build.mjs']),
  () => run('unit tests', process.execPath, ['scripts/run-unit-tests.mjs']),
  () => run('webview tests', process.execPath, ['scripts/run-webview-tests.mjs']),
  () => run('log fixtures are what their generator makes', pythonWithNumpy(), ['scripts/fixtures/logs/make_log_fixtures.py', '--check']),
  () => run('demo workspace is what its generator makes', pythonWithNumpy(), ['scripts/examples/make-examples.py', '--check']),
  () => run('integration tests (code-server) and demo screenshots', process.execPath, ['scripts/vscode/run-integration.mjs', '--no-build']),
];

// Installation and build failures stop the run; test failures let the other suites still report.
const gating = 5;
let failed = false;
for (const [i, step] of steps.entries()) {
  const ok = step();
  if (!ok) {
    failed = true;
    if (i < gating) break;
  }
}

process.stderr.write('\n=== summary\n');
for (const r of results) process.stderr.write(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name} (${r.seconds.toFixed(1)} s)\n`);
process.stderr.write(`total ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(failed ? 1 : 0);
