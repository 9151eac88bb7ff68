#!/usr/bin/env node
/**
 * `loss-lens`: the kernels, readers and linter from a terminal or CI.
 */
import { parseArgs } from 'node:util';
import { runEval } from './eval.js';
import { runCatalog } from './catalog.js';

const USAGE = `Usage: loss-lens <command> [options]

Commands:
  eval                 Read loss requests as JSON lines on stdin; write one JSON answer per line.
                       Request: {"id", "api", "init", "args", "kwargs"[, "grad", "per_sample"]}
  catalog [NAME...]    List the catalogued loss APIs, or describe the named ones.
                       --json   machine-readable output
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`loss-lens: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
