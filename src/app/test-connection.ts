// Test Connection: reachability, each configured login, and what the server can do. The answers
// also refresh the remembered capabilities used by sync (X3).
import type { Settings } from '../config/settings.js';
import { SqliteSyncStore } from '../store/sqlite-sync-store.js';
import { withLocalStore } from '../store/local-store.js';
import { bookFinding, type FindingReport } from './book-finding.js';
import { connect } from './booklore-connection.js';

export type LoginState = 'ok' | 'rejected' | 'not configured' | 'unknown';

export interface ConnectionReport extends FindingReport {
  server: string;
  reachable: boolean;
  problem: string | null;
  version: string | null;
  bookloreLogin: LoginState;
  koreaderLogin: LoginState;
  batchUpload: boolean | null;
  hashLookup: boolean | null;
  /** Whether a lost acknowledgement can be checked on the server (needs a BookLore account). */
  reconciliation: boolean;
  warnings: string[];
}

export async function testConnection(home: string, settings: Settings, now: () => number): Promise<ConnectionReport> {
  const client = connect(home, settings);
  const report: ConnectionReport = {
    server: client.serverKey,
    reachable: false,
    problem: null,
    version: null,
    bookloreLogin: client.auth.hasJwt ? 'unknown' : 'not configured',
    koreaderLogin: client.auth.hasKoreader ? 'unknown' : 'not configured',
    batchUpload: null,
    hashLookup: null,
    reconciliation: client.canListSessions,
    bookFinding: null,
    bookFindingNote: null,
    uploads: null,
    parallelUploads: settings.parallelUploads,
    warnings: [],
  };
  if (settings.insecureTls) report.warnings.push('TLS certificate checks are OFF for this server (--insecure-tls on)');
  const health = await client.healthcheck();
  if (!health.ok) {
    report.problem = health.failure.message;
    return report;
  }
  report.reachable = true;
  report.version = health.version;

  if (client.auth.hasKoreader) {
    const koreader = await client.checkKoreaderLogin();
    report.koreaderLogin = koreader.ok ? 'ok' : koreader.failure.kind === 'auth' ? 'rejected' : 'unknown';
    if (!koreader.ok && koreader.failure.kind !== 'auth') report.warnings.push(`KOReader login not checked: ${koreader.failure.message}`);
  }
  if (client.auth.hasJwt) {
    const booklore = await client.checkBookLoreLogin();
    report.bookloreLogin = booklore.ok ? 'ok' : booklore.failure.kind === 'auth' ? 'rejected' : 'unknown';
    if (!booklore.ok) report.problem = booklore.failure.message;
  }
  if (report.bookloreLogin === 'rejected' || report.koreaderLogin === 'rejected') return report;
  if (!client.auth.hasJwt && !client.auth.hasKoreader) {
    report.problem = 'no login is configured; run `booklore-sync configure --username NAME` (and/or --koreader-username)';
    return report;
  }

  const batch = await client.probeBatch();
  if (batch.ok) report.batchUpload = batch.supported;
  else report.warnings.push(`batch upload not checked: ${batch.failure.message}`);
  const lookup = await client.probeHashLookup();
  if (lookup.ok) report.hashLookup = lookup.supported;
  else report.warnings.push(`hash lookup not checked: ${lookup.failure.message}`);
  if (report.batchUpload !== null && report.hashLookup !== null) {
    withLocalStore(home, (store) =>
      new SqliteSyncStore(store.db, client.serverKey, null, now).saveCapabilities(client.serverKey, {
        batchUpload: report.batchUpload,
        hashLookup: report.hashLookup,
        checkedAt: now(),
      }),
    );
  }
  if (!report.reconciliation) {
    report.warnings.push(
      'only a KOReader login is configured: BookLore lists sessions to BookLore accounts only, so after a lost acknowledgement a session is re-sent unchecked and may be duplicated; add --username for exactly-once uploads',
    );
  }
  Object.assign(report, await bookFinding(client, report.hashLookup, report.batchUpload, settings.parallelUploads));
  if (report.bookFinding === 'none') {
    report.warnings.push(
      `this server has no hash lookup (stock BookLore, Grimmory) and its book files cannot be read here (${report.bookFindingNote}): sessions recorded by fingerprint need \`booklore-sync attach --hash H --book-id N\``,
    );
  }
  return report;
}
