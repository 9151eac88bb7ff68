// Starts code-server (the real VS Code 1.100.3 workbench and Node extension host) on a free
// loopback port with a fresh user-data folder and extensions folder, and builds the workbench
// URLs that load an extension under development (and optionally a test suite) through the
// `payload` query parameter, the web equivalent of --extensionDevelopmentPath.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CODE_SERVER_ENTRY } from './install.mjs';
import { spawnGroup, stopGroup } from './processes.mjs';

/** User settings for a quiet, deterministic workbench: no trust prompt, no welcome page, no tips. */
export const WORKBENCH_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
};

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts code-server for `workspace`. `runDir` receives the user-data folder, the extensions
 * folder and code-server.log. `env` is added to code-server's environment, which the extension
 * host inherits (that is how tests learn where to write results). Resolves once /healthz answers.
 */
export async function startCodeServer({ workspace, runDir, token, env = {}, port, settings = {}, startTimeoutMs = 60_000 }) {
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify({ ...WORKBENCH_SETTINGS, ...settings }, null, 2)}\n`);
  // An explicit config file keeps code-server from writing one into ~/.config.
  const configFile = join(runDir, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  port ??= await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logFile = join(runDir, 'code-server.log');
  const log = createWriteStream(logFile);

  // No extension gallery: nothing here can reach one, and an empty gallery config stops the
  // workbench from trying (it would otherwise look up open-vsx.org at start).
  // code-server keeps logs and a heartbeat under XDG_DATA_HOME and VS Code a cache under
  // XDG_CACHE_HOME: point both (and config) into the run folder so nothing lands in ~.
  const xdg = Object.fromEntries(['DATA', 'CONFIG', 'CACHE'].map((kind) => [`XDG_${kind}_HOME`, join(runDir, 'xdg', kind.toLowerCase())]));
  const childEnv = { ...process.env, EXTENSIONS_GALLERY: '{}', ...xdg, ...env };
  // These would override our flags (code-server reads them as configuration).
  for (const name of ['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'GITHUB_TOKEN', 'CODE_SERVER_CONFIG', 'VSCODE_PROXY_URI']) delete childEnv[name];
  const args = [
    CODE_SERVER_ENTRY,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    workspace,
  ];
  const child = spawnGroup(process.execPath, args, { env: childEnv, token, onOutput: (text) => log.write(text) });
  let exited;
  child.on('exit', (code, signal) => (exited = signal ?? `exit ${code}`));

  const stop = async () => {
    await stopGroup(child.pid, token);
    await new Promise((r) => log.end(r));
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server stopped while starting (${exited}); see ${logFile}`);
    }
    try {
      const r = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${origin} within ${startTimeoutMs / 1000} s; see ${logFile}`);
    }
    await sleep(200);
  }

  return {
    port,
    origin,
    pid: child.pid,
    logFile,
    userDataDir,
    /** True once the code-server process has exited. */
    get exited() {
      return exited;
    },
    /**
     * The workbench URL that opens `folder` with the extension at `extensionDevelopmentPath`
     * loaded and, if given, runs the test suite whose compiled entry is `extensionTestsPath`.
     */
    workbenchUrl({ folder = workspace, extensionDevelopmentPath, extensionTestsPath } = {}) {
      const authority = `127.0.0.1:${port}`;
      const payload = [];
      if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDevelopmentPath}`]);
      if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${extensionTestsPath}`]);
      const query = [`folder=${encodeURIComponent(folder).replaceAll('%2F', '/')}`];
      if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
      return `${origin}/?${query.join('&')}`;
    },
    stop,
  };
}
