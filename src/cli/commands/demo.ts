// `demo`: the main job on an embedded default, in a few seconds. It starts the bundled BookLore
// server, records sessions while that server is offline, shows the queue, brings the server
// back (with a lost acknowledgement thrown in), syncs, and shows the history and the server's
// view. Temporary data unless --home is given; nothing is left behind.
import type { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordSession } from '../../app/record-session.js';
import { runSync } from '../../app/run-sync.js';
import { nodeApp } from '../../node/node-runtime.js';
import { saveSettings, SettingsSchema } from '../../node/settings-file.js';
import { formatIsoUtc } from '../../core/iso-time.js';
import type { SyncReport } from '../../core/sync/sync-engine.js';
import { EXIT } from '../../app/exit-codes.js';
import { resolveDataDir } from '../../node/data-dir.js';
import { LocalStore } from '../../node/sqlite/local-store.js';
import { historyToJson, pendingToJson } from '../../store/session-rows.js';
import { action } from '../action.js';
import type { CommandContext } from '../context.js';
import { describeBook, formatTable } from '../format-table.js';
import { syncSummary } from '../../app/sync-summary.js';

const BOOKS = [
  { id: 1, file: 'Pride and Prejudice.epub' },
  { id: 2, file: 'The Art of War.pdf' },
  { id: 3, file: 'Little Nemo in Slumberland.cbz' },
];

function heading(ctx: CommandContext, text: string): void {
  ctx.print(`\n== ${text}`);
}

function showQueue(ctx: CommandContext, store: LocalStore): void {
  const rows = store.queue.pending().map(pendingToJson);
  ctx.print(
    formatTable(
      ['id', 'state', 'book', 'start', 'duration', 'retry_count', 'last error'],
      rows.map((r) => [String(r.id), r.state, describeBook(r), r.startTime, `${r.durationSeconds}s`, String(r.retryCount), r.lastError ?? '']),
    ),
  );
}

async function sync(home: string): Promise<SyncReport> {
  const result = await runSync(nodeApp(home), { automatic: false, waitForLeaseMs: 10_000 });
  if (!result.ran) throw new Error('the demo queue is busy');
  return result.report;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('a one-command tour on a bundled BookLore server: record offline, go online, sync exactly once')
    .action(
      action(async (ctx) => {
        const explicitHome = program.opts<{ home?: string }>().home;
        const home = explicitHome ? ctx.home : mkdtempSync(join(tmpdir(), 'booklore-sync-demo-'));
        // Loaded here, not at start-up: the server's code would slow every other command.
        const { seedBookBytes, start } = await import('../../testserver/index.js');
        const server = await start({ port: 0, profile: 'fork' });
        const store = LocalStore.open(home);
        try {
          ctx.print(`booklore-sync demo: data in ${home}${explicitHome ? '' : ' (temporary)'}; a bundled BookLore server at ${server.url}`);
          // A short timeout keeps the wait before checking a lost answer (twice the timeout) short.
          saveSettings(home, SettingsSchema.parse({ server: server.url, username: 'reader', password: 'reader', timeoutSeconds: 1 }));
          const books = resolveDataDir(join(home, 'demo-books'), process.env);

          heading(ctx, '1. Reading offline: the server is unreachable');
          await server.goOffline();
          const now = Math.floor(Date.now() / 1000);
          BOOKS.forEach((book, i) => {
            const path = join(books, book.file);
            writeFileSync(path, seedBookBytes(book.id));
            for (let day = 0; day < 2; day++) {
              const startTime = now - (BOOKS.length * 2 - (i * 2 + day)) * 86400;
              const outcome = recordSession(
                store,
                { bookPath: path, startTime: formatIsoUtc(startTime), endTime: formatIsoUtc(startTime + 1500 + i * 300), startLocation: `${day * 40 + 1}`, endLocation: `${day * 40 + 30}` },
                { mode: 'duration', minDurationSeconds: 30, minPages: 5 },
              );
              ctx.print(`  recorded ${book.file}, ${formatIsoUtc(startTime)} → ${outcome.queued ? `queued #${outcome.id} (fingerprint only: no book id yet)` : outcome.reason}`);
            }
          });
          const again = recordSession(
            store,
            { bookPath: join(books, BOOKS[0]!.file), startTime: formatIsoUtc(now - 6 * 86400), endTime: formatIsoUtc(now - 6 * 86400 + 1500), startLocation: '1', endLocation: '30' },
            { mode: 'duration', minDurationSeconds: 30, minPages: 5 },
          );
          ctx.print(`  recorded the first session again → ${again.queued ? 'queued' : `not queued (${again.reason})`}`);
          const offline = await sync(home);
          ctx.print(`  sync: ${offline.message ?? syncSummary(offline)}`);

          heading(ctx, '2. The durable queue (pending_sessions), as `booklore-sync pending` shows it');
          showQueue(ctx, store);

          heading(ctx, '3. Back online; the server will lose its answer to the first upload');
          await server.goOnline();
          server.admin.addFaults({ rules: ['drop-after-commit,path=/api/v1/reading-sessions/batch,count=1'] });
          const first = await sync(home);
          ctx.print(`  sync: ${syncSummary(first)}`);
          ctx.print(`  ${first.unknown} session(s) stay marked as sent: their answer was lost, so the server must be asked before anything is sent again`);
          showQueue(ctx, store);
          // No wait: the next sync looks for them at once (only a re-send would wait for the grace).
          const online = await sync(home);
          ctx.print(`  next sync: ${syncSummary(online)}`);
          if (online.reconciled > 0) {
            ctx.print(`  ${online.reconciled} session(s) whose answer was lost were found on the server, not sent twice`);
          }

          heading(ctx, '4. History (historical_sessions), as `booklore-sync history` shows it');
          const history = store.queue.history(100).map(historyToJson);
          ctx.print(
            formatTable(
              ['id', 'book', 'start', 'duration', 'server id'],
              history.map((h) => [String(h.id), describeBook(h), h.startTime, `${h.durationSeconds}s`, h.serverSessionId === null ? '' : String(h.serverSessionId)]),
            ),
          );

          heading(ctx, "5. The server's view (GET /__admin/sessions)");
          const onServer = server.admin.sessions();
          ctx.print(formatTable(['id', 'user', 'book', 'start', 'end'], onServer.map((s) => [String(s.id), s.username, `${s.bookTitle} (#${s.bookId})`, s.startTime, s.endTime])));
          const keys = new Set(onServer.map((s) => `${s.bookId}|${s.startTime}|${s.endTime}`));
          const exactlyOnce = keys.size === onServer.length && onServer.length === history.length;
          ctx.print(`\n${onServer.length} sessions on the server, ${keys.size} distinct: ${exactlyOnce ? 'every recorded session exactly once' : 'MISMATCH'}`);
          ctx.emitJson({ home, uploaded: first.uploaded + online.uploaded, reconciled: online.reconciled, onServer: onServer.length, pending: online.pending, exactlyOnce });
          return exactlyOnce && online.pending === 0 ? EXIT.ok : EXIT.failed;
        } finally {
          store.close();
          await server.close();
          if (!explicitHome) rmSync(home, { recursive: true, force: true });
        }
      }),
    );
}
