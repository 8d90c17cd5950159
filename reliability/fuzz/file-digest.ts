import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The file's SHA-256, to tell whether a command changed it ('missing' when it is gone). */
export function fileDigest(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}
