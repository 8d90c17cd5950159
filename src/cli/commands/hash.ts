import type { Command } from 'commander';
import { EXIT } from '../../app/exit-codes.js';
import { describeFileError, partialMd5OfFile } from '../../node/partial-md5.js';
import { action } from '../action.js';

export function registerHash(program: Command): void {
  program
    .command('hash')
    .description("print each file's KOReader partial-MD5 fingerprint (`<hash>  <file>`, like md5sum)")
    .argument('<file...>', 'book files')
    .action(
      action((ctx, _options, files) => {
        let failed = false;
        const results: { file: string; hash: string | null; error: string | null }[] = [];
        for (const file of files) {
          try {
            const hash = partialMd5OfFile(file);
            results.push({ file, hash, error: null });
            ctx.print(`${hash}  ${file}`);
          } catch (err) {
            failed = true;
            const error = describeFileError(file, err);
            results.push({ file, hash: null, error });
            ctx.warn(error);
          }
        }
        ctx.emitJson(results);
        return failed ? EXIT.failed : EXIT.ok;
      }),
    );
}
