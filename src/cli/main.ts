#!/usr/bin/env node
/**
 * `loss-lens`: the kernels, readers and linter from a terminal or CI.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { hugePagesEnvironment } from '../data/hugePages.js';
import { runEval } from './eval.js';
import { runCatalog } from './catalog.js';
import { runArrays } from './arrays.js';
import { runCurves, type CurvesFormat } from './curves.js';

const USAGE = `Usage: loss-lens <command> [options]

Commands:
  eval                 Read loss requests as JSON lines on stdin; write one JSON answer per line.
                       Request: {"id", "api", "init", "args", "kwargs"[, "grad", "per_sample"]}
  catalog [NAME...]    List the catalogued loss APIs, or describe the named ones.
                       --json   machine-readable output
  curves PATH...       Find the training logs under each folder (TensorBoard, Lightning/Keras CSV,
                       Hugging Face trainer_state.json, MLflow, W&B offline) and print their
                       runs, tags and series.
                       --format table|json|csv   output (default: a readable table)
                       --exclude GLOB            skip matching paths (repeatable)
  arrays PATH...       List the prediction/target arrays in files (or found under folders):
                       name, shape, dtype. .npy .npz .safetensors .csv .tsv .jsonl .json .parquet
                       --stats                   stream each array: min, max, mean, NaN/Inf counts
                       --format table|json       output (default: a readable table)
                       --exclude GLOB            skip matching paths (repeatable)
  help                 Show this help.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'eval':
      return runEval(process.stdin, process.stdout);
    case 'catalog': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } });
      return runCatalog(positionals, { json: values.json === true }, process.stdout);
    }
    case 'curves': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { format: { type: 'string', default: 'table' }, exclude: { type: 'string', multiple: true } },
      });
      const format = values.format as string;
      if (format !== 'table' && format !== 'json' && format !== 'csv') {
        process.stderr.write(`loss-lens curves: --format must be table, json or csv, not '${format}'\n`);
        return 2;
      }
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      return runCurves(positionals, { format: format as CurvesFormat, exclude: values.exclude ?? [], signal: abort.signal }, process.stdout, process.stderr);
    }
    case 'arrays': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { format: { type: 'string', default: 'table' }, stats: { type: 'boolean' }, exclude: { type: 'string', multiple: true } },
      });
      const format = values.format as string;
      if (format !== 'table' && format !== 'json') {
        process.stderr.write(`loss-lens arrays: --format must be table or json, not '${format}'\n`);
        return 2;
      }
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      return runArrays(positionals, { format, stats: values.stats === true, exclude: values.exclude ?? [], signal: abort.signal }, process.stdout, process.stderr);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`loss-lens: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

/**
 * The reading commands (`arrays --stats` reads whole tables, `curves` builds long series) run
 * in a child process started with glibc's huge-page tunable (see data/hugePages.ts): one extra
 * process start, against first touches of fresh memory that on some machines cost more than
 * the read itself. Undefined when this process should do the work itself.
 */
function inHugePagesProcess(argv: string[]): Promise<number> | undefined {
  const [command, ...rest] = argv;
  const reads = command === 'curves' || (command === 'arrays' && rest.includes('--stats'));
  const script = process.argv[1];
  if (!reads || script === undefined) return undefined;
  const env = hugePagesEnvironment();
  if (env === undefined) return undefined; // also in the child: its tunable is set
  return new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv], { stdio: 'inherit', env });
    // Ctrl-C reaches the child too (same process group); it stops its read and reports.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    child.once('error', () => {
      process.off('SIGINT', ignore);
      resolve(main(argv)); // could not start a process: read here instead
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

(inHugePagesProcess(process.argv.slice(2)) ?? main(process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`loss-lens: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
