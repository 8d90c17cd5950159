// The exit codes scripts rely on (cli.md, "Global options and exit codes").
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  stillQueued: 3,
  credentials: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
