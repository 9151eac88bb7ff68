// Runs the integration suite (test/integration) inside a real VS Code: code-server 4.100.3
// (VS Code 1.100.3, Node extension host) shown in headless Chromium, then checks that
// `npm run demo -- --screenshots` produces real pictures. Installs what is missing first.
//
//   node scripts/vscode/run-integration.mjs [--grep PATTERN] [--timeout SECONDS] [--no-demo] [--no-build] [--keep]
//                                           [--runner own|test-cli]
//
// --runner test-cli runs the same compiled suite through @vscode/test-cli's own mocha runner
// (the one `npx vscode-test` uses with .vscode-test.mjs), to check the suite works there too.
//
// Prints each test as it finishes and ends with the line `N passed, N failed`; exits 1 if
// anything failed or timed out. code-server, Chromium and everything they started are stopped on
// every way out (success, failure, timeout, Ctrl-C, SIGTERM). Screenshots are kept in
// test-results/integration/; --keep also keeps the run folder (user data, code-server.log).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { serveBridge } from './bridge.mjs';
import { buildIntegrationTests, MOCHA_OPTIONS_FILE, TESTS_ENTRY, TESTS_OUT_DIR, TESTS_REPORTER } from './buildTests.mjs';
import { startCodeServer } from './codeServer.mjs';
import { buildExtension, DEMO_WORKSPACE } from './demoViews.mjs';
import { CODE_SERVER_VERSION, ensureCodeServer, REPO_ROOT, VSCODE_VERSION } from './install.mjs';
import { cleanupOnExit, killNow, newRunToken, spawnGroup, stopGroup, tokenEnvironment } from './processes.mjs';
import { blankReason, describeStats, screenshotStats } from './screenshots.mjs';
import { mapStackTrace } from './sourceMaps.mjs';
import { closeBrowser, openBrowser, waitForWorkbench } from './workbench.mjs';

const USAGE = 'usage: node scripts/vscode/run-integration.mjs [--grep PATTERN] [--timeout SECONDS] [--no-demo] [--no-build] [--keep] [--runner own|test-cli]';
let options;
try {
  ({ values: options } = parseArgs({
    options: {
      grep: { type: 'string' },
      timeout: { type: 'string', default: '300' },
      'no-demo': { type: 'boolean', default: false },
      // Use dist/ as it is (it must have been built); the suite itself is always compiled.
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      runner: { type: 'string', default: 'own' },
    },
  }));
} catch (e) {
  process.stderr.write(`${e.message}\n${USAGE}\n`);
  process.exit(2);
}
if (!['own', 'test-cli'].includes(options.runner)) {
  process.stderr.write(`--runner must be "own" or "test-cli", not "${options.runner}"\n`);
  process.exit(2);
}
const timeoutMs = Number(options.timeout) * 1000;
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
  process.stderr.write(`--timeout must be a positive number of seconds, not "${options.timeout}"\n`);
  process.exit(2);
}

const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'integration');
const SUITE_START_TIMEOUT_MS = 120_000;
const DEMO_TIMEOUT_MS = 180_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (line) => process.stdout.write(`${line}\n`);
const indent = (text, prefix = '      ') => text.split('\n').map((l) => prefix + l).join('\n');

const tally = { passed: 0, failed: 0, skipped: 0 };
function report(outcome, title, detail) {
  // After Ctrl-C / SIGTERM, errors from the shutdown itself (a closed page, a killed server)
  // are not test results; only the interruption is reported.
  if (interrupted()) return;
  if (outcome === 'pass') {
    tally.passed++;
    say(`  ✓ ${title}${detail ? ` (${detail})` : ''}`);
  } else if (outcome === 'skip') {
    tally.skipped++;
    say(`  - ${title} (skipped)`);
  } else {
    tally.failed++;
    say(`  ✗ ${title}`);
    if (detail) say(indent(detail));
  }
}

const token = newRunToken();
const runDir = mkdtempSync(join(tmpdir(), 'loss-lens-integration-'));
let server;
let browser;
let bridge;
let demo;

