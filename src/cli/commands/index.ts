import type { Command } from 'commander';
import { registerClearPending } from './clear-pending.js';
import { registerDemo } from './demo.js';
import { registerHash } from './hash.js';
import { registerHistory } from './history.js';
import { registerPending } from './pending.js';
import { registerRecord } from './record.js';
import { registerTestServer } from './test-server.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: ((program: Command) => void)[] = [
  registerRecord,
  registerPending,
  registerHistory,
  registerClearPending,
  registerHash,
  registerDemo,
  registerTestServer,
];
