// The bundle's entry (booklore_sync_core.lua): what main.lua and the test runners use.
// Functions here take no `self` (this: void) so Lua calls them with a plain dot.
import { validateSession, type SessionInput } from '../../src/core/session.js';
import { createApp } from './app.js';
import { partialMd5OfFile } from './fingerprint.js';
import { HttpTransport, type HttpResult } from './http.js';

export { createApp };

/** KOReader's partial MD5 of a file, or nil and a reason. */
export function fingerprint(this: void, path: string): LuaMultiReturn<[string | undefined, string | undefined]> {
  const result = partialMd5OfFile(path);
  if (result.ok) return $multi(result.hash, undefined);
  return $multi(undefined, result.problem);
}

/** The core's session rules, for the cross-runtime check of the compiled core. */
export function validate(this: void, input: SessionInput): ReturnType<typeof validateSession> {
  return validateSession(input);
}

/** One GET through the plugin's HTTP transport (for the transport's own tests). */
export function httpGet(this: void, url: string, timeoutSeconds: number, caFile: string | null, insecureTls: boolean): HttpResult {
  return new HttpTransport({ timeoutSeconds, insecureTls, caFile }, () => os.time()).request(url, { method: 'GET', headers: {} });
}

export const VERSION = '0.1.0';
