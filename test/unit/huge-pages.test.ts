/**
 * Huge pages for the reading processes: which environment a reading process gets, and the
 * CLI's reading commands running in a child started with it (same output, same exit code).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startWorkerProcess } from '../../src/client/workerProcess.js';
import { HUGE_PAGES_TUNABLE, hugePagesEnvironment, transparentHugePagesMode } from '../../src/data/hugePages.js';

const ROOT = join(__dirname, '..', '..');
const madvise = () => 'madvise';

describe('hugePagesEnvironment', () => {
  test('adds the malloc tunable on Linux in madvise mode, keeping the other tunables', () => {
    assert.equal(hugePagesEnvironment({ PATH: '/bin' }, 'linux', madvise)?.GLIBC_TUNABLES, HUGE_PAGES_TUNABLE);
    assert.equal(hugePagesEnvironment({ PATH: '/bin' }, 'linux', madvise)?.PATH, '/bin');
    assert.equal(hugePagesEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux', madvise)?.GLIBC_TUNABLES, `glibc.malloc.arena_max=2:${HUGE_PAGES_TUNABLE}`);
  });

  test('leaves the environment alone where it would change nothing or was decided already', () => {
    assert.equal(hugePagesEnvironment({}, 'darwin', madvise), undefined);
    assert.equal(hugePagesEnvironment({}, 'win32', madvise), undefined);
    assert.equal(hugePagesEnvironment({}, 'linux', () => 'always'), undefined);
    assert.equal(hugePagesEnvironment({}, 'linux', () => 'never'), undefined);
    assert.equal(hugePagesEnvironment({}, 'linux', () => undefined), undefined);
    assert.equal(hugePagesEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux', madvise), undefined);
    assert.equal(hugePagesEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2' }, 'linux', madvise), undefined);
    assert.equal(hugePagesEnvironment({ LOSS_LENS_HUGE_PAGES: '0' }, 'linux', madvise), undefined);
  });

  test('reads the kernel mode when there is one', () => {
    const mode = transparentHugePagesMode();
    assert.ok(mode === undefined || ['always', 'madvise', 'never'].includes(mode), String(mode));
  });
});

describe('loss-lens reading commands', () => {
  // A preload (passed on to the child with the rest of execArgv) logs each process's tunables.
  function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'loss-lens-huge-'));
    try {
      const log = join(dir, 'processes.txt');
      const probe = join(dir, 'probe.cjs');
      writeFileSync(probe, `require('fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify([process.pid, process.env.GLIBC_TUNABLES ?? null]) + '\\n');`);
      const base = { ...process.env };
      delete base.GLIBC_TUNABLES;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--require', probe, join(ROOT, 'src/cli/main.ts'), ...args], { encoding: 'utf8', env: { ...base, ...env }, cwd: ROOT });
      // One entry per process (a preload also runs in the module-loader thread tsx starts).
      const byPid = new Map(readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as [number, string | null]));
      const processes = [...byPid.values()];
      return { ...r, processes };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const reexecs = process.platform === 'linux' && transparentHugePagesMode() === 'madvise';
  const csv = join(ROOT, 'test/fixtures/arrays/csv/both.csv');

  test('arrays --stats runs in a child with the tunable where it helps, with the same output', () => {
    const viaChild = runCli(['arrays', '--stats', '--format', 'json', csv]);
    const inProcess = runCli(['arrays', '--stats', '--format', 'json', csv], { LOSS_LENS_HUGE_PAGES: '0' });
    assert.equal(viaChild.status, 0, viaChild.stderr);
    assert.equal(inProcess.status, 0, inProcess.stderr);
    assert.deepEqual(JSON.parse(viaChild.stdout), JSON.parse(inProcess.stdout));
    assert.ok(JSON.parse(viaChild.stdout).arrays.length > 0);
    assert.deepEqual(viaChild.processes, reexecs ? [null, HUGE_PAGES_TUNABLE] : [null]);
    assert.deepEqual(inProcess.processes, [null]);
  });

  test("the child's exit code and messages come through; commands that read no data stay in one process", () => {
    const missing = runCli(['curves', join(ROOT, 'no/such/folder')]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /no\/such\/folder/);
    assert.equal(missing.processes.length, reexecs ? 2 : 1);
    const listing = runCli(['arrays', '--format', 'json', csv]);
    assert.equal(listing.status, 0, listing.stderr);
    assert.deepEqual(listing.processes, [null]);
  });
});

describe("the editor's worker process", () => {
  test('starts with the tunable where it helps, as plain Node, with the structured-clone channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loss-lens-huge-'));
    try {
      const script = join(dir, 'echo.js');
      writeFileSync(script, "process.on('message', (m) => { process.send({ got: m, tunables: process.env.GLIBC_TUNABLES ?? null, electron: process.env.ELECTRON_RUN_AS_NODE }); process.disconnect(); });");
      const child = startWorkerProcess(script);
      const reply = await new Promise<{ got: { a: Float64Array }; tunables: string | null; electron: string }>((resolve, reject) => {
        child.once('message', (m) => resolve(m as never));
        child.once('error', reject);
        child.send({ a: new Float64Array([1.5, -2]) });
      });
      assert.ok(reply.got.a instanceof Float64Array);
      assert.deepEqual([...reply.got.a], [1.5, -2]);
      assert.equal(reply.electron, '1');
      const expected = hugePagesEnvironment()?.GLIBC_TUNABLES ?? process.env.GLIBC_TUNABLES ?? null;
      assert.equal(reply.tunables, expected);
      if (process.platform === 'linux' && transparentHugePagesMode() === 'madvise' && process.env.GLIBC_TUNABLES === undefined) assert.equal(reply.tunables, HUGE_PAGES_TUNABLE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
