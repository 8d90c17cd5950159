// Test Connection, in both runtimes: reachability, each configured login, and what the server can
// do. The answers also refresh the remembered capabilities used by sync (X3).
import { SqliteSyncStore } from '../store/sqlite-sync-store.js';
import { DEFAULT_SYNC_OPTIONS } from '../core/sync/sync-engine.js';
import { bookFinding, type FindingReport } from './book-finding.js';
import { connect } from './booklore-connection.js';
import { withQueueStore } from './queue-store.js';
import { nowSeconds, type AppContext } from './runtime.js';

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

export async function testConnection(context: AppContext): Promise<ConnectionReport> {
  const { runtime } = context;
  const settings = runtime.settings.load();
  const client = connect(runtime, settings);
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
    parallelUploads: settings.parallelUploads ?? DEFAULT_SYNC_OPTIONS.parallelSingles,
    warnings: [],
  };
  if (settings.insecureTls) report.warnings.push('TLS certificate checks are OFF for this server');
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
    if (!koreader.ok && koreader.failure.kind === 'auth') report.problem = koreader.failure.message;
  }
  if (client.auth.hasJwt) {
    const booklore = await client.checkBookLoreLogin();
    report.bookloreLogin = booklore.ok ? 'ok' : booklore.failure.kind === 'auth' ? 'rejected' : 'unknown';
    if (!booklore.ok) report.problem = booklore.failure.message;
  }
  if (report.bookloreLogin === 'rejected' || report.koreaderLogin === 'rejected') return report;
  if (!client.auth.hasJwt && !client.auth.hasKoreader) {
    report.problem = runtime.wording.noLogin;
    return report;
  }
  await probeCapabilities(context, client, report);
  if (!report.reconciliation) {
    report.warnings.push(
      `only a KOReader login is configured: BookLore lists sessions to BookLore accounts only, so after a lost acknowledgement a session is re-sent unchecked and may be duplicated; ${runtime.wording.addBookLoreAccount}`,
    );
  }
  Object.assign(report, await bookFinding(client, report.hashLookup, report.batchUpload, report.parallelUploads));
  if (report.bookFinding === 'none') {
    report.warnings.push(
      `this server has no hash lookup (stock BookLore, Grimmory) and its book files cannot be read here (${report.bookFindingNote}): sessions recorded by fingerprint ${runtime.wording.attachByHand}`,
    );
  }
  return report;
}

async function probeCapabilities(context: AppContext, client: ReturnType<typeof connect>, report: ConnectionReport): Promise<void> {
  const batch = await client.probeBatch();
  if (batch.ok) report.batchUpload = batch.supported;
  else report.warnings.push(`batch upload not checked: ${batch.failure.message}`);
  const lookup = await client.probeHashLookup();
  if (lookup.ok) report.hashLookup = lookup.supported;
  else report.warnings.push(`hash lookup not checked: ${lookup.failure.message}`);
  if (report.batchUpload === null || report.hashLookup === null) return;
  const checkedAt = nowSeconds(context.runtime);
  try {
    withQueueStore(context, (store) =>
      new SqliteSyncStore(store.db, client.serverKey, null, store.nowSeconds).saveCapabilities(client.serverKey, {
        batchUpload: report.batchUpload,
        hashLookup: report.hashLookup,
        checkedAt,
      }),
    );
  } catch (err) {
    report.warnings.push(`could not remember what the server can do: ${err instanceof Error ? err.message : `${err}`}`);
  }
}

const yesNo = (value: boolean | null): string => (value === null ? 'unknown' : value ? 'yes' : 'no');

function describeFinding(finding: string | null): string {
  if (finding === 'by-hash') return "by fingerprint, with the server's hash lookup";
  if (finding === 'remote fingerprint') return "by fingerprint, reading the sampled bytes of the server's files (no hash lookup here)";
  if (finding === 'none') return 'NOT by fingerprint: a book id must be attached by hand';
  return 'unknown';
}

function describeUploads(report: ConnectionReport): string {
  if (report.uploads === null) return 'unknown';
  return report.uploads === 'batch' ? 'batches of up to 100' : `single POSTs, ${report.parallelUploads} at a time`;
}

/** The report as the lines both runtimes show (the CLI's table, the plugin's Test Connection box). */
export function connectionLines(report: ConnectionReport): string[] {
  const reach = report.reachable ? `reachable${report.version !== null ? `, BookLore ${report.version}` : ''}` : 'NOT reachable';
  return [
    `server:           ${report.server} (${reach})`,
    `BookLore login:   ${report.bookloreLogin}`,
    `KOReader login:   ${report.koreaderLogin}`,
    `batch upload:     ${yesNo(report.batchUpload)}`,
    `hash lookup:      ${yesNo(report.hashLookup)}`,
    `books found:      ${describeFinding(report.bookFinding)}`,
    `uploads:          ${describeUploads(report)}`,
    `duplicate checks: ${report.reconciliation ? 'yes (BookLore account)' : 'NO (KOReader login only)'}`,
  ];
}
