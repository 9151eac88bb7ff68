/**
 * The CSV range worker (bundled as dist/csv-worker.js): parses the plain numeric records of one
 * range of a file and hands the columns back as transferred buffers (see RangeParse in csv.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PlainRangeJob, parsePlainRange } from './csv.js';

parsePlainRange(workerData as PlainRangeJob).then(
  (rows) => parentPort!.postMessage(rows, rows.values.map((v) => v.buffer as ArrayBuffer)),
  (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
);
