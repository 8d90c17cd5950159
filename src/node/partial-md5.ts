// KOReader's partial MD5 of a file on disk, reading only the sampled 1 KiB blocks.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fingerprintSamples, SAMPLE_SIZE } from '../core/fingerprint-plan.js';

export function partialMd5OfFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    const md5 = createHash('md5');
    const buffer = Buffer.alloc(SAMPLE_SIZE);
    for (const sample of fingerprintSamples(stat.size)) {
      let filled = 0;
      while (filled < sample.length) {
        const n = readSync(fd, buffer, filled, sample.length - filled, sample.offset + filled);
        if (n === 0) break; // the file shrank under us: hash what is there, as KOReader would
        filled += n;
      }
      md5.update(buffer.subarray(0, filled));
    }
    return md5.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** The same fingerprint for bytes in memory (test fixtures, the bundled server's seed books). */
export function partialMd5OfBuffer(bytes: Uint8Array): string {
  const md5 = createHash('md5');
  for (const sample of fingerprintSamples(bytes.length)) {
    md5.update(bytes.subarray(sample.offset, sample.offset + sample.length));
  }
  return md5.digest('hex');
}

/** Why a book file cannot be fingerprinted, in words a user can act on. */
export function describeFileError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'EISDIR':
      return `${path}: is a directory, not a book file`;
    default:
      return `${path}: cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}
