/**
 * The results reporter as a stand-alone mocha reporter module, for runners that take a
 * reporter by path: the code-server runner's `--runner test-cli` mode passes it to
 * @vscode/test-cli's own mocha runner, to check that the suite runs there too.
 * buildTests.mjs makes `module.exports` this class, as mocha expects.
 */
import { RESULTS_FILE_VARIABLE } from './protocol.js';
import { resultsReporter } from './resultsReporter.js';

const file = process.env[RESULTS_FILE_VARIABLE];
if (!file) throw new Error(`${RESULTS_FILE_VARIABLE} must name the results file when this reporter is used`);

export default resultsReporter(file);
