import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fingerprintSamples } from '../src/core/fingerprint-plan.js';
import { partialMd5OfBuffer, partialMd5OfFile } from '../src/node/partial-md5.js';
import { runCli, tempDir } from './helpers/cli.js';

const dir = tempDir('bls-fingerprint-');
after(dir.cleanup);

/** KOReader's util.partialMD5, written again from its description: seek to 1024 << 2i, read up to 1 KiB. */
function independentPartialMd5(path: string): string {
  const md5 = createHash('md5');
  const fd = openSync(path, 'r');
  try {
    for (let i = -1; i <= 10; i++) {
      const offset = i < 0 ? 0 : 1024 * 2 ** (2 * i);
      const chunk = Buffer.alloc(1024);
      const n = readSync(fd, chunk, 0, 1024, offset);
      if (n === 0) break; // KOReader: file:read returns nil at EOF
      md5.update(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return md5.digest('hex');
}

/** A sparse file of `size` bytes with random bytes around every sample offset. */
function sparseFile(name: string, size: number): string {
  const path = join(dir.path, name);
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, size);
    for (const offset of [0, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824]) {
      const start = Math.max(0, offset - 8);
      if (start >= size) break;
      const bytes = randomBytes(Math.min(1040, size - start));
      writeSync(fd, bytes, 0, bytes.length, start);
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

test('matches an independent computation for sizes around every sample offset (up to 1 GiB, sparse)', () => {
  const offsets = [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824];
  const sizes = new Set<number>([0, 1, 2, 1023]);
  for (const o of offsets) for (const d of [-1, 0, 1, 1023, 1024, 1025]) sizes.add(o + d);
  for (const size of sizes) {
    const path = sparseFile(`f-${size}.bin`, size);
    assert.equal(partialMd5OfFile(path), independentPartialMd5(path), `size ${size}`);
  }
});

test('known values: an empty file, and bytes in memory hash like the same bytes on disk', () => {
  const empty = join(dir.path, 'empty.epub');
  writeFileSync(empty, '');
  assert.equal(partialMd5OfFile(empty), 'd41d8cd98f00b204e9800998ecf8427e');
  const bytes = randomBytes(300_000);
  const path = join(dir.path, 'mem.bin');
  writeFileSync(path, bytes);
  assert.equal(partialMd5OfBuffer(bytes), partialMd5OfFile(path));
  // a small file is hashed whole: one sample at offset 0
  const small = randomBytes(700);
  assert.equal(partialMd5OfBuffer(small), createHash('md5').update(small).digest('hex'));
});

test('the sampling plan reads at most 12 KiB whatever the file size', () => {
  for (const size of [0, 1, 5000, 2 ** 30, 2 ** 40]) {
    const total = fingerprintSamples(size).reduce((sum, s) => sum + s.length, 0);
    assert.ok(total <= 12 * 1024, `size ${size} reads ${total} bytes`);
  }
  assert.equal(fingerprintSamples(2 ** 40).length, 12);
  assert.deepEqual(fingerprintSamples(1500), [
    { offset: 0, length: 1024 },
    { offset: 1024, length: 476 },
  ]);
});

test('`hash FILE…` prints `<hash>  <file>` per file; an unreadable one is an error that does not stop the rest', async () => {
  const a = join(dir.path, 'a.epub');
  const b = join(dir.path, 'b.pdf');
  writeFileSync(a, randomBytes(5000));
  writeFileSync(b, randomBytes(9000));
  const sub = join(dir.path, 'a-directory');
  mkdirSync(sub);
  const missing = join(dir.path, 'missing.epub');
  const result = await runCli(['hash', a, missing, sub, b]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, `${independentPartialMd5(a)}  ${a}\n${independentPartialMd5(b)}  ${b}\n`);
  assert.match(result.stderr, /missing\.epub: no such file/);
  assert.match(result.stderr, /a-directory: is a directory/);
  const ok = await runCli(['hash', a]);
  assert.equal(ok.code, 0);
  const json = await runCli(['--json', 'hash', a, missing]);
  assert.equal(json.code, 1);
  assert.deepEqual(JSON.parse(json.stdout), [
    { file: a, hash: independentPartialMd5(a), error: null },
    { file: missing, hash: null, error: `${missing}: no such file` },
  ]);
});
