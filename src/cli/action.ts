// Adapts a command implementation (context, options, positional arguments → exit code) to
// commander's action callback, so every command reports its outcome the same way.
import type { Command } from 'commander';
import type { ExitCode } from '../app/exit-codes.js';
import { CommandContext } from './context.js';

export function action<Options>(
  run: (ctx: CommandContext, options: Options, args: string[]) => Promise<ExitCode> | ExitCode,
): (...commanderArgs: unknown[]) => Promise<void> {
  return async (...commanderArgs: unknown[]) => {
    const command = commanderArgs[commanderArgs.length - 1] as Command;
    const options = command.opts() as Options;
    const positional = commanderArgs.slice(0, -2).flatMap((a) => (Array.isArray(a) ? (a as string[]) : [a as string]));
    process.exitCode = await run(CommandContext.of(command), options, positional);
  };
}
