// Where state lives (cli.md): --home, else $BOOKLORE_SYNC_HOME, else the platform's data directory.
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import envPaths from 'env-paths';
import { UserFacingError } from '../app/user-facing-error.js';

export function defaultDataDir(): string {
  return envPaths('booklore-sync', { suffix: '' }).data;
}

export function resolveDataDir(homeOption: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = homeOption ?? (env.BOOKLORE_SYNC_HOME ? env.BOOKLORE_SYNC_HOME : undefined) ?? defaultDataDir();
  const dir = resolve(chosen);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UserFacingError(`the data directory ${dir} is not a directory; choose another with --home or $BOOKLORE_SYNC_HOME`);
  }
  try {
    // 0700: the directory holds the queue and the credentials file.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new UserFacingError(
      `cannot create the data directory ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a writable one with --home or $BOOKLORE_SYNC_HOME`,
    );
  }
  try {
    accessSync(dir, constants.W_OK | constants.R_OK | constants.X_OK);
  } catch {
    throw new UserFacingError(
      `the data directory ${dir} is not writable by this user; choose a writable one with --home or $BOOKLORE_SYNC_HOME`,
    );
  }
  return dir;
}
