// Child processes that must never outlive the script that started them (code-server, its
// extension host and language server, Chromium). Each is started in its own process group and
// carries a run token in its environment; stopping kills the group, then sweeps /proc for any
// process that still carries the token (a descendant that moved to a group of its own).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const TOKEN_VARIABLE = 'LOSS_LENS_RUN_TOKEN';

/**
 * A fresh token for one run; put it in the environment of everything the run starts. A run
 * started by another run (the demo started by the integration runner) extends its parent's
 * token, so the parent's sweep finds the grandchildren too.
 */
export function newRunToken() {
  const inherited = process.env[TOKEN_VARIABLE];
  return inherited ? `${inherited}.${randomUUID()}` : randomUUID();
}

/** Environment entries that mark a process (and, by inheritance, its descendants) as the run's. */
export function tokenEnvironment(token) {
  return { [TOKEN_VARIABLE]: token };
}

/** Process ids (other than this one) whose environment carries the token or one extending it. */
export function pidsWithToken(token) {
  const marker = `${TOKEN_VARIABLE}=${token}`;
  const carries = (entry) => entry === marker || entry.startsWith(`${marker}.`);
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let environ;
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue; // exited meanwhile, or not readable
    }
    if (environ.split('\0').some(carries)) pids.push(Number(name));
  }
  return pids;
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // already gone
  }
}

/** SIGKILLs the groups and every process carrying the token; synchronous, so safe in 'exit'. */
export function killNow(groups, token) {
  for (const pgid of groups) signal(-pgid, 'SIGKILL');
  if (token) for (const pid of pidsWithToken(token)) signal(pid, 'SIGKILL');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a process group: SIGTERM, up to `graceMs` for it and every token holder to exit, then
 * SIGKILL for whatever is left. Resolves when nothing carrying the token is alive.
 */
export async function stopGroup(pgid, token, graceMs = 3000) {
  signal(-pgid, 'SIGTERM');
  const alive = () => signal(-pgid, 0) || (token !== undefined && pidsWithToken(token).length > 0);
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(50);
  if (!alive()) return;
  killNow([pgid], token);
  const killDeadline = Date.now() + 2000;
  while (alive() && Date.now() < killDeadline) await sleep(20);
}

/**
 * Starts a command in a new process group with the run token in its environment; output goes
 * to `onOutput` (a function receiving text chunks).
 */
export function spawnGroup(command, args, { env = process.env, cwd, token, onOutput = () => {} } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...env, ...(token ? tokenEnvironment(token) : {}) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8').on('data', onOutput);
  child.stderr.setEncoding('utf8').on('data', onOutput);
  return child;
}

/**
 * Runs `cleanup` exactly once when the script ends for any reason: normal return, an uncaught
 * error, Ctrl-C (SIGINT), SIGTERM or SIGHUP. On a signal it runs `cleanup` (async), then
 * `onSignalExit(signal)` (e.g. to print a closing line), then exits with 128 + the signal
 * number; a second signal kills synchronously and exits at once. On a plain `process.exit`
 * only the synchronous `killSync` can still run, and does. Returns `{ cleanup, interrupted }`:
 * `cleanup()` for the normal path, `interrupted()` true once a signal arrived (long waits poll
 * it and stop).
 */
export function cleanupOnExit(cleanup, killSync, onSignalExit = () => {}) {
  let running;
  let signalled = false;
  const runOnce = () => (running ??= Promise.resolve().then(cleanup));
  const onSignal = (sig) => {
    signalled = true;
    process.stderr.write(`\n${sig}: stopping...\n`);
    const code = 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[sig] ?? 0);
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      process.removeAllListeners(s);
      process.once(s, () => {
        killSync();
        process.exit(code);
      });
    }
    runOnce()
      .catch((e) => process.stderr.write(`cleanup failed: ${e?.message ?? e}\n`))
      .finally(() => {
        killSync();
        try {
          onSignalExit(sig);
        } finally {
          process.exit(code);
        }
      });
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(s, onSignal);
  process.once('exit', () => killSync());
  return { cleanup: runOnce, interrupted: () => signalled };
}
