/**
 * Incremental reading (FileTail: appends, rewrites, truncation, rotation, removal) and the
 * watch-event coalescer, driven by fake timers.
 */
import assert from 'node:assert/strict';
import { appendFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FileTail, readWholeFile } from '../../src/data/tail.js';
import { WatchCoalescer, type Timers } from '../../src/data/watch.js';
import { tempDir } from './logs-helpers.js';

async function readNew(tail: FileTail, chunkBytes = 64): Promise<string> {
  const parts: Buffer[] = [];
  await tail.readAppended((c) => parts.push(Buffer.from(c)), { chunkBytes });
  return Buffer.concat(parts).toString();
}

describe('FileTail', () => {
  test('reads only what was appended, in chunks, with progress', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'log');
      writeFileSync(file, 'a'.repeat(100));
      const tail = new FileTail(file);
      assert.equal((await tail.check()).change, 'appended');
      const progress: number[] = [];
      await tail.readAppended(() => undefined, { chunkBytes: 64, onProgress: (d) => progress.push(d) });
      assert.deepEqual(progress, [64, 100]);
      assert.equal((await tail.check()).change, 'unchanged');
      appendFileSync(file, 'bcd');
      assert.deepEqual(await tail.check(), { change: 'appended', size: 103 });
      assert.equal(await readNew(tail), 'bcd');
    } finally {
      t.cleanup();
    }
  });

  test('chunks read ahead (two buffers) arrive whole and in order; a stop mid-read leaves no read behind', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'log');
      const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
      writeFileSync(file, bytes);
      const tail = new FileTail(file);
      await tail.check();
      const parts: Buffer[] = [];
      const offsets: number[] = [];
      await tail.readAppended((c, at) => {
        parts.push(Buffer.from(c));
        offsets.push(at);
      }, { chunkBytes: 256 });
      assert.ok(Buffer.concat(parts).equals(bytes));
      assert.deepEqual(offsets, Array.from({ length: 20 }, (_, i) => i * 256));

      // A consumer that throws, and a cancel, each end the read cleanly with the offset where it stopped.
      const again = new FileTail(file);
      await again.check();
      let seen = 0;
      await assert.rejects(
        again.readAppended(() => {
          if (++seen === 3) throw new Error('consumer failed');
        }, { chunkBytes: 256 }),
        /consumer failed/,
      );
      assert.equal(again.offset, 3 * 256);
      const controller = new AbortController();
      const third = new FileTail(file);
      await third.check();
      await assert.rejects(
        third.readAppended(() => controller.abort(), { chunkBytes: 256, signal: controller.signal }),
        (e: Error) => e.message.includes('read cancelled'),
      );
      assert.equal(third.offset, 256);
    } finally {
      t.cleanup();
    }
  });

  test('a rewrite in place (same inode, different head or tail bytes) is detected', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'metrics.csv');
      writeFileSync(file, 'step,loss\n1,0.5\n');
      const tail = new FileTail(file);
      await tail.check();
      await readNew(tail);
      writeFileSync(file, 'epoch,step,loss\n0,1,0.5\n0,2,0.4\n'); // longer, new header
      assert.equal((await tail.check()).change, 'rewritten');
    } finally {
      t.cleanup();
    }
  });

  test('truncation, rotation and removal', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'log');
      writeFileSync(file, 'x'.repeat(50));
      const tail = new FileTail(file);
      await tail.check();
      await readNew(tail);
      writeFileSync(file, 'x'.repeat(10));
      assert.deepEqual(await tail.check(), { change: 'truncated', size: 10 });
      tail.reset();
      await readNew(tail);
      renameSync(file, `${file}.1`);
      writeFileSync(file, 'y'.repeat(60));
      assert.equal((await tail.check()).change, 'rotated');
      rmSync(file);
      assert.deepEqual(await tail.check(), { change: 'missing', size: 0 });
    } finally {
      t.cleanup();
    }
  });

  test('readWholeFile refuses a file over its limit, naming the sizes', async () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'big.json');
      writeFileSync(file, '{}'.repeat(600));
      await assert.rejects(readWholeFile(file, 1000), { message: `${file}: file is 1200 bytes, more than the 1000 this format is read whole up to` });
      assert.equal(Buffer.from(await readWholeFile(file, 2000)).toString().length, 1200);
      await assert.rejects(readWholeFile(join(t.dir, 'none'), 10), { message: `${join(t.dir, 'none')}: not found` });
    } finally {
      t.cleanup();
    }
  });
});

