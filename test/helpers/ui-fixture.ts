// A status page under test: the bundled BookLore server on 127.0.0.1, a data directory with real
// queued sessions (some of a book the server knows, one the server will refuse, two of a
// fingerprint it does not know), and the page server started in-process on a free port.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveSettings, SettingsSchema } from '../../src/node/settings-file.js';
import type { SessionInput } from '../../src/core/session.js';
import { LocalStore } from '../../src/node/sqlite/local-store.js';
import { start, type TestServer } from '../../src/testserver/index.js';
import { tokenPath } from '../../src/ui/access-token.js';
import { startUiServer, type UiServer } from '../../src/ui/ui-server.js';
import { REPO_ROOT, tempDir } from './cli.js';
import { BOOKS, enqueueSessions } from './sync-fixture.js';

export const UNKNOWN_HASH = 'abcdef0123456789abcdef0123456789';
export const POISON = 'POISON';
const PRIDE = { ...BOOKS.pride, title: 'Pride and Prejudice' };

export interface UiFixture {
  server: TestServer;
  ui: UiServer;
  home: string;
  /** The page's base URL, without a trailing slash. */
  base: string;
  token: string;
  enqueue(sessions: SessionInput[]): number[];
  close(): Promise<void>;
}

/** A session of `book`, `daysAgo` days before now, 40 minutes long. */
export function recentSession(book: { id?: number; hash?: string; type?: string; title?: string }, daysAgo: number, hourOffset = 0, endLocation = '30'): SessionInput {
  const start = Math.floor(Date.now() / 1000 / 3600) * 3600 - daysAgo * 86400 - 3 * 3600 + hourOffset * 3600;
  return {
    bookId: book.id ?? null,
    bookHash: book.hash ?? null,
    bookType: book.type ?? 'EPUB',
    bookTitle: book.title ?? null,
    startTime: start,
    endTime: start + 2400,
    startProgress: 10,
    endProgress: 14,
    startLocation: '10',
    endLocation,
  };
}

export async function uiFixture(options: { lockTimeoutMs?: number } = {}): Promise<UiFixture> {
  const server = await start({ port: 0, faults: [`reject-session,field=endLocation,equals=${POISON},path=*`] });
  const dir = tempDir('bls-ui-');
  saveSettings(dir.path, SettingsSchema.parse({ server: server.url, username: 'reader', password: 'reader', timeoutSeconds: 5 }));
  const enqueue = (sessions: SessionInput[]) => enqueueSessions(dir.path, sessions);
  enqueue([
    recentSession(PRIDE, 1),
    recentSession(PRIDE, 2),
    recentSession({ ...BOOKS.artOfWar, title: 'The Art of War' }, 3),
    recentSession(PRIDE, 4, 0, POISON),
    recentSession({ hash: UNKNOWN_HASH }, 5),
    recentSession({ hash: UNKNOWN_HASH }, 6),
  ]);
  const store = LocalStore.open(dir.path);
  try {
    store.books.remember('/home/reader/Books/The Unknown Voyage.epub', UNKNOWN_HASH, 'The Unknown Voyage');
  } finally {
    store.close();
  }
  const ui = await startUiServer({ home: dir.path, listen: { host: '127.0.0.1', port: 0 }, lockTimeoutMs: options.lockTimeoutMs ?? 500 });
  return {
    server,
    ui,
    home: dir.path,
    base: `http://127.0.0.1:${ui.port}`,
    token: readFileSync(tokenPath(dir.path), 'utf8').trim(),
    enqueue,
    async close() {
      await ui.close();
      await server.close();
      dir.cleanup();
    },
  };
}

export const SCREENSHOTS = join(REPO_ROOT, 'test-output');
