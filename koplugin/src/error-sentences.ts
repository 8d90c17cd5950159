// One short sentence for any error that reaches the plugin's glue (a menu action, an event
// handler, a sync), with the details kept for the log. Queue database errors get the words the
// Node tool uses (src/app/storage-errors.ts); the application layer's UserFacingErrors are
// sentences already; anything else says what failed and the first line of why.
import { describeStorageFailure } from '../../src/app/storage-errors.js';
import { UserFacingError } from '../../src/app/user-facing-error.js';
import { PLUGIN_WORDING } from './client-wording.js';
import { errorDetails, shortErrorText } from './error-text.js';
import { luaStorageFailure } from './koreader-runtime.js';

export interface DescribedError {
  /** For the screen: one sentence, no file:line, no traceback. */
  sentence: string;
  /** For the log: the whole error. */
  details: string;
}

/** `what` names the action in the user's terms ("reading the queue", "syncing"). */
export function describeError(what: string, err: unknown, databasePath: string): DescribedError {
  const details = errorDetails(err);
  if (err instanceof UserFacingError) return { sentence: err.message, details };
  const failure = luaStorageFailure(err);
  if (failure !== null) return { sentence: describeStorageFailure(databasePath, failure, PLUGIN_WORDING).message, details };
  return { sentence: `${what} failed: ${shortErrorText(err)}`, details };
}
