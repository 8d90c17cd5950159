// Unresolved books: fingerprints the server could not match, with their sessions and the local file
// where known, and Attach to a book picked from the server's library (as `booklore-sync attach`).
import type { Hono } from 'hono';
import { basename } from 'node:path';
import { attachBookToHash } from '../../app/attach-book.js';
import { loadSettings } from '../../node/settings-file.js';
import { normalizeBookHash } from '../../core/session.js';
import { withFlash } from '../flash.js';
import { matchBooks, serverBooks, type BookList } from '../server-books.js';
import { sessionsOfHash, unresolvedBooks, type UnresolvedBook } from '../status-queries.js';
import type { UiDeps, UiEnv } from '../ui-env.js';
import { duration, localIso, plural } from '../views/format.js';
import { CsrfField } from '../views/layout.js';
import { withStore } from '../with-store.js';
import type { PendingRow } from '../../store/session-rows.js';

const SESSIONS_SHOWN = 10;

function AttachForm(props: { hash: string; csrf: string; bookId: number; title: string }) {
  return (
    <form method="post" action="/unresolved/attach" class="inline">
      <CsrfField csrf={props.csrf} />
      <input type="hidden" name="hash" value={props.hash} />
      <input type="hidden" name="bookId" value={String(props.bookId)} />
      <button type="submit" aria-label={`Attach to ${props.title}`}>Attach</button>
    </form>
  );
}

function Candidates(props: { hash: string; query: string; list: BookList; csrf: string }) {
  if (!props.list.ok) return <p class="banner error" role="alert">{props.list.message}. Nothing was changed; try again when the server answers.</p>;
  const found = matchBooks(props.list.books, props.query);
  if (found.length === 0) return <p>No book on the server matches “{props.query}”.</p>;
  return (
    <table class="candidates">
      <thead>
        <tr><th>Book id</th><th>Title</th><th>Type</th><th></th></tr>
      </thead>
      <tbody>
        {found.map((b) => (
          <tr>
            <td>{b.id}</td>
            <td>{b.title ?? '(no title)'}</td>
            <td>{b.bookType ?? ''}</td>
            <td><AttachForm hash={props.hash} csrf={props.csrf} bookId={b.id} title={b.title ?? `#${b.id}`} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BookCard(props: { book: UnresolvedBook; sessions: PendingRow[]; csrf: string; search: { query: string; list: BookList } | null }) {
  const { book } = props;
  return (
    <section class="card" id={`hash-${book.hash}`} data-hash={book.hash}>
      <h2>{book.title ?? (book.filePath ? basename(book.filePath) : `Fingerprint ${book.hash}`)}</h2>
      <p>
        Fingerprint <code>{book.hash}</code>
        {book.filePath ? <> · local file <code>{basename(book.filePath)}</code></> : ' · local file not known (imported or recorded by hash)'}
      </p>
      <p>
        {plural(book.sessions, 'session')}, {duration(book.seconds)} of reading.{book.lastError ? ` Server said: ${book.lastError}` : ''}
      </p>
      <ul class="sessions">
        {props.sessions.map((s) => (
          <li>{`${localIso(s.start_time)}, ${duration(s.duration_seconds)} (${s.upload_state})`}</li>
        ))}
        {book.sessions > props.sessions.length ? <li>… and {book.sessions - props.sessions.length} more</li> : null}
      </ul>
      <form method="get" action="/unresolved" class="search" role="search">
        <input type="hidden" name="hash" value={book.hash} />
        <label>
          Find the book on the server: <input type="search" name="q" value={props.search?.query ?? ''} placeholder="title or book id" />
        </label>
        <button type="submit">Search</button>
      </form>
      <form method="post" action="/unresolved/attach" class="inline by-id">
        <CsrfField csrf={props.csrf} />
        <input type="hidden" name="hash" value={book.hash} />
        <label>
          or attach by book id: <input type="text" inputmode="numeric" name="bookId" size={6} required />
        </label>
        <button type="submit">Attach by id</button>
      </form>
      {props.search ? <Candidates hash={book.hash} query={props.search.query} list={props.search.list} csrf={props.csrf} /> : null}
    </section>
  );
}

async function attach(deps: UiDeps, hashText: string, bookIdText: string): Promise<{ kind: 'ok' | 'error'; text: string; offerSync?: boolean }> {
  const hash = normalizeBookHash(hashText);
  const bookId = Number(bookIdText);
  if (hash === null) return { kind: 'error', text: 'Nothing attached: the fingerprint must be 32 hex digits.' };
  if (!/^\d+$/.test(bookIdText) || bookId < 1) return { kind: 'error', text: `Nothing attached: "${bookIdText}" is not a book id.` };
  const settings = loadSettings(deps.home);
  const list = await serverBooks(deps.home, settings);
  if (!list.ok) return { kind: 'error', text: `Nothing attached: ${list.message}. Book #${bookId} could not be checked; try again when the server answers.` };
  const book = list.books.find((b) => b.id === bookId);
  if (!book) return { kind: 'error', text: `Nothing attached: the server has no book #${bookId} that your account can see.` };
  const changed = withStore(deps, (store) => attachBookToHash(store, settings, hash, bookId));
  if (changed === 0) return { kind: 'error', text: 'Nothing attached: no queued session has this fingerprint any more (uploaded or cleared meanwhile).' };
  return { kind: 'ok', text: `Attached “${book.title ?? `#${bookId}`}” (#${bookId}) to ${plural(changed, 'queued session')}. Sync to upload them.`, offerSync: true };
}

export function registerUnresolved(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/unresolved', async (c) => {
    const searchHash = c.req.query('hash');
    const query = c.req.query('q');
    const data = withStore(deps, (store) =>
      unresolvedBooks(store.db).map((book) => ({ book, sessions: sessionsOfHash(store.db, book.hash, SESSIONS_SHOWN) })),
    );
    const searching = searchHash !== undefined && query !== undefined && data.some((d) => d.book.hash === searchHash);
    const list = searching ? await serverBooks(deps.home, loadSettings(deps.home)) : null;
    const csrf = c.get('csrf');
    return c.render(
      <>
        <p>
          The server could not find these books by their fingerprint (KOReader's partial MD5): an upstream BookLore without hash lookup, a file
          BookLore rewrote, or a book not in your library. Attach each to its book; the next sync uploads its sessions.
        </p>
        {data.length === 0 ? <p id="empty">No unresolved books: every queued session has its book.</p> : null}
        {data.map((d) => (
          <BookCard
            book={d.book}
            sessions={d.sessions}
            csrf={csrf}
            search={list !== null && d.book.hash === searchHash ? { query: query ?? '', list } : null}
          />
        ))}
      </>,
      { title: 'Unresolved books', nav: 'unresolved' },
    );
  });

  app.post('/unresolved/attach', async (c) => {
    const body = await c.req.parseBody();
    const flash = await attach(deps, String(body.hash ?? ''), String(body.bookId ?? ''));
    return c.redirect(withFlash('/unresolved', deps.flash.put(flash)), 303);
  });
}
