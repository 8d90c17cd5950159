// `sync`: Sync Now. Resolve books, upload, report; exit 0 only when nothing is left to upload.
import type { Command } from 'commander';
import { runSync } from '../../app/run-sync.js';
import { syncJson, syncStopNotice, syncSummary } from '../../app/sync-summary.js';
import type { SyncReport } from '../../core/sync/sync-engine.js';
import { EXIT, type ExitCode } from '../../app/exit-codes.js';
import { UserFacingError, usageError } from '../../app/user-facing-error.js';
import { action } from '../action.js';
import type { CommandContext } from '../context.js';
import { progressBar } from '../progress-bar.js';
import { sendControl, socketPath } from '../../daemon/control-socket.js';

interface SyncOptions {
  automatic?: boolean;
  wait: string;
  viaDaemon?: boolean;
  parallelUploads?: string;
}

export function exitCodeFor(report: SyncReport): ExitCode {
  if (report.stoppedBy === 'auth') return EXIT.credentials;
  return report.pending === 0 ? EXIT.ok : EXIT.stillQueued;
}

export async function syncNow(ctx: CommandContext, automatic: boolean, waitMs: number, parallelSingles?: number): Promise<ExitCode> {
  const bar = progressBar(ctx, 'Uploading', 200);
  let result;
  try {
    result = await runSync(ctx.app, {
      automatic,
      waitForLeaseMs: waitMs,
      ...(parallelSingles !== undefined ? { parallelSingles } : {}),
      events: { progress: (done, total) => bar.update(done, total), log: (line) => ctx.info(line) },
    });
  } finally {
    bar.stop();
  }
  if (!result.ran) {
    throw new UserFacingError(
      `another sync${result.busyPid ? ` (pid ${result.busyPid})` : ''} is still running on this queue after waiting ${Math.round(waitMs / 1000)} s; try again later`,
      EXIT.stillQueued,
    );
  }
  const { report } = result;
  ctx.emitJson(syncJson(report));
  const notice = syncStopNotice(report);
  if (notice !== null) (notice.problem ? ctx.warn(notice.text) : ctx.info(notice.text));
  ctx.print(syncSummary(report));
  return exitCodeFor(report);
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('Sync Now: resolve books by hash, upload queued sessions, report (exit 3 if any stay queued)')
    .option('--automatic', 'behave as an automatic trigger: respect backoff after server errors')
    .option('--wait <seconds>', 'how long to wait for a sync already running on this queue', '300')
    .option('--parallel-uploads <n>', 'single uploads in flight on servers without batch upload (default: the setting, 8)')
    .option('--via-daemon', 'ask the running `watch` daemon to sync (the dispatcher action) instead of syncing here')
    .action(
      action<SyncOptions>(async (ctx, options) => {
        const wait = Number(options.wait);
        if (!Number.isFinite(wait) || wait < 0) throw usageError(`--wait must be a number of seconds (got "${options.wait}")`);
        if (options.viaDaemon) {
          const reply = await sendControl(socketPath(ctx.home), 'sync', Math.max(wait * 1000, 60_000));
          if (reply !== null) {
            if (!reply.ok || !reply.report) throw new UserFacingError(`the daemon could not sync: ${reply.error ?? 'no report'}`, EXIT.stillQueued);
            const report = reply.report as ReturnType<typeof syncJson>;
            ctx.emitJson(report);
            ctx.print(`the daemon synced: ${report.uploaded} uploaded, ${report.pending} still queued`);
            return report.stoppedBy === 'auth' ? EXIT.credentials : report.pending === 0 ? EXIT.ok : EXIT.stillQueued;
          }
          ctx.info('no daemon is running for this data directory; syncing here');
        }
        let parallel: number | undefined;
        if (options.parallelUploads !== undefined) {
          parallel = Number(options.parallelUploads);
          if (!Number.isInteger(parallel) || parallel < 1 || parallel > 32) throw usageError(`--parallel-uploads must be a whole number 1–32 (got "${options.parallelUploads}")`);
        }
        return syncNow(ctx, options.automatic === true, wait * 1000, parallel);
      }),
    );
}
