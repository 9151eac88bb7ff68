/**
 * Where the CSV range worker's script is (see RangeParse in csv.ts). Every bundle that reads
 * arrays (dist/cli.js, dist/worker.js, dist/extension.js) has dist/csv-worker.js beside it;
 * where there is none (the sources run by tsx), large CSV files are parsed on one thread
 * unless a script is configured.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

let configured: string | null | undefined;

/** Sets the worker script (null: parse on one thread); undefined goes back to the default. */
export function setCsvWorkerScript(script: string | null | undefined): void {
  configured = script;
}

let found: string | null | undefined;

export function csvWorkerScript(): string | undefined {
  if (configured !== undefined) return configured ?? undefined;
  if (found === undefined) {
    const beside = typeof __dirname === 'string' ? join(__dirname, 'csv-worker.js') : undefined;
    found = beside !== undefined && existsSync(beside) ? beside : null;
  }
  return found ?? undefined;
}
