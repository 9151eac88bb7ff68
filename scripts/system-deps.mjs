// Installs the Debian packages the tests and the demo need (chromium, ripgrep, libkrb5-dev)
// when they are missing. Used by scripts/test.mjs and the VS Code runners; needs root (as on
// CI and these machines) or a pre-installed system.
import { execFileSync, spawnSync } from 'node:child_process';

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Ensures the Debian packages are installed; returns the list it had to install. */
export function ensureDebianPackages(packages, log = (m) => process.stderr.write(`${m}\n`)) {
  const missing = packages.filter((p) => !installed(p));
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')} (run: sudo apt-get install -y ${missing.join(' ')})`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
  return missing;
}

/** The Chromium executable (Debian's), installing it first if needed. */
export function chromiumPath() {
  ensureDebianPackages(['chromium']);
  return '/usr/bin/chromium';
}

/** Launch flags for headless Chromium on these machines (no sandbox as root, no network chatter). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureDebianPackages(process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['chromium', 'ripgrep', 'libkrb5-dev']);
}
