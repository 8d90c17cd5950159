// The sync lease's environment in Node (the KOReader plugin's is koplugin/src/process-info.ts).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaseEnvironment } from '../store/sync-lease.js';

/** Whether a process of this machine still runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const nodeLeaseEnvironment: LeaseEnvironment = {
  get host() {
    return hostname();
  },
  pid: process.pid,
  isAlive: processAlive,
  randomTag: () => randomBytes(4).toString('hex'),
  nowMs: () => Date.now(),
  pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