function closingLine() {
  say(`${tally.passed} passed, ${tally.failed} failed${tally.skipped > 0 ? `, ${tally.skipped} skipped` : ''}`);
}

const { cleanup, interrupted } = cleanupOnExit(
  async () => {
    await bridge?.stop();
    await closeBrowser(browser);
    await server?.stop();
    if (demo) await stopGroup(demo.pid, token, 10_000);
    if (!options.keep) rmSync(runDir, { recursive: true, force: true });
  },
  () => killNow([server?.pid, demo?.pid].filter(Boolean), token),
  (signal) => {
    tally.failed++;
    say(`  ✗ interrupted by ${signal}`);
    closingLine();
  },
);

/** Reads the JSON lines appended to `file` since `offset`. */
function readEvents(file, offset) {
  if (!existsSync(file)) return { events: [], offset };
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1; // only complete lines
  const events = text
    .slice(offset, end)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  return { events, offset: end };
}

/**
 * The extension host's test entry and its extra environment: our index.js, or @vscode/test-cli's
 * runner configured the way `vscode-test` configures it (VSCODE_TEST_OPTIONS).
 */
function testEntry(testFiles) {
  if (options.runner === 'own') return { extensionTestsPath: TESTS_ENTRY, env: {} };
  const require = createRequire(import.meta.url);
  const mochaOpts = { ...JSON.parse(readFileSync(MOCHA_OPTIONS_FILE, 'utf8')), reporter: TESTS_REPORTER, ...(options.grep ? { grep: options.grep } : {}) };
  return {
    // Not an exported subpath of the package, so it is located from the package's main file.
    extensionTestsPath: join(dirname(require.resolve('@vscode/test-cli')), 'runner.cjs'),
    env: { VSCODE_TEST_OPTIONS: JSON.stringify({ mochaOpts, files: testFiles, preload: [], colorDefault: false }) },
  };
}

/** Starts code-server and the browser, runs the suite, reports each test. */
async function runSuite(testFiles) {
  const resultsFile = join(runDir, 'results.jsonl');
  const bridgeDir = join(runDir, 'bridge');
  mkdirSync(bridgeDir, { recursive: true });
  const entry = testEntry(testFiles);
  const env = {
    LOSS_LENS_TEST_RESULTS: resultsFile,
    LOSS_LENS_TEST_BRIDGE: bridgeDir,
    ...(options.grep ? { LOSS_LENS_TEST_GREP: options.grep } : {}),
    ...entry.env,
  };
  server = await startCodeServer({ workspace: DEMO_WORKSPACE, runDir, token, env });
  say(`integration suite: code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) on ${server.origin}, workspace ${relative(REPO_ROOT, DEMO_WORKSPACE)}/, ${options.runner === 'own' ? 'mocha via test/integration/index.ts' : "@vscode/test-cli's mocha runner"}`);
  const opened = await openBrowser({ token });
  browser = opened.browser;
  const { page, consoleErrors } = opened;
  bridge = serveBridge({ dir: bridgeDir, page, screenshotsDir: RESULTS_DIR, consoleErrors });
  await page.goto(server.workbenchUrl({ extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: entry.extensionTestsPath }));
  await waitForWorkbench(page);

  const started = Date.now();
  let offset = 0;
  let sawStart = false;
  let running;
  for (;;) {
    if (interrupted()) return;
    const batch = readEvents(resultsFile, offset);
    offset = batch.offset;
    for (const event of batch.events) {
      if (event.type === 'start') sawStart = true;
      else if (event.type === 'begin') running = event.title;
      else if (event.type === 'pass') report('pass', event.title, `${event.durationMs} ms`);
      else if (event.type === 'fail') report('fail', event.title, mapStackTrace(event.error, TESTS_OUT_DIR, REPO_ROOT));
      else if (event.type === 'pending') report('skip', event.title);
      else if (event.type === 'error') return report('fail', 'the integration suite could not load', mapStackTrace(event.error, TESTS_OUT_DIR, REPO_ROOT));
      else if (event.type === 'end') return;
    }
    const waited = Date.now() - started;
    if (server.exited) return report('fail', 'code-server stopped during the suite', `(${server.exited}); see ${server.logFile}`);
    if (!sawStart && waited > SUITE_START_TIMEOUT_MS) {
      return report('fail', 'the integration suite never started', `no results after ${SUITE_START_TIMEOUT_MS / 1000} s; see ${server.logFile} (run with --keep to keep it)`);
    }
    if (waited > timeoutMs) {
      return report('fail', `the integration suite timed out after ${timeoutMs / 1000} s`, running ? `still running: ${running}` : 'no test had started');
    }
    await sleep(200);
  }
}

