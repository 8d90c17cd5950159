// The bundled server in its own worker thread, so a benchmark's client never shares its event
// loop. Options cross the thread boundary by structured clone.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { StartOptions } from '../src/testserver/index.js';

const WORKER_ROLE = 'booklore-sync-bench-server';

type WorkerOptions = Omit<StartOptions, 'onRequest'>;

if (!isMainThread && (workerData as { role?: string } | null)?.role === WORKER_ROLE) {
  const { start } = await import('../src/testserver/index.js');
  const server = await start({ port: 0, ...(workerData as { options: WorkerOptions }).options });
  parentPort!.postMessage({ url: server.url });
  parentPort!.on('message', (message: { type: string }) => {
    if (message.type === 'count') parentPort!.postMessage({ count: server.admin.sessionCount() });
    else void server.close().then(() => parentPort!.close());
  });
}

export interface ServerWorker {
  url: string;
  sessionCount(): Promise<number>;
  stop(): Promise<void>;
}

export async function startServerWorker(options: WorkerOptions = {}): Promise<ServerWorker> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: WORKER_ROLE, options } });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { url: string }) => resolve(m.url));
    worker.once('error', reject);
  });
  return {
    url,
    sessionCount: () =>
      new Promise((resolve) => {
        worker.once('message', (m: { count: number }) => resolve(m.count));
        worker.postMessage({ type: 'count' });
      }),
    stop: async () => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'stop' });
      await exited;
    },
  };
}