/** Fake clock: timers fire only when the test advances time. */
class FakeTimers implements Timers {
  time = 0;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== handle);
  }
  now(): number {
    return this.time;
  }
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (next === undefined || next.at > end) break;
      this.queue.shift();
      this.time = next.at;
      next.fn();
      await new Promise((r) => setImmediate(r));
    }
    this.time = end;
    await new Promise((r) => setImmediate(r));
  }
}

describe('WatchCoalescer', () => {
  test('a burst becomes one flush after it goes quiet', async () => {
    const timers = new FakeTimers();
    const flushes: string[][] = [];
    const c = new WatchCoalescer<string>((keys) => void flushes.push([...keys].sort()), { quietMs: 100, maxDelayMs: 1000, timers });
    for (let i = 0; i < 5; i++) {
      c.notify(i % 2 ? 'a' : 'b');
      await timers.advance(50);
    }
    assert.deepEqual(flushes, []);
    await timers.advance(100);
    assert.deepEqual(flushes, [['a', 'b']]);
  });

  test('a continuous stream still flushes at the max delay', async () => {
    const timers = new FakeTimers();
    const times: number[] = [];
    const c = new WatchCoalescer<string>(() => void times.push(timers.now()), { quietMs: 100, maxDelayMs: 300, timers });
    for (let i = 0; i < 20; i++) {
      c.notify('f');
      await timers.advance(50);
    }
    // Flush at 300; the event at 300 starts the next burst, flushed at 600, and so on.
    assert.deepEqual(times.slice(0, 3), [300, 600, 900]);
  });

  test('flushes never overlap; events during a flush go to the next one', async () => {
    const timers = new FakeTimers();
    const seen: string[][] = [];
    let release!: () => void;
    let running = 0;
    let maxRunning = 0;
    const c = new WatchCoalescer<string>(
      async (keys) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        seen.push([...keys]);
        if (seen.length === 1) await new Promise<void>((r) => (release = r));
        running--;
      },
      { quietMs: 10, timers },
    );
    c.notify('x');
    await timers.advance(10);
    c.notify('y');
    await timers.advance(100);
    assert.deepEqual(seen, [['x']], 'second flush waits for the first');
    release();
    await new Promise((r) => setImmediate(r)); // let the first flush finish and reschedule
    await timers.advance(100);
    assert.deepEqual(seen, [['x'], ['y']]);
    assert.equal(maxRunning, 1);
  });

  test('a failing flush is reported and the coalescer goes on; dispose stops it', async () => {
    const timers = new FakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const c = new WatchCoalescer<string>(
      () => {
        calls++;
        throw new Error('boom');
      },
      { quietMs: 10, timers, onError: (e) => errors.push(e) },
    );
    c.notify('a');
    await timers.advance(10);
    c.notify('b');
    await timers.advance(10);
    assert.deepEqual([calls, errors.length], [2, 2]);
    c.notify('c');
    c.dispose();
    await timers.advance(100);
    assert.equal(calls, 2);
    assert.equal(c.size, 0);
  });

  test('flushNow flushes immediately', async () => {
    const timers = new FakeTimers();
    const seen: string[][] = [];
    const c = new WatchCoalescer<string>((k) => void seen.push([...k]), { timers });
    c.notify('z');
    await c.flushNow();
    assert.deepEqual(seen, [['z']]);
    await timers.advance(1000);
    assert.equal(seen.length, 1);
  });
});
