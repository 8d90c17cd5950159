// `test-connection`: is the server there, do the logins work, what can it do.
import type { Command } from 'commander';
import { connectionLines, testConnection } from '../../app/test-connection.js';
import { EXIT } from '../../app/exit-codes.js';
import { action } from '../action.js';

export function registerTestConnection(program: Command): void {
  program
    .command('test-connection')
    .description('check reachability, credentials, and which features the server has (batch upload, hash lookup)')
    .action(
      action(async (ctx) => {
        const report = await testConnection(ctx.app);
        ctx.emitJson(report);
        ctx.print(connectionLines(report).join('\n'));
        for (const warning of report.warnings) ctx.warn(`warning: ${warning}`);
        if (report.problem) ctx.warn(report.problem);
        if (!report.reachable) return EXIT.failed;
        if (report.bookloreLogin === 'rejected' || report.koreaderLogin === 'rejected') return EXIT.credentials;
        if (report.problem) return EXIT.failed;
        return EXIT.ok;
      }),
    );
}
