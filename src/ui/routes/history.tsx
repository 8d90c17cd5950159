// History: what reached BookLore, newest first, paged, with a filter by book.
import type { Hono } from 'hono';
import { historyBooks, historyPage } from '../status-queries.js';
import type { UiDeps, UiEnv } from '../ui-env.js';
import { bookLabel, duration, localIso, localTime } from '../views/format.js';
import { PAGE_SIZE, Pager, pageNumber } from '../views/pager.js';
import { withStore } from '../with-store.js';

export function registerHistory(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/history', (c) => {
    const bookText = c.req.query('book') ?? '';
    const bookId = /^\d+$/.test(bookText) ? Number(bookText) : null;
    const page = pageNumber(c.req.query('page'));
    const { rows, total, books } = withStore(deps, (store) => ({
      ...historyPage(store.db, bookId, (page - 1) * PAGE_SIZE, PAGE_SIZE),
      books: historyBooks(store.db),
    }));
    return c.render(
      <>
        <form method="get" action="/history" class="filter">
          <label>
            Book:{' '}
            <select name="book">
              <option value="">every book</option>
              {books.map((b) => (
                <option value={String(b.bookId)} selected={b.bookId === bookId}>
                  {`${bookLabel(b.title, b.bookId, null)} · ${b.sessions}`}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="submit">Show</button>
        </form>
        {rows.length === 0 ? (
          <p id="empty">{bookId === null ? 'No session has been uploaded yet.' : 'No uploaded session of this book.'}</p>
        ) : (
          <table id="history">
            <thead>
              <tr><th>#</th><th>Book</th><th>Start</th><th>End</th><th>Duration</th><th>Uploaded</th><th>Server id</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>{r.id}</td>
                  <td>{bookLabel(r.koreader_book_title, r.book_id, r.book_hash)}</td>
                  <td>{localIso(r.start_time)}</td>
                  <td>{localIso(r.end_time)}</td>
                  <td>{duration(r.duration_seconds)}</td>
                  <td>{localTime(r.synced_at ?? r.created_at)}</td>
                  <td>{r.server_session_id ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager path="/history" page={page} total={total} params={bookId === null ? {} : { book: String(bookId) }} />
      </>,
      { title: 'History', nav: 'history' },
    );
  });
}
