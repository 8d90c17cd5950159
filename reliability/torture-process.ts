// One process of a torture trial: spawned, watched on stderr for the kill probe's marker, and
// killed with SIGKILL (or frozen with SIGSTOP first, like a device that suspends mid-request).
import { spawn, type ChildProcess } from 'node:child_process';
import { PROBE_MARKER } from './probe-points.js';
import type { Command } from './torture-runtime.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
  /** Resolves with the probe's label when the process froze at its kill point. */
  probed: Promise<string>;
  alive(): boolean;
  kill(): boolean;
}

export function launch(command: Command, timeoutMs = 120_000): Running {
  const child = spawn(command.command, command.args, { stdio: ['ignore', 'pipe', 'pipe'], env: command.env });
  let stdout = '';
  let stderr = '';
  let onProbe: (label: string) => void = () => {};
  const probed = new Promise<string>((resolve) => (onProbe = resolve));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    const at = stderr.indexOf(PROBE_MARKER);
    const end = at < 0 ? -1 : stderr.indexOf('\n', at);
    if (end >= 0) onProbe(stderr.slice(at + PROBE_MARKER.length, end).trim());
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    done,
    probed,
    alive,
    kill: () => alive() && child.kill('SIGKILL'),
  };
}
