// The application layer is asynchronous (Node awaits the network); in KOReader every request runs
// to completion before its promise is handed back, so TypeScriptToLua's promises are settled by
// the time a call returns, and the plugin reads their value synchronously.
import { UserFacingError } from '../../src/app/user-facing-error.js';

export function settledValue<T>(promise: Promise<T>): T {
  let done = false;
  let failed = false;
  let value: T | undefined;
  let reason: unknown;
  promise.then(
    (v) => {
      done = true;
      value = v;
    },
    (e) => {
      done = true;
      failed = true;
      reason = e;
    },
  );
  if (!done) throw new UserFacingError('internal error: the operation did not finish');
  if (failed) throw reason;
  return value as T;
}
