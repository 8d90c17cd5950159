// The bundle's entry (booklore_sync_core.lua): what main.lua and the test runners use.
// Functions here take no `self` (this: void) so Lua calls them with a plain dot.
import { AnswerReader } from '../../src/core/booklore/answer-reader.js';
import { EndpointAnswers, type AuthKind } from '../../src/core/booklore/endpoint-answers.js';
import type { HttpResponse, HttpResult } from '../../src/core/booklore/http-port.js';
import { validateSession, type SessionInput } from '../../src/core/session.js';
import type { SyncReport } from '../../src/core/sync/sync-engine.js';
import { syncSummary } from '../../src/core/sync/sync-summary.js';
import { luaAnswerShapes } from './answer-shapes.js';
import { createApp } from './app.js';
import { describeError as describeErrorIn, type DescribedError } from './error-sentences.js';
import { PLUGIN_WORDING } from './client-wording.js';
import { partialMd5OfFile } from './fingerprint.js';
import { HttpTransport } from './http.js';
import { luaJson } from './json.js';

export { createApp };
export { combineSyncResults } from './sync-now-report.js';

/** One short sentence for the screen and the whole error for the log (error-sentences.ts). */
export function describeError(this: void, what: string, err: unknown, databasePath: string): DescribedError {
  return describeErrorIn(what, err, databasePath);
}

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
  return new HttpTransport({ timeoutSeconds, insecureTls, caFile }, () => os.time()).request({ method: 'GET', url, headers: {} });
}

/** What the shared client makes of one server answer with the plugin's adapters (for the cross-runtime check of the Lua answer shapes). */
export function judgeAnswer(this: void, endpoint: string, response: HttpResponse, auth: AuthKind, sent: number): object {
  const answers = new EndpointAnswers(new AnswerReader(luaJson, luaAnswerShapes), PLUGIN_WORDING);
  switch (endpoint) {
    case 'single':
      return answers.singleUpload(response, auth);
    case 'batch':
      return answers.batchUpload(response, sent, auth);
    case 'lookup':
      return answers.lookup(response, auth);
    case 'list':
      return answers.sessionList(response);
    case 'healthcheck':
      return answers.healthcheck(response);
    case 'batchProbe':
      return answers.batchProbe(response, auth);
    case 'lookupProbe':
      return answers.lookupProbe(response, auth);
    case 'koreaderLogin':
      return answers.koreaderLogin(response);
    case 'bookloreLogin':
      return answers.bookloreLogin(response);
    case 'bookList':
      return answers.bookList(response);
    case 'login':
      return answers.login(response);
    default:
      return answers.refresh(response);
  }
}

/** The core's sync summary (for the cross-runtime check of the words both builds show). */
export function summarize(this: void, report: SyncReport, scheduled: boolean): string {
  return syncSummary(report, { scheduled });
}

export const VERSION = '0.1.0';
