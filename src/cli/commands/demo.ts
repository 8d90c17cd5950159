// `demo`: the main job on an embedded default. For now it shows the queue half of the story:
// sessions recorded offline are validated, fingerprinted and committed to the durable queue.
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordSession } from '../../app/record-session.js';
import { DEFAULT_DETECTION_RULES } from '../../core/detection-rules.js';
import { formatIsoUtc } from '../../core/iso-time.js';
import { EXIT } from '../../exit-codes.js';
import { resolveDataDir } from '../../node/data-dir.js';
import { LocalStore } from '../../store/local-store.js';
import { pendingToJson } from '../../store/session-rows.js';
import { action } from '../action.js';
import { describeBook, formatTable } from '../format-table.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('a one-command tour: record sessions offline into a throw-away queue and show it')
    .action(
      action((ctx) => {
        const explicitHome = program.opts<{ home?: string }>().home;
        const home = explicitHome ? ctx.home : mkdtempSync(join(tmpdir(), 'booklore-sync-demo-'));
        const books = resolveDataDir(join(home, 'demo-books'), process.env);
        const store = LocalStore.open(home);
        try {
          ctx.info(`demo: data directory ${home}${explicitHome ? '' : ' (temporary, removed at the end)'}`);
          const now = Math.floor(Date.now() / 1000);
          const files = ['Dune.epub', 'A Wizard of Earthsea.pdf', 'Watchmen.cbz'].map((name) => {
            const path = join(books, name);
            writeFileSync(path, randomBytes(50_000));
            return path;
          });
          files.forEach((path, i) => {
            const start = now - (i + 1) * 86400;
            const outcome = recordSession(
              store,
              { bookPath: path, startTime: formatIsoUtc(start), endTime: formatIsoUtc(start + 1800 + i * 600), startLocation: '10', endLocation: `${30 + i * 5}` },
              DEFAULT_DETECTION_RULES,
            );
            ctx.info(`demo: recorded a session of ${path.split('/').pop()} offline → ${outcome.queued ? `queued #${outcome.id}` : outcome.reason}`);
          });
          const rows = store.queue.pending().map(pendingToJson);
          ctx.print('\nThe durable queue (pending_sessions), as `booklore-sync pending` shows it:\n');
          ctx.print(formatTable(['id', 'state', 'book', 'start', 'duration', 'retries'], rows.map((r) => [String(r.id), r.state, describeBook(r), r.startTime, `${r.durationSeconds}s`, String(r.retryCount)])));
          ctx.emitJson({ home, pending: rows });
          return EXIT.ok;
        } finally {
          store.close();
          if (!explicitHome) rmSync(home, { recursive: true, force: true });
        }
      }),
    );
}
