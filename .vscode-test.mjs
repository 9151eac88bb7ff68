// @vscode/test-cli configuration: runs the integration suite (test/integration) in desktop VS Code
// downloaded by @vscode/test-electron, on machines that can download it:
//
//   npx vscode-test                    both configurations below
//   npx vscode-test --label newest     only the newest stable VS Code
//   npx vscode-test --label oldest     only the oldest VS Code that package.json supports
//
// On machines without that download (CI here), `npm test` runs the same compiled suite in
// code-server instead: node scripts/vscode/run-integration.mjs. Under test-cli the tests that
// need the runner's window bridge (screenshots, webview DOM) skip themselves.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { defineConfig } from '@vscode/test-cli';
import { buildIntegrationTests, MOCHA_OPTIONS_FILE } from './scripts/vscode/buildTests.mjs';

// vscode-test runs compiled JavaScript only: build the extension and the suite before it starts.
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
await buildIntegrationTests();

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const oldestSupported = manifest.engines.vscode.replace(/^\^/, '');

const common = {
  // activation.test.js first: it checks that nothing activated the extension before a Python
  // file opened (test/integration/index.ts loads it first too).
  files: ['.vscode-test/out/integration/activation.test.js', '.vscode-test/out/integration/**/*.test.js'],
  workspaceFolder: './examples',
  mocha: JSON.parse(readFileSync(MOCHA_OPTIONS_FILE, 'utf8')),
  // Only the extension under test: no other installed extension can change what the tests see.
  launchArgs: ['--disable-extensions'],
};

export default defineConfig([
  { ...common, label: 'newest', version: 'stable' },
  { ...common, label: 'oldest', version: oldestSupported },
]);
