/**
 * A mocha reporter that appends one JSON line per event to the results file named by
 * LOSS_LENS_TEST_RESULTS, so the runner outside the extension host can print progress as it
 * happens and knows the run is over when the `end` line arrives.
 */
import { appendFileSync } from 'node:fs';
import Mocha from 'mocha';
import type { ResultEvent } from './protocol.js';

/** Appends one event to the results file (synchronously: the host may be torn down right after). */
export function writeResult(file: string, event: ResultEvent): void {
  appendFileSync(file, `${JSON.stringify(event)}\n`);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** Builds the reporter class bound to one results file. */
export function resultsReporter(file: string): typeof Mocha.reporters.Base {
  return class ResultsReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      let passed = 0;
      let failed = 0;
      let pending = 0;
      runner.on(Mocha.Runner.constants.EVENT_RUN_BEGIN, () => writeResult(file, { type: 'start', total: runner.total }));
      runner.on(Mocha.Runner.constants.EVENT_TEST_BEGIN, (test) => writeResult(file, { type: 'begin', title: test.fullTitle() }));
      runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
        passed++;
        writeResult(file, { type: 'pass', title: test.fullTitle(), durationMs: test.duration ?? 0 });
      });
      runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error) => {
        failed++;
        writeResult(file, { type: 'fail', title: test.fullTitle(), error: errorText(error) });
      });
      runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test) => {
        pending++;
        writeResult(file, { type: 'pending', title: test.fullTitle() });
      });
      runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => writeResult(file, { type: 'end', passed, failed, pending }));
    }
  };
}
