// The Failure values the client hands the engine (api-port.ts), made in one place.
import type { Failure } from '../sync/api-port.js';
import type { TransportFailure } from './http-port.js';

export type Failed = { ok: false; failure: Failure };

export const failed = (failure: Failure): Failed => ({ ok: false, failure });
export const offline = (message: string): Failure => ({ kind: 'offline', message });
export const unknown = (message: string, answered: boolean): Failure => ({ kind: 'unknown', message, answered });
export const unsupported = (message: string, definite: boolean): Failure => ({ kind: 'unsupported', message, definite });
export const refused = (message: string): Failure => ({ kind: 'auth', message });

/** A transport failure as the engine sees it: never sent (nothing stored), or sent and maybe stored. */
export function transportFailure(failure: TransportFailure): Failure {
  return failure.kind === 'offline' ? offline(failure.message) : unknown(failure.message, failure.answered);
}

/** An HTML page where JSON was due. */
export const PORTAL = 'the network answered with a web page instead of BookLore (a captive portal? sign in to the Wi-Fi first)';
