// Durable enqueue latency: one validated session → one fsync'd WAL commit. The baseline is the
// floor the disk sets for one durable write: one fixed 4 KiB block (SQLite's page size) rewritten in
// place and flushed with fdatasync, on the same file system, in the same run. (An append to a
// growing file also syncs its metadata each time: not the floor.)
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSession } from '../src/core/session.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import type { Figures } from './figure.js';
import { percentile, round, timeMs } from './stats.js';

const COUNT = 2000;

export function measureEnqueue(): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'bls-bench-enqueue-'));
  try {
    const baseline: number[] = [];
    const fd = openSync(join(dir, 'fsync-baseline.bin'), 'w');
    const block = Buffer.alloc(4096, 1);
    writeSync(fd, block, 0, block.length, 0);
    fdatasyncSync(fd); // the block exists before timing starts: every timed write is a rewrite
    for (let i = 0; i < COUNT; i++) {
      block[0] = i & 0xff;
      baseline.push(timeMs(() => {
        writeSync(fd, block, 0, block.length, 0);
        fdatasyncSync(fd);
      }));
    }
    closeSync(fd);

    const store = LocalStore.open(dir);
    const latencies: number[] = [];
    try {
      const start = 1_770_000_000;
      for (let i = 0; i < COUNT; i++) {
        const v = validateSession({
          bookHash: (i % 10).toString(16).repeat(32),
          startTime: start + i * 3600,
          endTime: start + i * 3600 + 1800,
          startLocation: '1',
          endLocation: '20',
        });
        if (!v.ok) throw new Error('bench session invalid');
        latencies.push(timeMs(() => {
          store.queue.enqueue(v.session, 'record');
        }));
      }
    } finally {
      store.close();
    }
    latencies.sort((a, b) => a - b);
    baseline.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    const fsyncP99 = percentile(baseline, 99);
    return {
      enqueue_p50_ms: { value: round(percentile(latencies, 50)), unit: 'ms', note: `durable enqueue (WAL, synchronous=FULL), ${COUNT} sessions, in-process` },
      enqueue_p99_ms: { value: round(p99), unit: 'ms', note: `p99 of the same; baseline (one 4 KiB block rewritten in place + fdatasync) p99 ${round(fsyncP99)} ms` },
      enqueue_p99_vs_fsync_ratio: { value: round(p99 / fsyncP99, 2), unit: 'x', note: 'enqueue p99 ÷ p99 of rewriting one fixed 4 KiB block + fdatasync (the disk floor for one durable write), same run' },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
