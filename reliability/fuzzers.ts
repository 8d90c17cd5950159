// Every fuzzer by name: `npm run fuzz` runs them all, the test suite runs each with a fixed seed.
import { fuzzCli, fuzzSettingsFile } from './fuzz/fuzz-cli.js';
import type { FuzzResult } from './fuzz/fuzz-result.js';
import { fuzzDatabases } from './fuzz/fuzz-databases.js';
import { fuzzResponses } from './fuzz/fuzz-responses.js';
import { fuzzSessions } from './fuzz/fuzz-sessions.js';
import { fuzzStatisticsFiles } from './fuzz/fuzz-stats-files.js';

export const FUZZERS: Record<string, (seed: number, cases: number) => Promise<FuzzResult> | FuzzResult> = {
  sessions: fuzzSessions,
  cli: fuzzCli,
  settings: fuzzSettingsFile,
  responses: fuzzResponses,
  databases: fuzzDatabases,
  statistics: fuzzStatisticsFiles,
};
