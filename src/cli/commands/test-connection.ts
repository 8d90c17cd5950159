// `test-connection`: is the server there, do the logins work, what can it do.
import type { Command } from 'commander';
import { testConnection } from '../../app/test-connection.js';
import { loadSettings } from '../../config/settings.js';
import { EXIT } from '../../exit-codes.js';
import { action } from '../action.js';

const describeFinding = (finding: string | null): string =>
  finding === 'by-hash'
    ? 'by fingerprint, with the server\'s hash lookup'
    : finding === 'remote fingerprint'
      ? 'by fingerprint, reading the sampled bytes of the server\'s files (no hash lookup here)'
      : finding === 'none'
        ? 'NOT by fingerprint: use `attach`'
        : 'unknown';

const yesNo = (value: boolean | null) => (value === null ? 'unknown' : value ? 'yes' : 'no');

export function registerTestConnection(program: Command): void {
  program
    .command('test-connection')
    .description('check reachability, credentials, and which features the server has (batch upload, hash lookup)')
    .action(
      action(async (ctx) => {
        const report = await testConnection(ctx.home, loadSettings(ctx.home), () => Math.floor(Date.now() / 1000));
        ctx.emitJson(report);
        ctx.print(
          [
            `server:           ${report.server} (${report.reachable ? `reachable${report.version ? `, BookLore ${report.version}` : ''}` : 'NOT reachable'})`,
            `BookLore login:   ${report.bookloreLogin}`,
            `KOReader login:   ${report.koreaderLogin}`,
            `batch upload:     ${yesNo(report.batchUpload)}`,
            `hash lookup:      ${yesNo(report.hashLookup)}`,
            `books found:      ${describeFinding(report.bookFinding)}`,
            `uploads:          ${report.uploads === null ? 'unknown' : report.uploads === 'batch' ? 'batches of up to 100' : `single POSTs, ${report.parallelUploads} at a time`}`,
            `duplicate checks: ${report.reconciliation ? 'yes (BookLore account)' : 'NO (KOReader login only)'}`,
          ].join('\n'),
        );
        for (const warning of report.warnings) ctx.warn(`warning: ${warning}`);
        if (report.problem) ctx.warn(report.problem);
        if (!report.reachable) return EXIT.failed;
        if (report.bookloreLogin === 'rejected' || report.koreaderLogin === 'rejected') return EXIT.credentials;
        if (report.problem) return EXIT.failed;
        return EXIT.ok;
      }),
    );
}
