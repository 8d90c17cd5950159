// SQLite and file-system failures of the queue database, in one line the user can act on. The
// same sentences in both runtimes; the runtime adds where else the queue can live and how to wait
// longer for a lock.
import type { AppWording, Runtime, StorageFailure } from './runtime.js';
import { UserFacingError } from './user-facing-error.js';

export function describeStorageFailure(path: string, failure: StorageFailure, words: AppWording): UserFacingError {
  const { kind, detail } = failure;
  switch (kind) {
    case 'busy':
      return new UserFacingError(
        `the queue database ${path} is locked by another process; nothing was changed. Try again when it has finished${words.lockWaitHint}`,
      );
    case 'corrupt':
      return new UserFacingError(
        `the queue database ${path} is damaged or is not a SQLite database (${detail}). Move it aside${words.keepACopy} and run again`,
      );
    case 'schema':
      // Our own statements name only tables and columns our migrations create: the file changed under us.
      return new UserFacingError(
        `the queue database ${path} does not have the tables it should (${detail}); it may be damaged or changed by another program. Move it aside (keep a copy) and run again`,
      );
    case 'readonly':
      return new UserFacingError(`the queue database ${path} is not writable (${detail}); check its permissions${words.orElsewhere}`);
    case 'cantopen':
      return new UserFacingError(`cannot open the queue database ${path} (${detail}); check that its directory exists and is writable`);
    case 'full':
      return new UserFacingError(`the disk holding ${path} is full; nothing was changed. Free some space and run again`);
    case 'ioerr':
      return new UserFacingError(`input/output error on the queue database ${path} (${detail}); check the disk`);
    default:
      return new UserFacingError(`the queue database ${path} could not be used: ${detail}`);
  }
}

/** A storage failure as a UserFacingError; anything else (a bug, a logic error) passes unchanged. */
export function storageErrorOrSelf(path: string, err: unknown, runtime: Runtime): unknown {
  if (err instanceof UserFacingError) return err;
  const failure = runtime.sqlite.failure(err);
  return failure === null ? err : describeStorageFailure(path, failure, runtime.wording).withOrigin(err);
}
