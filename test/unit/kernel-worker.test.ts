/**
 * The kernel worker (dist/worker.js, built by esbuild) and its client: results come back off
 * thread with float64 buffers, errors come back as answers, cancellation fails the job and the
 * next request starts a fresh worker.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KernelWorker } from '../../src/client/kernelWorker.js';
import { isErrorAnswer } from '../../src/kernels/evaluate.js';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'dist', 'worker.js');

describe('kernel worker', () => {
  let worker: KernelWorker;
  before(() => {
    if (!existsSync(SCRIPT)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'ignore' });
    worker = new KernelWorker(SCRIPT);
  });
  after(() => worker.dispose());

  const request = (n: number) => ({
    api: 'torch.nn.functional.mse_loss',
    args: [
      { shape: [n], dtype: 'float64' as const, data: new Float64Array(n).fill(3) },
      { shape: [n], dtype: 'float64' as const, data: new Float64Array(n).fill(1) },
    ],
    kwargs: { reduction: 'none' },
    grad: true,
  });

  test('evaluates off thread and returns float64 buffers', async () => {
    const answer = await worker.evaluate(request(1000));
    assert.ok(!isErrorAnswer(answer));
    assert.ok(answer.data instanceof Float64Array);
    assert.equal(answer.data.length, 1000);
    assert.equal(answer.data[999], 4);
    assert.equal(answer.grad!.data[0], 4);
  });

  test('errors come back as answers', async () => {
    const answer = await worker.evaluate({ api: 'no.such.loss' });
    assert.ok(isErrorAnswer(answer));
    assert.match(answer.error, /unknown loss API/);
  });

  test('a cancelled job fails and the worker restarts for the next one', async () => {
    const controller = new AbortController();
    const pending = worker.evaluate(request(2_000_000), controller.signal);
    controller.abort();
    await assert.rejects(pending, /cancelled/);
    const answer = await worker.evaluate(request(3));
    assert.ok(!isErrorAnswer(answer));
    assert.deepEqual(Array.from(answer.data), [4, 4, 4]);
  });
});
