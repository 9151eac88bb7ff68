// Runs the plain-Node unit tests (test/unit/**/*.test.ts) with Node's built-in runner;
// tsx compiles TypeScript on the fly. Extra arguments are passed to `node --test`
// (e.g. --test-name-pattern=parity).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildWasm } from './build-wasm.mjs';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? find(p) : name.endsWith('.test.ts') ? [p] : [];
  });
}

// The kernels import their generated WebAssembly module; make sure it exists and is current.
buildWasm();

const extra = process.argv.slice(2);
const explicit = extra.filter((a) => a.endsWith('.test.ts'));
const files = explicit.length > 0 ? explicit : find('test/unit').sort();
const flags = extra.filter((a) => !a.endsWith('.test.ts'));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...flags, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
