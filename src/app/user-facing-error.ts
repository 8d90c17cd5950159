import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * An error whose message is fit for the user as it stands: one line saying what went wrong and
 * what to do. Anything else reaching the CLI is a bug and is reported as one.
 */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }

  /** The runtime's own error behind this sentence, kept for the log. */
  origin: unknown = undefined;

  withOrigin(origin: unknown): this {
    this.origin = origin;
    return this;
  }
}

export function usageError(message: string): UserFacingError {
  return new UserFacingError(message, EXIT.usage);
}
