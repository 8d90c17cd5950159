// Overview: server and login, the last sync, what waits and why (counts), the next automatic
// sync, and Sync Now with live progress.
import type { Hono } from 'hono';
import { loadSettings } from '../../node/settings-file.js';
import { SyncLog } from '../../store/sync-log.js';
import { describeLogin } from '../login-kind.js';
import { describeNextSync } from '../next-sync.js';
import { backoffSummary, queueCounts } from '../status-queries.js';
import type { ProgressState, QueueCounts } from '../sync-progress.js';
import type { UiDeps, UiEnv } from '../ui-env.js';
import { localTime, plural } from '../views/format.js';
import { lastSyncText } from '../views/last-sync.js';
import { SyncButton } from '../views/layout.js';
import { withStore } from '../with-store.js';

function Counts(props: { counts: QueueCounts }) {
  const items: { key: keyof QueueCounts; label: string; href: string; help: string }[] = [
    { key: 'queued', label: 'Queued', href: '/queue?state=queued', help: 'waiting for the next sync' },
    { key: 'sending', label: 'Sending', href: '/queue?state=sending', help: 'answer lost, awaiting the check on the server' },
    { key: 'parked', label: 'Parked', href: '/queue?state=parked', help: 'refused as invalid; Retry when fixed' },
    { key: 'unresolvedBooks', label: 'Unresolved books', href: '/unresolved', help: 'fingerprints the server does not know' },
  ];
  return (
    <dl class="counts" id="counts">
      {items.map((i) => (
        <div class="count">
          <dt>
            <a href={i.href}>{i.label}</a>
          </dt>
          <dd data-count={i.key}>{props.counts[i.key].toLocaleString('en')}</dd>
          <dd class="help">{i.help}</dd>
        </div>
      ))}
    </dl>
  );
}

export function progressText(state: ProgressState): string {
  if (!state.running) return 'No sync is running.';
  const total = state.total > 0 ? ` ${state.done} of ${state.total} sessions settled.` : ' Checking the server…';
  return `Syncing (${state.trigger ?? 'sync'}).${total}`;
}

export function registerOverview(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/', (c) => {
    const settings = loadSettings(deps.home);
    const login = describeLogin(settings);
    const now = Math.floor(Date.now() / 1000);
    const data = withStore(deps, (store) => {
      const log = new SyncLog(store.db);
      return {
        counts: queueCounts(store.db),
        last: log.recent(1)[0] ?? null,
        lastDaemon: log.lastWithTrigger('watch:'),
        backoff: backoffSummary(store.db, now),
      };
    });
    const next = describeNextSync({ home: deps.home, settings, inDaemon: deps.mode === 'watch', lastDaemonSync: data.lastDaemon, now });
    const state = deps.progress.state;
    const { last } = data;
    return c.render(
      <>
        <section class="card" aria-labelledby="server-h">
          <h2 id="server-h">Server</h2>
          <p id="server">{login.server ?? 'none'}</p>
          <p>Login: {login.kind}</p>
          {login.caveat ? <p class="note">{login.caveat}</p> : null}
          <p id="manual-only">Manual Sync Only: {settings.manualSyncOnly ? 'on (only Sync Now uploads)' : 'off'}</p>
        </section>
        <section class="card" aria-labelledby="queue-h">
          <h2 id="queue-h">What waits</h2>
          <Counts counts={data.counts} />
          <p>
            {plural(data.counts.total, 'session')} in the queue. <a href="/queue">See the queue</a>
          </p>
          {data.backoff.books > 0 ? (
            <p class="note">
              {plural(data.backoff.books, 'book')} back off after server errors: automatic syncs wait until {localTime(data.backoff.until)}.
            </p>
          ) : null}
        </section>
        <section class="card" aria-labelledby="sync-h">
          <h2 id="sync-h">Syncing</h2>
          <p id="last-sync">{lastSyncText(last, now)}</p>
          <p id="next-sync">Next automatic sync: {next}</p>
          <SyncButton csrf={c.get('csrf')} />
          <p id="progress" role="status" aria-live="polite" data-running={state.running ? 'yes' : 'no'}>
            {progressText(state)}
          </p>
        </section>
      </>,
      { title: 'Overview', nav: 'overview' },
    );
  });
}
