// Durable enqueue latency: one validated session → one fsync'd WAL commit. The baseline is the
// floor the disk sets: a 256-byte write + fsync on the same file system, measured in the same run.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
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
    const payload = Buffer.alloc(256, 1);
    for (let i = 0; i < COUNT; i++) {
      baseline.push(timeMs(() => {
        writeSync(fd, payload);
        fsyncSync(fd);
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
      enqueue_p99_ms: { value: round(p99), unit: 'ms', note: `p99 of the same; fsync baseline p99 ${round(fsyncP99)} ms` },
      enqueue_p99_vs_fsync_ratio: { value: round(p99 / fsyncP99, 2), unit: 'x', note: 'enqueue p99 ÷ bare 256-byte write+fsync p99 (the disk floor), same run' },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
