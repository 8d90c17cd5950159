// The daemon's control socket (DIR/watch.sock): `sync --via-daemon` asks the running daemon to
// sync instead of racing it. One JSON line each way. The data directory is 0700, so only its
// owner can connect.
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { unlinkSync } from 'node:fs';

export function socketPath(home: string): string {
  return join(home, 'watch.sock');
}

/** Unix socket paths are limited to about 107 bytes. */
export function socketUsable(path: string): boolean {
  return Buffer.byteLength(path) < 104;
}

export interface ControlReply {
  ok: boolean;
  report?: Record<string, unknown>;
  error?: string;
}

export type ControlHandler = (command: string) => Promise<ControlReply>;

/** Listens on the socket; a stale socket file (no daemon behind it) is replaced. */
export async function listenControl(path: string, handler: ControlHandler): Promise<Server> {
  if (await daemonAnswers(path)) throw new Error('another daemon is already running for this data directory');
  try {
    unlinkSync(path);
  } catch {
    // no stale socket
  }
  const server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      let command = '';
      try {
        command = String((JSON.parse(buffer.slice(0, newline)) as { command?: unknown }).command ?? '');
      } catch {
        command = '';
      }
      void handler(command).then(
        (reply) => socket.end(`${JSON.stringify(reply)}\n`),
        (err: unknown) => socket.end(`${JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) })}\n`),
      );
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return server;
}

function daemonAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends one command; null when no daemon listens. */
export function sendControl(path: string, command: string, timeoutMs: number): Promise<ControlReply | null> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let buffer = '';
    let connected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the daemon did not answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify({ command })}\n`);
    });
    socket.on('data', (chunk: string) => (buffer += chunk));
    socket.once('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buffer) as ControlReply);
      } catch {
        reject(new Error('the daemon gave an answer that is not JSON'));
      }
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED')) resolve(null);
      else reject(err);
    });
  });
}
