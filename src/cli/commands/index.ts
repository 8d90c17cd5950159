import type { Command } from 'commander';
import { registerAttach } from './attach.js';
import { registerBooks } from './books.js';
import { registerClearPending } from './clear-pending.js';
import { registerConfigure } from './configure.js';
import { registerDemo } from './demo.js';
import { registerHash } from './hash.js';
import { registerHistory } from './history.js';
import { registerImportKoreaderStats } from './import-koreader-stats.js';
import { registerPending } from './pending.js';
import { registerRecord } from './record.js';
import { registerRetry } from './retry.js';
import { registerSync } from './sync.js';
import { registerTestConnection } from './test-connection.js';
import { registerTestServer } from './test-server.js';
import { registerUi } from './ui.js';
import { registerWatch } from './watch.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: ((program: Command) => void)[] = [
  registerConfigure,
  registerTestConnection,
  registerRecord,
  registerSync,
  registerPending,
  registerHistory,
  registerClearPending,
  registerImportKoreaderStats,
  registerWatch,
  registerUi,
  registerAttach,
  registerRetry,
  registerBooks,
  registerHash,
  registerDemo,
  registerTestServer,
];
