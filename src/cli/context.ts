// What every command gets: where state lives, and how to talk to the user (stdout for results,
// stderr for messages), honouring --json and --quiet.
import type { Command } from 'commander';
import type { AppContext } from '../app/runtime.js';
import { resolveDataDir } from '../node/data-dir.js';
import { nodeApp, timingFromEnv } from '../node/node-runtime.js';

export interface GlobalOptions {
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export class CommandContext {
  readonly json: boolean;
  readonly quiet: boolean;
  private readonly homeOption: string | undefined;
  private resolvedHome: string | undefined;

  constructor(options: GlobalOptions) {
    this.json = options.json === true;
    this.quiet = options.quiet === true;
    this.homeOption = options.home;
  }

  static of(command: Command): CommandContext {
    return new CommandContext(command.optsWithGlobals<GlobalOptions>());
  }

  /** The data directory, created (mode 0700) on first use. */
  get home(): string {
    if (this.resolvedHome === undefined) this.resolvedHome = resolveDataDir(this.homeOption, process.env);
    return this.resolvedHome;
  }

  /** The application over this data directory, with the environment's timing (tests shorten waits this way). */
  get app(): AppContext {
    return nodeApp(this.home, timingFromEnv(process.env));
  }

  /** True when a person is watching stderr, so progress bars and prompts make sense. */
  get interactive(): boolean {
    return process.stderr.isTTY === true && !this.json && !this.quiet;
  }

  /** A human-readable result line on stdout (suppressed under --json, which prints one document). */
  print(text: string): void {
    if (!this.json) process.stdout.write(`${text}\n`);
  }

  /** The one JSON document of a --json run. */
  emitJson(value: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A message for the user on stderr, hidden by --quiet. */
  info(text: string): void {
    if (!this.quiet) process.stderr.write(`${text}\n`);
  }

  /** A warning on stderr that --quiet does not hide. */
  warn(text: string): void {
    process.stderr.write(`booklore-sync: ${text}\n`);
  }
}
