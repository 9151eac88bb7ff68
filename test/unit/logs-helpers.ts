/**
 * Shared by the logs-*.test.ts files: fixture paths, the expected series the fixture script
 * computed, temporary folders, and a comparison of series with the expected ones.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRun, Series } from '../../src/data/logs/series.js';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'logs');

interface ExpectedSeries {
  steps: number[];
  values: (number | string)[];
  wallTimes: (number | string)[];
}

/** fixture -> run -> tag -> series, as scripts/fixtures/logs/make_log_fixtures.py wrote it. */
export const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Record<string, Record<string, ExpectedSeries>>>;

export function decode(x: number | string): number {
  if (typeof x === 'number') return x;
  return x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : -Infinity;
}

/** Asserts that `series` equals the expected one exactly (NaN equal to NaN). */
export function assertSeries(series: Series | undefined, expected: ExpectedSeries, label: string): void {
  assert.ok(series, `${label}: series missing`);
  assert.deepEqual(Array.from(series.steps), expected.steps, `${label}: steps`);
  assert.deepEqual(Array.from(series.values), expected.values.map(decode), `${label}: values`);
  assert.deepEqual(Array.from(series.wallTimes), expected.wallTimes.map(decode), `${label}: wall times`);
}

/** Compares every expected tag of one run with what was read. */
export function assertRun(run: LogRun | undefined, fixture: string, expectedRun: string): void {
  const expected = EXPECTED[fixture]?.[expectedRun];
  assert.ok(expected, `no expectation for ${fixture} ${expectedRun}`);
  assert.ok(run, `${fixture}: run ${expectedRun} not read`);
  for (const [tag, e] of Object.entries(expected)) assertSeries(run.series.find((s) => s.tag === tag), e, `${fixture} ${tag}`);
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'losslens-logs-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
