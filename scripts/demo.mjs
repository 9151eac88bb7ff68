// `npm run demo`: builds the extension, installs code-server if needed, and opens the demo
// workspace (examples/) in a real VS Code with Loss Lens loaded. Prints the URL to open and
// stays up until Ctrl-C.
//
//   npm run demo                          serve; open the printed http://127.0.0.1:PORT/... URL
//   npm run demo -- --port 8080           serve on a chosen port
//   npm run demo -- --screenshots DIR     headless: open the demo's main views, write PNGs and
//                                         DIR/screenshots.json, then exit
//   --no-build                            use the existing dist/ (the integration runner built it)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCodeServer } from './vscode/codeServer.mjs';
import { buildExtension, DEMO_VIEWS, DEMO_WORKSPACE } from './vscode/demoViews.mjs';
import { ensureCodeServer, REPO_ROOT, VSCODE_VERSION } from './vscode/install.mjs';
import { cleanupOnExit, killNow, newRunToken } from './vscode/processes.mjs';
import { closeBrowser, openBrowser, waitForWorkbench } from './vscode/workbench.mjs';

let parsed;
try {
  parsed = parseArgs({
    options: {
      screenshots: { type: 'string' },
      port: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
  }).values;
} catch (e) {
  process.stderr.write(`${e.message}\nusage: npm run demo [-- --port N | --screenshots DIR] [--no-build]\n`);
  process.exit(2);
}
const port = parsed.port === undefined ? undefined : Number(parsed.port);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  process.stderr.write(`--port must be a TCP port number, not "${parsed.port}"\n`);
  process.exit(2);
}

const log = (m) => process.stderr.write(`${m}\n`);
const token = newRunToken();
const runDir = mkdtempSync(join(tmpdir(), 'loss-lens-demo-'));
let server;
let browser;
const { cleanup, interrupted } = cleanupOnExit(
  async () => {
    await closeBrowser(browser);
    await server?.stop();
    rmSync(runDir, { recursive: true, force: true });
  },
  () => killNow(server ? [server.pid] : [], token),
);

/** Opens each demo view in headless Chromium and writes its screenshot into `dir`. */
async function takeScreenshots(dir) {
  mkdirSync(dir, { recursive: true });
  let page;
  ({ browser, page } = await openBrowser({ token }));
  await page.goto(server.workbenchUrl({ extensionDevelopmentPath: REPO_ROOT }));
  await waitForWorkbench(page);
  const screenshots = [];
  for (const view of DEMO_VIEWS) {
    const notes = await view.show(page);
    await page.screenshot({ path: join(dir, view.file) });
    screenshots.push({ file: view.file, view: view.view, ...notes });
    log(`wrote ${join(dir, view.file)}: ${view.view}`);
  }
  writeFileSync(join(dir, 'screenshots.json'), `${JSON.stringify({ workspace: DEMO_WORKSPACE, screenshots }, null, 2)}\n`);
}

async function main() {
  if (!parsed['no-build']) {
    log('building the extension (node scripts/build.mjs)');
    await buildExtension();
  }
  await ensureCodeServer({ log });
  server = await startCodeServer({ workspace: DEMO_WORKSPACE, runDir, token, port });
  if (parsed.screenshots !== undefined) {
    await takeScreenshots(resolve(parsed.screenshots));
    return;
  }
  const url = server.workbenchUrl({ extensionDevelopmentPath: REPO_ROOT });
  process.stdout.write(`\nLoss Lens demo: VS Code ${VSCODE_VERSION} (code-server) with the extension loaded, workspace examples/\n\n  ${url}\n\nOpen that URL in a browser on this machine (forward port ${server.port} when working remotely). Ctrl-C stops it.\n`);
  // Stay up until a signal; cleanupOnExit stops code-server then.
  await new Promise((resolveStop) => {
    const timer = setInterval(() => {
      if (interrupted()) return; // the signal path stops code-server and exits
      if (server.exited) {
        log(`code-server stopped (${server.exited}); see ${server.logFile}`);
        clearInterval(timer);
        resolveStop();
      }
    }, 1000);
  });
  process.exitCode = 1;
}

try {
  await main();
} catch (e) {
  if (!interrupted()) {
    log(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : e}`);
    process.exitCode = 1;
  }
}
if (interrupted()) await new Promise(() => setInterval(() => {}, 1000));
await cleanup();
