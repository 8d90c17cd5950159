// X4: automatic syncs back off per failing book after server errors (5xx, 429), exponentially
// and with jitter, so a struggling server is not hammered by every device at once. A manual
// Sync Now ignores it. No session is ever dropped because of it.
import type { Backoff } from './store-port.js';

export interface BackoffPolicy {
  baseSeconds: number;
  capSeconds: number;
}

export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = { baseSeconds: 30, capSeconds: 3600 };

/**
 * The next attempt after one more failure: base·2^(n−1) capped, then "equal jitter" (half fixed,
 * half random) so waits stay meaningful yet spread out; a server's Retry-After is a floor.
 */
export function nextBackoff(
  previous: Backoff | null,
  now: number,
  random: () => number,
  policy: BackoffPolicy,
  retryAfterSeconds: number | null,
): Backoff {
  const failures = (previous === null ? 0 : previous.failures) + 1;
  let exponential = policy.baseSeconds;
  for (let i = 1; i < failures && exponential < policy.capSeconds; i++) exponential = exponential * 2;
  if (exponential > policy.capSeconds) exponential = policy.capSeconds;
  let delay = exponential / 2 + random() * (exponential / 2);
  if (retryAfterSeconds !== null && retryAfterSeconds > delay) delay = retryAfterSeconds;
  return { failures, nextAttemptAt: now + Math.ceil(delay) };
}

export function isBackingOff(backoff: Backoff | null, now: number): boolean {
  return backoff !== null && backoff.nextAttemptAt > now;
}
