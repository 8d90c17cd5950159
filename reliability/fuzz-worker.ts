// Runs one fuzzer in its own process (it captures this process's stdout and stderr while it runs
// the CLI in-process) and prints its result as one JSON line.
import { FUZZERS } from './fuzzers.js';

const [name, seedText, casesText] = process.argv.slice(2);
const fuzzer = FUZZERS[name ?? ''];
if (!fuzzer) {
  process.stderr.write(`fuzz-worker: unknown fuzzer "${name}"; one of ${Object.keys(FUZZERS).join(', ')}\n`);
  process.exit(2);
}
const result = await fuzzer(Number(seedText), Number(casesText));
process.stdout.write(`${JSON.stringify(result)}\n`);
// Timers of the commands run in-process (request timeouts) must not keep the worker alive.
process.exit(0);
