// KOReader's partial MD5 of a book file (util.partialMD5, BookLore's FileFingerprint): one MD5 over
// the 1 KiB samples the core's plan names (src/core/fingerprint-plan.ts), read with io.open and
// hashed with KOReader's ffi/sha2 md5. The same value as KOReader's own `partial_md5_checksum`.
import { fingerprintSamples } from '../../src/core/fingerprint-plan.js';
import { luaRequire, type Sha2 } from './lua-libs.js';

import type { FingerprintResult } from '../../src/app/runtime.js';

export type { FingerprintResult };

export function partialMd5OfFile(path: string): FingerprintResult {
  const [file, openError] = io.open(path, 'rb');
  if (file === undefined) return { ok: false, problem: `${path}: cannot be read (${openError ?? 'unknown error'})` };
  const parts: string[] = [];
  try {
    const [size] = file.seek('end');
    if (size === undefined) return { ok: false, problem: `${path}: cannot be read (not a regular file?)` };
    for (const sample of fingerprintSamples(size)) {
      file.seek('set', sample.offset);
      const data = file.read(sample.length) as string | undefined;
      if (data === undefined) break; // the file shrank under us: hash what is there, as KOReader does
      parts.push(data);
    }
  } finally {
    file.close();
  }
  return { ok: true, hash: md5Hex(parts.join('')) };
}

export function md5Hex(text: string): string {
  return luaRequire<Sha2>('ffi/sha2').md5(text).toLowerCase();
}

/** A file's size in bytes, or null when it cannot be read (§8: the size finds the server's copy first). */
export function fileSize(path: string): number | null {
  const [file] = io.open(path, 'rb');
  if (file === undefined) return null;
  const [size] = file.seek('end');
  file.close();
  return size ?? null;
}
