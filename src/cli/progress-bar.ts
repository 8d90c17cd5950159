// A progress bar on stderr for long work, only when a person is watching (not with --quiet,
// --json or without a terminal).
import type cliProgressTypes from 'cli-progress';
import { createRequire } from 'node:module';
import type { CommandContext } from './context.js';

/** Loaded only when a bar is shown: most runs (scripts, cron, daemons) never need it. */
function cliProgress(): typeof cliProgressTypes {
  return createRequire(import.meta.url)('cli-progress') as typeof cliProgressTypes;
}

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const NONE: Progress = { update: () => {}, stop: () => {} };

export function progressBar(ctx: CommandContext, label: string, minimumTotal: number): Progress {
  if (!ctx.interactive) return NONE;
  let bar: cliProgressTypes.SingleBar | null = null;
  return {
    update(done, total) {
      if (bar === null) {
        if (total < minimumTotal) return;
        const { SingleBar, Presets } = cliProgress();
        bar = new SingleBar(
          { format: `${label} [{bar}] {value}/{total} ({percentage}%) {eta_formatted}`, stream: process.stderr, hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
