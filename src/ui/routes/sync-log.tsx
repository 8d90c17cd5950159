// Sync log: the last 100 syncs from any trigger (this page, the CLI, the daemon), from the database.
import type { Hono } from 'hono';
import { SyncLog } from '../../store/sync-log.js';
import type { UiDeps, UiEnv } from '../ui-env.js';
import { localTime } from '../views/format.js';
import { withStore } from '../with-store.js';

export function registerSyncLog(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/log', (c) => {
    const entries = withStore(deps, (store) => new SyncLog(store.db).recent(100));
    return c.render(
      entries.length === 0 ? (
        <p id="empty">No sync has run yet.</p>
      ) : (
        <table id="sync-log">
          <thead>
            <tr><th>Started</th><th>Trigger</th><th>Duration</th><th>Outcome</th><th>Uploaded</th><th>Failed</th><th>Parked</th><th>Left</th><th>Message</th></tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr data-outcome={e.outcome}>
                <td>{localTime(e.startedAt)}</td>
                <td>{e.trigger}</td>
                <td>{`${(e.durationMs / 1000).toFixed(1)} s`}</td>
                <td>{e.outcome}</td>
                <td>{e.uploaded}</td>
                <td>{e.failed}</td>
                <td>{e.parked}</td>
                <td>{e.pending}</td>
                <td>{e.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ),
      { title: 'Sync log', nav: 'log' },
    );
  });
}
