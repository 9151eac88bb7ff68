// Runs the webview tests (test/webview/*.test.ts) in headless Chromium with Node's test runner.
// Needs dist/ built (scripts/test.mjs builds first).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const files = readdirSync('test/webview').filter((f) => f.endsWith('.test.ts')).sort().map((f) => join('test/webview', f));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...process.argv.slice(2), ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
