// Fingerprint cost must not grow with file size: KOReader's partial MD5 reads ≤ 12 KiB. A 1 GiB
// sparse file against a 1 MiB one, same run; a full MD5 of the 1 MiB file is the reference.
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partialMd5OfFile } from '../src/node/partial-md5.js';
import type { Figures } from './figure.js';
import { percentile, round, timeMs } from './stats.js';

const RUNS = 400;

function sparse(path: string, size: number): void {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, size);
  writeSync(fd, Buffer.from('BookLore bench'), 0, 14, 0);
  closeSync(fd);
}

function median(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(timeMs(run));
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

export function measureFingerprint(): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'bls-bench-fp-'));
  try {
    const big = join(dir, 'big.bin');
    const small = join(dir, 'small.bin');
    sparse(big, 2 ** 30);
    sparse(small, 2 ** 20);
    partialMd5OfFile(big);
    partialMd5OfFile(small);
    const bigMs = median(() => partialMd5OfFile(big));
    const smallMs = median(() => partialMd5OfFile(small));
    const fullMs = median(() => createHash('md5').update(readFileSync(small)).digest('hex'));
    return {
      fingerprint_1gib_ms: { value: round(bigMs, 4), unit: 'ms', note: `median of ${RUNS}, 1 GiB sparse file` },
      fingerprint_1mib_ms: { value: round(smallMs, 4), unit: 'ms', note: `median of ${RUNS}, 1 MiB file; a full MD5 of it takes ${round(fullMs, 3)} ms` },
      fingerprint_1gib_vs_1mib_ratio: { value: round(bigMs / smallMs, 2), unit: 'x', note: 'near 1 means constant time in file size' },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
