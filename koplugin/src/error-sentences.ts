// One short sentence for any error that reaches the plugin's glue (a menu action, an event
// handler, a sync), with the details kept for the log. Queue database errors get the words the
// Node tool uses; our own PluginErrors are sentences already; anything else says what failed and
// the first line of why.
import { errorDetails, shortErrorText } from './error-text.js';
import { describeSqliteFailure, PluginError } from './queue-database.js';
import { sqliteErrorCode } from './sqlite.js';

export interface DescribedError {
  /** For the screen: one sentence, no file:line, no traceback. */
  sentence: string;
  /** For the log: the whole error. */
  details: string;
}

/** `what` names the action in the user's terms ("reading the queue", "syncing"). */
export function describeError(what: string, err: unknown, databasePath: string): DescribedError {
  const details = errorDetails(err);
  if (err instanceof PluginError) return { sentence: err.message, details };
  if (sqliteErrorCode(err) !== null) return { sentence: describeSqliteFailure(databasePath, err).message, details };
  return { sentence: `${what} failed: ${shortErrorText(err)}`, details };
}
