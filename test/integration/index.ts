/**
 * Entry of the integration suite inside the extension host (the `extensionTestsPath` that the
 * code-server runner passes in the workbench URL). VS Code calls `run()`; it runs every
 * `*.test.js` bundle next to this file with mocha and reports through the results file.
 * Under @vscode/test-cli this file is not used: test-cli brings its own mocha runner and loads
 * the same `*.test.js` bundles (see .vscode-test.mjs).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import mochaOptions from './mochaOptions.json';
import { GREP_VARIABLE, RESULTS_FILE_VARIABLE } from './support/protocol.js';
import { resultsReporter, writeResult } from './support/resultsReporter.js';

/**
 * Loaded before every other file: it checks that nothing activated the extension before a
 * Python file opened. .vscode-test.mjs lists it first for the same reason.
 */
const FIRST = 'activation.test.js';

/** Every compiled test bundle under `dir`, in a stable order. */
function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.js') ? [path] : [];
    });
}

export async function run(): Promise<void> {
  // Stack traces of failures then name the TypeScript source lines (the bundles carry inline maps).
  process.setSourceMapsEnabled(true);
  const resultsFile = process.env[RESULTS_FILE_VARIABLE];
  const grep = process.env[GREP_VARIABLE];
  const mocha = new Mocha({
    // Shared with .vscode-test.mjs: tdd interface, generous timeouts for a cold extension host.
    ...(mochaOptions as Mocha.MochaOptions),
    color: false,
    reporter: resultsFile ? resultsReporter(resultsFile) : 'spec',
    ...(grep ? { grep } : {}),
  });
  try {
    const files = testFiles(__dirname).sort((a, b) => Number(b.endsWith(`/${FIRST}`)) - Number(a.endsWith(`/${FIRST}`)));
    if (files.length === 0) throw new Error(`no *.test.js files in ${__dirname}`);
    for (const f of files) mocha.addFile(f);
    await mocha.loadFilesAsync();
  } catch (e) {
    // A suite that cannot even load must still end the run with a clear message.
    if (resultsFile) writeResult(resultsFile, { type: 'error', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    throw e;
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`);
}