/** Runs `npm run demo -- --screenshots DIR` as a user would and checks every picture. */
async function checkDemoScreenshots() {
  const title = 'npm run demo -- --screenshots DIR writes non-blank pictures of the demo views';
  const dir = join(RESULTS_DIR, 'demo');
  rmSync(dir, { recursive: true, force: true });
  let output = '';
  demo = spawnGroup(process.execPath, [join(REPO_ROOT, 'scripts', 'demo.mjs'), '--screenshots', dir, '--no-build'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...tokenEnvironment(token) },
    onOutput: (text) => (output += text),
  });
  const exit = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(`timed out after ${DEMO_TIMEOUT_MS / 1000} s`), DEMO_TIMEOUT_MS);
    demo.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? null : `exited with ${signal ?? code}`);
    });
  });
  if (exit) {
    await stopGroup(demo.pid, token, 10_000);
    return report('fail', title, `the demo ${exit}:\n${output.trim().slice(-3000)}`);
  }
  const manifestFile = join(dir, 'screenshots.json');
  if (!existsSync(manifestFile)) return report('fail', title, `the demo wrote no ${manifestFile}:\n${output.trim().slice(-2000)}`);
  const { screenshots } = JSON.parse(readFileSync(manifestFile, 'utf8'));
  if (!Array.isArray(screenshots) || screenshots.length < 2) return report('fail', title, `expected at least 2 screenshots, the manifest lists ${screenshots?.length}`);
  const problems = [];
  const lines = [];
  for (const { file, view } of screenshots) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      problems.push(`${file} (${view}) is missing`);
      continue;
    }
    const stats = screenshotStats(path);
    const blank = blankReason(stats);
    if (blank) problems.push(`${file} (${view}) looks blank: ${blank}`);
    lines.push(`${file}: ${describeStats(stats)}`);
  }
  if (problems.length > 0) return report('fail', title, problems.join('\n'));
  report('pass', title, `${screenshots.length} pictures in ${relative(REPO_ROOT, dir)}`);
  for (const line of lines) say(`      ${line}`);
}

async function main() {
  const t0 = Date.now();
  mkdirSync(RESULTS_DIR, { recursive: true });
  let testFiles;
  try {
    await ensureCodeServer({ log: (m) => say(m) });
    if (!options['no-build']) await buildExtension();
    testFiles = await buildIntegrationTests();
  } catch (e) {
    report('fail', 'setting up the integration run (install, build)', e instanceof Error ? e.message : String(e));
    return;
  }
  try {
    await runSuite(testFiles);
  } catch (e) {
    report('fail', 'running the integration suite', e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
  // Free the two cores before the demo starts its own code-server and browser.
  await bridge?.stop();
  bridge = undefined;
  await closeBrowser(browser);
  browser = undefined;
  await server?.stop();
  server = undefined;
  if (!options['no-demo'] && !options.grep && options.runner === 'own') {
    try {
      await checkDemoScreenshots();
    } catch (e) {
      report('fail', 'running the demo screenshots', e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
  }
  if (!interrupted()) say(`integration run took ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${relative(REPO_ROOT, RESULTS_DIR)}/`);
}

await main();
// After a signal, the signal path finishes: it cleans up, prints the closing line and exits.
if (interrupted()) await new Promise(() => setInterval(() => {}, 1000));
await cleanup();
closingLine();
process.exit(tally.failed > 0 || tally.passed === 0 ? 1 : 0);
