// Queue: every queued session with its state and the reason in words; Retry for parked sessions
// (as `booklore-sync retry`), Clear Pending after a confirmation that names the count (as
// `booklore-sync clear-pending`).
import type { Hono } from 'hono';
import { withFlash } from '../flash.js';
import { queueReason, stateLabel } from '../queue-reason.js';
import { QUEUE_FILTERS, queueCounts, queuePage, type QueueFilter, type QueueRow } from '../status-queries.js';
import type { QueueCounts } from '../sync-progress.js';
import type { UiDeps, UiEnv } from '../ui-env.js';
import { bookLabel, duration, localIso, plural } from '../views/format.js';
import { CsrfField } from '../views/layout.js';
import { PAGE_SIZE, Pager, pageNumber } from '../views/pager.js';
import { withStore } from '../with-store.js';

function filterOf(text: string | undefined): QueueFilter {
  return QUEUE_FILTERS.includes(text as QueueFilter) ? (text as QueueFilter) : 'all';
}

function QueueView(props: { filter: QueueFilter; page: number; rows: QueueRow[]; total: number; counts: QueueCounts; csrf: string; now: number }) {
  const { filter, page, rows, total, counts, csrf, now } = props;
  return (
    <>
      <nav class="filters" aria-label="Show">
        {QUEUE_FILTERS.map((f) => (
          <a href={`/queue?state=${f}`} aria-current={f === filter ? 'true' : undefined}>
            {f}
          </a>
        ))}
      </nav>
      <div class="actions">
        {counts.parked > 0 ? (
          <form method="post" action="/queue/retry" class="inline">
            <CsrfField csrf={csrf} />
            <input type="hidden" name="id" value="all" />
            <button type="submit">Retry all parked ({counts.parked.toLocaleString('en')})</button>
          </form>
        ) : null}
        {counts.total > 0 ? (
          <a class="button danger" href="/queue/clear" id="clear-pending">
            Clear Pending…
          </a>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <p id="empty">{filter === 'all' ? 'The queue is empty: nothing waits to be uploaded.' : `No ${filter} sessions.`}</p>
      ) : (
        <table id="queue">
          <thead>
            <tr>
              <th>#</th><th>Book</th><th>Start</th><th>Duration</th><th>Retries</th><th>State</th><th>Why it waits</th><th></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-id={r.id} data-state={stateLabel(r)}>
                <td>{r.id}</td>
                <td>{bookLabel(r.book_title, r.book_id, r.book_hash)}</td>
                <td>{localIso(r.start_time)}</td>
                <td>{duration(r.duration_seconds)}</td>
                <td>{r.retry_count ?? 0}</td>
                <td>{stateLabel(r)}</td>
                <td>{queueReason(r, now)}</td>
                <td>
                  {r.upload_state === 'parked' ? (
                    <form method="post" action="/queue/retry" class="inline">
                      <CsrfField csrf={csrf} />
                      <input type="hidden" name="id" value={String(r.id)} />
                      <button type="submit" aria-label={`Retry session ${r.id}`}>Retry</button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path="/queue" page={page} total={total} params={{ state: filter }} />
    </>
  );
}

export function registerQueue(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/queue', (c) => {
    const filter = filterOf(c.req.query('state'));
    const page = pageNumber(c.req.query('page'));
    const now = Math.floor(Date.now() / 1000);
    const { rows, total, counts } = withStore(deps, (store) => ({
      ...queuePage(store.db, filter, (page - 1) * PAGE_SIZE, PAGE_SIZE),
      counts: queueCounts(store.db),
    }));
    return c.render(<QueueView filter={filter} page={page} rows={rows} total={total} counts={counts} csrf={c.get('csrf')} now={now} />, {
      title: 'Queue',
      nav: 'queue',
    });
  });

  app.post('/queue/retry', async (c) => {
    const body = await c.req.parseBody();
    const id = String(body.id ?? '');
    if (id !== 'all' && !/^\d+$/.test(id)) {
      return c.redirect(withFlash('/queue', deps.flash.put({ kind: 'error', text: `Nothing retried: "${id}" is not a session id.` })), 303);
    }
    const count = withStore(deps, (store) => store.queue.retryParked(id === 'all' ? null : [Number(id)]));
    const text =
      count === 0
        ? 'Nothing retried: that session is no longer parked (it may have been retried or uploaded meanwhile).'
        : `${plural(count, 'parked session')} back in the queue.`;
    return c.redirect(withFlash('/queue', deps.flash.put({ kind: count === 0 ? 'error' : 'ok', text, offerSync: count > 0 })), 303);
  });

  app.get('/queue/clear', (c) => {
    const count = withStore(deps, (store) => store.queue.pendingCount());
    return c.render(
      count === 0 ? (
        <p id="empty">The queue is already empty.</p>
      ) : (
        <form method="post" action="/queue/clear" id="confirm-clear">
          <p class="banner error">
            Permanently delete {plural(count, 'queued session')}? They will NOT be uploaded to BookLore. This cannot be undone.
          </p>
          <CsrfField csrf={c.get('csrf')} />
          <input type="hidden" name="count" value={String(count)} />
          <button type="submit" class="danger">Delete {plural(count, 'session')} permanently</button> <a href="/queue">Cancel</a>
        </form>
      ),
      { title: 'Clear Pending', nav: 'queue' },
    );
  });

  app.post('/queue/clear', async (c) => {
    const body = await c.req.parseBody();
    const expected = Number(body.count);
    const outcome = withStore(deps, (store) =>
      store.db.transaction(() => {
        // The count the user confirmed must still be the count: a session queued meanwhile was not seen.
        const now = store.queue.pendingCount();
        return now === expected ? { deleted: store.queue.clearPending(), now } : { deleted: null, now };
      }).immediate(),
    );
    const flash =
      outcome.deleted === null
        ? { kind: 'error' as const, text: `Nothing deleted: the queue changed since you confirmed (now ${plural(outcome.now, 'session')}). Look again, then confirm.` }
        : { kind: 'ok' as const, text: `Deleted ${plural(outcome.deleted, 'queued session')}.` };
    return c.redirect(withFlash('/queue', deps.flash.put(flash)), 303);
  });
}
