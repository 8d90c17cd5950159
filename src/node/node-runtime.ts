// The application layer's Runtime in Node: better-sqlite3, fetch (undici), JSON, zod answer shapes,
// the command line's wording, crypto randomness, the settings file (0600) of a data directory.
import { createHash, randomInt } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext, AppTiming, Runtime } from '../app/runtime.js';
import { DATABASE_FILE } from '../app/queue-database.js';
import { CLI_WORDING } from './client/cli-wording.js';
import { FetchTransport } from './client/http-transport.js';
import { nodeJson } from './client/node-json.js';
import { zodAnswerShapes } from './client/zod-answer-shapes.js';
import { nodeLeaseEnvironment } from './node-lease-environment.js';
import { snapshotStatistics } from './koreader-statistics-file.js';
import { describeFileError, partialMd5OfFile } from './partial-md5.js';
import { loadSettings, updateSettings } from './settings-file.js';
import { nodeSqliteDriver } from './sqlite/node-sqlite-driver.js';

const RANDOM_RANGE = 2 ** 32;

export function databasePath(home: string): string {
  return join(home, DATABASE_FILE);
}

function warnOnStderr(message: string): void {
  process.stderr.write(`booklore-sync: warning: ${message}\n`);
}

export interface NodeRuntimeOptions {
  warn?: (message: string) => void;
  nowMs?: () => number;
}

export function nodeRuntime(home: string, options: NodeRuntimeOptions = {}): Runtime {
  return {
    sqlite: nodeSqliteDriver(),
    http: (settings) => new FetchTransport({ timeoutMs: settings.timeoutSeconds * 1000, insecureTls: settings.insecureTls }),
    json: nodeJson,
    shapes: zodAnswerShapes,
    wording: CLI_WORDING,
    nowMs: options.nowMs ?? (() => Date.now()),
    random: () => randomInt(0, RANDOM_RANGE) / RANDOM_RANGE,
    fingerprint(path) {
      try {
        return { ok: true, hash: partialMd5OfFile(path) };
      } catch (err) {
        return { ok: false, problem: describeFileError(path, err) };
      }
    },
    fileSize(path) {
      try {
        return statSync(path).size;
      } catch {
        return null;
      }
    },
    md5Hex: (bytes) => createHash('md5').update(Buffer.from(bytes, 'latin1')).digest('hex'),
    lease: nodeLeaseEnvironment,
    settings: {
      load: () => loadSettings(home),
      saveTokens: (tokens) => {
        updateSettings(home, (current) => ({ ...current, ...tokens }));
      },
    },
    snapshotStatistics,
    warn: options.warn ?? warnOnStderr,
  };
}

/** A positive number of seconds from the environment, or undefined. */
function secondsFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = Number(env[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The command line's timing: scripts and the CLI tests shorten the waits through the environment,
 * read here, at the edge, once.
 */
export function timingFromEnv(env: NodeJS.ProcessEnv = process.env): AppTiming {
  const timing: AppTiming = {};
  const grace = secondsFromEnv(env, 'BOOKLORE_SYNC_RECONCILE_GRACE_SECONDS');
  const backoff = secondsFromEnv(env, 'BOOKLORE_SYNC_BACKOFF_BASE_SECONDS');
  if (grace !== undefined) timing.reconcileGraceSeconds = grace;
  if (backoff !== undefined) timing.backoffBaseSeconds = backoff;
  return timing;
}

/** The application over a data directory, with explicit timing (default: the product's own). */
export function nodeApp(home: string, timing: AppTiming = {}, options: NodeRuntimeOptions = {}): AppContext {
  return { runtime: nodeRuntime(home, options), databasePath: databasePath(home), timing };
}
