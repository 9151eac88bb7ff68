/**
 * `loss-lens curves PATH... [--format table|json|csv]`: finds the training logs under each
 * path and prints their runs, tags and series. Problems found in the logs go to stderr (and
 * make the exit status 1); a progress bar is drawn on stderr for long reads when it is a
 * terminal; Ctrl-C cancels the read.
 */
import type { Writable } from 'node:stream';
import { DataError } from '../data/errors.js';
import { readLogs, type LogReading } from '../data/logs/index.js';
import type { LogRun } from '../data/logs/series.js';
import { encodeNumber } from '../kernels/codec.js';
import { ProgressBar } from './progress.js';
import { formatNumber as num, summarize } from '../data/logs/summary.js';

export type CurvesFormat = 'table' | 'json' | 'csv';

export interface CurvesOptions {
  format: CurvesFormat;
  /** Extra globs to skip while searching. */
  exclude: string[];
  /** Draw a progress bar (default: when stderr is a terminal). */
  progress?: boolean;
  signal?: AbortSignal;
}

/** Runs the command; resolves to the exit status. */
export async function runCurves(paths: string[], options: CurvesOptions, out: Writable, err: Writable & { isTTY?: boolean; columns?: number }): Promise<number> {
  if (paths.length === 0) {
    err.write('loss-lens curves: give at least one folder or log file\n');
    return 2;
  }
  const bar = options.progress ?? err.isTTY === true ? new ProgressBar(err, 'reading logs') : undefined;
  let reading: LogReading;
  try {
    reading = await readLogs(paths, { exclude: options.exclude, signal: options.signal, onProgress: bar ? (d, t) => bar.update(d, t) : undefined });
  } catch (e) {
    bar?.clear();
    if (e instanceof DataError) {
      err.write(`loss-lens curves: ${e.message}\n`);
      return e.problem === 'read cancelled' ? 130 : 1;
    }
    throw e;
  }
  bar?.clear();
  const text = options.format === 'json' ? formatJson(reading) : options.format === 'csv' ? formatCsv(reading.runs) : formatTable(reading);
  await write(out, text);
  for (const issue of reading.issues) err.write(`warning: ${issue.message}\n`);
  for (const p of reading.pending) {
    err.write(`note: ${p.file} ends with an incomplete record (${p.bytes} bytes from byte ${p.offset}); still being written, or cut short\n`);
  }
  if (reading.truncated) err.write('note: the search stopped at its entry limit; give a narrower folder\n');
  if (reading.runs.length === 0 && reading.issues.length === 0) err.write(`loss-lens curves: no training logs found under ${paths.join(', ')}\n`);
  return reading.issues.length > 0 ? 1 : 0;
}

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve) => {
    // A closed pipe (`| head`) is not an error worth reporting.
    out.once('error', () => resolve());
    if (out.write(text)) resolve();
    else out.once('drain', () => resolve());
  });
}

// ---------------------------------------------------------------------------------------------

function formatTable(reading: LogReading): string {
  const rows: string[][] = [['RUN', 'FORMAT', 'TAG', 'POINTS', 'STEPS', 'LAST', 'MIN', 'NON-FINITE']];
  for (const run of reading.runs) {
    if (run.series.length === 0) rows.push([runLabel(run), run.format, '(no scalars)', '0', '', '', '', '']);
    for (const s of run.series) {
      const m = summarize(s);
      rows.push([runLabel(run), run.format, s.tag, String(m.points), `${num(m.firstStep)}..${num(m.lastStep)}`, num(m.last), num(m.min), m.nonFinite ? String(m.nonFinite) : '']);
    }
  }
  if (rows.length === 1) return '';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const numeric = new Set([3, 5, 6, 7]);
  return rows.map((r) => r.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function runLabel(run: LogRun): string {
  return run.title && !run.name.endsWith(run.title) ? `${run.name} (${run.title})` : run.name;
}

function formatJson(reading: LogReading): string {
  const parts: string[] = [];
  parts.push('{"runs":[');
  reading.runs.forEach((run, i) => {
    const head = { name: run.name, format: run.format, path: run.path, ...(run.title ? { title: run.title } : {}) };
    parts.push(`${i ? ',' : ''}${JSON.stringify(head).slice(0, -1)},"series":[`);
    run.series.forEach((s, j) => {
      parts.push(
        `${j ? ',' : ''}{"tag":${JSON.stringify(s.tag)},"steps":${numbers(s.steps)},"values":${numbers(s.values)},"wallTimes":${numbers(s.wallTimes)}}`,
      );
    });
    parts.push(']}');
  });
  parts.push('],"issues":', JSON.stringify(reading.issues.map((e) => ({ file: e.file, ...e.location, problem: e.problem }))));
  parts.push(',"pending":', JSON.stringify(reading.pending), '}\n');
  return parts.join('');
}

function numbers(a: Float64Array): string {
  return JSON.stringify(Array.from(a, encodeNumber));
}

function formatCsv(runs: LogRun[]): string {
  const lines = ['run,tag,step,value,wall_time'];
  for (const run of runs) {
    for (const s of run.series) {
      const prefix = `${csvCell(run.name)},${csvCell(s.tag)},`;
      for (let i = 0; i < s.values.length; i++) {
        const w = s.wallTimes[i]!;
        lines.push(`${prefix}${csvNumber(s.steps[i]!)},${csvNumber(s.values[i]!)},${Number.isNaN(w) ? '' : String(w)}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** Python's spellings, which pandas and csv readers understand. */
function csvNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(x);
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
