// Runs the real CLI entry point (`main`) in this process with its output captured, so fuzzing can
// try thousands of command lines quickly. Only used from a dedicated process (the fuzz worker).
import { main } from '../../src/cli/main.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(argv: string[]): Promise<CliOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  process.exitCode = undefined;
  try {
    await main(['node', 'booklore-sync', ...argv]);
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
  const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = undefined;
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** What a user must never see: a stack trace, or the CLI admitting a bug. */
export function looksLikeACrash(stderr: string): string | null {
  if (/^\s+at .+(:\d+:\d+\)?|<anonymous>)$/m.test(stderr)) return 'a stack trace';
  if (/unexpected error/.test(stderr)) return `an unexpected error: ${stderr.trim().split('\n')[0]}`;
  return null;
}
