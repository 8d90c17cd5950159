// "Can we sync now?" for automatic syncs, decided by the BookLore server itself: one healthcheck
// with a short deadline. KOReader's NetworkMgr:isOnline() resolves dns.msftncsi.com, which fails on
// a LAN without public DNS (a home server, a DNS filter) and can block the UI for the resolver's
// whole timeout; whether *our* server answers is what matters. The glue asks NetworkMgr:isConnected()
// first (no request at all while Wi-Fi is off).
import { AnswerReader } from '../../src/core/booklore/answer-reader.js';
import { EndpointAnswers } from '../../src/core/booklore/endpoint-answers.js';
import { luaAnswerShapes } from './answer-shapes.js';
import { PLUGIN_WORDING } from './client-wording.js';
import { HttpTransport, type HttpSettings } from './http.js';
import { luaJson } from './json.js';

/** Long enough for a TLS handshake on an e-reader's CPU, short enough not to hold the UI for long. */
export const REACHABILITY_TIMEOUT_SECONDS = 4;

export interface Reachability {
  reachable: boolean;
  /** Why not, in the client's words (for the log); "BookLore answered" when reachable. */
  message: string;
}

/** GET {server}/api/v1/healthcheck: reachable only when BookLore itself answers (not a captive portal). */
export function checkServerAnswers(server: string, http: HttpSettings, now: () => number): Reachability {
  const timeoutSeconds = Math.min(http.timeoutSeconds, REACHABILITY_TIMEOUT_SECONDS);
  const transport = new HttpTransport({ ...http, timeoutSeconds }, now);
  const result = transport.request({ method: 'GET', url: `${server}/api/v1/healthcheck`, headers: {} });
  if (!result.ok) return { reachable: false, message: result.failure.message };
  const answer = new EndpointAnswers(new AnswerReader(luaJson, luaAnswerShapes), PLUGIN_WORDING).healthcheck(result.response);
  if (!answer.ok) return { reachable: false, message: answer.failure.message };
  return { reachable: true, message: 'BookLore answered' };
}
