// Installs the real VS Code the integration tests and the demo run in: code-server 4.100.3
// (VS Code 1.100.3 with a Node extension host, the newest release that runs on Node 20), from
// the npm registry into the git-ignored cache folder `.vscode-test/code-server`, plus the
// Debian packages it needs (chromium as the window, ripgrep, libkrb5-dev for a native module).
//
//   node scripts/vscode/install.mjs          install what is missing, print the code-server path
//   node scripts/vscode/install.mjs --force  reinstall code-server from scratch
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from '../system-deps.mjs';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = join(REPO_ROOT, '.vscode-test');
export const CODE_SERVER_VERSION = '4.100.3';
/** The VS Code release that code-server version ships. */
export const VSCODE_VERSION = '1.100.3';
export const CODE_SERVER_DIR = join(CACHE_DIR, 'code-server');
const PACKAGE_DIR = join(CODE_SERVER_DIR, 'node_modules', 'code-server');
/** The Node entry of code-server; run it with this Node (code-server 4.100.x needs Node 20). */
export const CODE_SERVER_ENTRY = join(PACKAGE_DIR, 'out', 'node', 'entry.js');
export const DEBIAN_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev'];

// @vscode/ripgrep (a dependency of VS Code) downloads its rg binary from GitHub in its
// postinstall, which cannot work here. It looks in this cache folder first, under the exact
// asset name below, so Debian's rg is packed there under that name before installing.
const RIPGREP_CACHE = join(process.env.TMPDIR || tmpdir(), 'vscode-ripgrep-cache-1.15.11');
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

// npm 11 asks for install scripts to be approved in the project's package.json ("allowScripts";
// the --allow-scripts flag is refused for project installs). code-server's postinstall then runs
// a nested `npm install` in lib/vscode that builds VS Code's native modules and unpacks rg;
// installedFiles() checks that it really did.
const ALLOWED_SCRIPTS = ['code-server', 'argon2'];

/** Files that exist only when code-server and its postinstall (VS Code's natives, rg) completed. */
function installedFiles() {
  const vscode = join(PACKAGE_DIR, 'lib', 'vscode');
  return [
    CODE_SERVER_ENTRY,
    join(vscode, 'node_modules.asar'),
    join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    join(vscode, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
    join(vscode, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node'),
  ];
}

/** True when the cache folder holds a complete install of the pinned code-server version. */
export function codeServerInstalled() {
  const manifest = join(PACKAGE_DIR, 'package.json');
  if (!existsSync(manifest)) return false;
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
  return version === CODE_SERVER_VERSION && installedFiles().every((f) => existsSync(f));
}

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`));
    });
  });
}

async function seedRipgrepCache() {
  const asset = join(RIPGREP_CACHE, RIPGREP_ASSET);
  if (existsSync(asset)) return;
  const rg = '/usr/bin/rg';
  if (!existsSync(rg)) throw new Error(`${rg} is missing: install the Debian package ripgrep`);
  mkdirSync(RIPGREP_CACHE, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'loss-lens-rg-'));
  try {
    copyFileSync(rg, join(staging, 'rg'));
    // Write under a temporary name, then rename: a concurrent install never sees half an archive.
    const partial = `${asset}.${process.pid}.partial`;
    await run('tar', ['czf', partial, '-C', staging, 'rg']);
    renameSync(partial, asset);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Makes sure code-server and the Debian packages are installed; returns the code-server entry
 * script. Installs into a scratch folder next to the cache and renames it into place when
 * complete, so an interrupted install never leaves a half-installed code-server behind.
 */
export async function ensureCodeServer({ force = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  ensureDebianPackages(DEBIAN_PACKAGES, log);
  if (!force && codeServerInstalled()) return CODE_SERVER_ENTRY;
  if (Number(process.versions.node.split('.')[0]) !== 20) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node 20; this is Node ${process.versions.node}`);
  }
  await seedRipgrepCache();
  mkdirSync(CACHE_DIR, { recursive: true });
  const scratch = join(CACHE_DIR, `code-server.installing-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  log(`installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (about a minute)`);
  const started = Date.now();
  const env = {
    ...process.env,
    // node-pty's install runs `npx node-gyp`, which would otherwise wait for a yes/no prompt.
    npm_config_yes: 'true',
    // code-server's postinstall refuses to run as root unless it sees this (set by --unsafe-perm
    // on older npm; npm 11 no longer knows the flag, so it is passed through the environment).
    npm_config_unsafe_perm: 'true',
  };
  try {
    mkdirSync(scratch, { recursive: true });
    const manifest = { name: 'loss-lens-code-server', private: true, allowScripts: Object.fromEntries(ALLOWED_SCRIPTS.map((p) => [p, true])) };
    writeFileSync(join(scratch, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await run('npm', ['install', '--prefix', scratch, '--unsafe-perm', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], {
      env,
      cwd: scratch,
    });
    rmSync(CODE_SERVER_DIR, { recursive: true, force: true });
    renameSync(scratch, CODE_SERVER_DIR);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!codeServerInstalled()) {
    const missing = installedFiles().filter((f) => !existsSync(f));
    throw new Error(`code-server installed, but its postinstall did not finish; missing:\n  ${missing.join('\n  ')}`);
  }
  log(`installed code-server ${CODE_SERVER_VERSION} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return CODE_SERVER_ENTRY;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(await ensureCodeServer({ force: process.argv.includes('--force') }));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  }
}
