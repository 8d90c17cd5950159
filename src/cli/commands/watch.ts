// `watch`: the foreground daemon (systemd, containers). See src/daemon/watch-daemon.ts.
import type { Command } from 'commander';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotConfiguredError } from '../../app/booklore-connection.js';
import { loadSettings } from '../../node/settings-file.js';
import { formatIsoUtc } from '../../core/iso-time.js';
import { listenControl, socketPath, socketUsable } from '../../daemon/control-socket.js';
import { WatchDaemon, type DaemonClock } from '../../daemon/watch-daemon.js';
import { EXIT } from '../../app/exit-codes.js';
import { UserFacingError, usageError } from '../../app/user-facing-error.js';
import { action } from '../action.js';
import { syncJson } from '../../app/sync-summary.js';
import { announceUi } from '../../ui/announce.js';
import { daemonObserver } from '../../ui/daemon-observer.js';
import { DEFAULT_LISTEN, parseListenAddress } from '../../ui/listen-address.js';
import { SyncProgressHub } from '../../ui/sync-progress.js';
import { snapshotReader, startUiServer } from '../../ui/ui-server.js';

/**
 * The wall clock, shifted by the seconds in $BOOKLORE_SYNC_TEST_WALL_OFFSET_FILE when set: tests
 * cannot suspend the machine, so they move the wall clock to simulate a resume.
 */
function systemClock(): DaemonClock {
  const offsetFile = process.env.BOOKLORE_SYNC_TEST_WALL_OFFSET_FILE;
  const offsetMs = () => {
    if (!offsetFile) return 0;
    try {
      return Number(readFileSync(offsetFile, 'utf8').trim()) * 1000 || 0;
    } catch {
      return 0;
    }
  };
  return { wallMs: () => Date.now() + offsetMs(), monoMs: () => performance.now() };
}

function positive(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw usageError(`${name} must be a number ≥ ${min} (got "${value}")`);
  return n;
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('run in the foreground as a daemon: sync on resume, on network regain, on SIGUSR1 and on an interval')
    .option('--interval <seconds>', 'sync this often on its own (default: the configured interval, 900)')
    .option('--tick <seconds>', 'how often to look for triggers (default 5)', '5')
    .option('--ui [host:port]', `also serve the status page (default ${DEFAULT_LISTEN})`)
    .action(
      action<{ interval?: string; tick: string; ui?: string | boolean }>(async (ctx, options) => {
        const interval = positive('--interval', options.interval, 1);
        const tick = positive('--tick', options.tick, 0.05)!;
        const settings = loadSettings(ctx.home);
        if (!settings.server) throw new NotConfiguredError(ctx.app.runtime.wording.notConfigured);
        const log = (line: string) => process.stdout.write(`${formatIsoUtc(Math.floor(Date.now() / 1000))} ${line}\n`);
        const uiListen = options.ui === undefined ? null : parseListenAddress(options.ui === true ? DEFAULT_LISTEN : String(options.ui));
        const progress = new SyncProgressHub();
        const daemon = new WatchDaemon({
          ...(uiListen ? { observer: daemonObserver(progress, snapshotReader(ctx.home)) } : {}),
          home: ctx.home,
          app: ctx.app,
          tickMs: tick * 1000,
          intervalSeconds: interval,
          resumeThresholdMs: Math.max(30_000, tick * 3000),
          clock: systemClock(),
          log,
        });

        const path = socketPath(ctx.home);
        const control = socketUsable(path)
          ? await listenControl(path, async (command) => {
              if (command !== 'sync') return { ok: false, error: `unknown command "${command}"` };
              const outcome = await daemon.trigger('request');
              return outcome.ran ? { ok: true, report: syncJson(outcome.report) } : { ok: false, error: outcome.reason };
            }).catch((err: Error) => {
              throw new UserFacingError(`${err.message} (${path}); stop it first, or use another --home`);
            })
          : null;
        if (control === null) ctx.warn(`the data directory path is too long for a control socket; use SIGUSR1 to ask for a sync`);
        const pidFile = join(ctx.home, 'watch.pid');
        writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });

        const ui = uiListen
          ? await startUiServer({ home: ctx.home, listen: uiListen, daemon: { progress, sync: () => daemon.trigger('ui') } }).catch((err: unknown) => {
              control?.close();
              unlinkSync(pidFile);
              throw err;
            })
          : null;
        // The daemon's stdout is a log (journald): the token is never printed there, only where it is kept.
        if (ui && uiListen) announceUi(ui, uiListen, { print: log, warn: (line) => ctx.warn(line), showToken: false });
        daemon.start();
        log(`watching ${ctx.home} (pid ${process.pid}, server ${settings.server}${settings.manualSyncOnly ? ', Manual Sync Only' : ''}); SIGUSR1 or \`booklore-sync sync --via-daemon\` syncs now`);
        process.on('SIGUSR1', () => void daemon.trigger('signal'));

        await new Promise<void>((resolve) => {
          let stopping = false;
          const shutdown = (signal: string) => {
            if (stopping) {
              // A second signal: leave at once; sessions on the wire are reconciled by the next sync.
              process.exit(EXIT.failed);
            }
            stopping = true;
            log(`${signal}: finishing the request on the wire, then stopping`);
            void daemon.stop().then(resolve);
          };
          process.on('SIGINT', () => shutdown('SIGINT'));
          process.on('SIGTERM', () => shutdown('SIGTERM'));
        });
        control?.close();
        await ui?.close();
        try {
          unlinkSync(pidFile);
        } catch {
          // already gone
        }
        log('stopped');
        return EXIT.ok;
      }),
    );
}
