// One BookLore client, two sets of answer checks: the shared client (src/core/booklore) reads
// server answers through zod schemas in Node (src/node/client/zod-answer-shapes.ts) and through
// written-out checks in the plugin (koplugin/src/answer-shapes.ts). The same answers, near the
// right shapes and hostile, must mean the same under LuaJIT as under Node, endpoint by endpoint.
//
// Left out: bodies with an empty {} or [] (a Lua table cannot tell them apart), non-ASCII bodies
// (an error excerpt is cut at 200 UTF-16 units in Node, 200 bytes in Lua), and the answers whose
// message names the runtime's remedy (a `configure` command or a Settings menu).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CLI_WORDING } from '../src/node/client/cli-wording.js';
import { nodeJson } from '../src/node/client/node-json.js';
import { zodAnswerShapes } from '../src/node/client/zod-answer-shapes.js';
import { AnswerReader } from '../src/core/booklore/answer-reader.js';
import { EndpointAnswers, type AuthKind } from '../src/core/booklore/endpoint-answers.js';
import type { HttpResponse } from '../src/core/booklore/http-port.js';
import { Prng } from '../reliability/prng.js';
import { hostileString, hostileValue } from '../reliability/fuzz/values.js';
import { tempDir } from './helpers/cli.js';
import { ensurePluginBuilt, lua, luaUnavailable } from './helpers/koplugin.js';

const unavailable = luaUnavailable();
const skip = unavailable?.skip ? unavailable.reason : false;

before(async () => {
  if (unavailable && !unavailable.skip) throw new Error(unavailable.reason);
  if (!skip) await ensurePluginBuilt();
});

const ENDPOINTS = ['single', 'batch', 'lookup', 'list', 'healthcheck', 'batchProbe', 'lookupProbe', 'koreaderLogin', 'bookloreLogin', 'bookList', 'login', 'refresh'] as const;
type EndpointName = (typeof ENDPOINTS)[number];

interface AnswerCase {
  endpoint: EndpointName;
  response: HttpResponse;
  auth: AuthKind;
  sent: number;
}

const node = new EndpointAnswers(new AnswerReader(nodeJson, zodAnswerShapes), CLI_WORDING);

function judgeInNode(c: AnswerCase): object {
  const r = c.response;
  switch (c.endpoint) {
    case 'single':
      return node.singleUpload(r, c.auth);
    case 'batch':
      return node.batchUpload(r, c.sent, c.auth);
    case 'lookup':
      return node.lookup(r, c.auth);
    case 'list':
      return node.sessionList(r);
    case 'healthcheck':
      return node.healthcheck(r);
    case 'batchProbe':
      return node.batchProbe(r, c.auth);
    case 'lookupProbe':
      return node.lookupProbe(r, c.auth);
    case 'koreaderLogin':
      return node.koreaderLogin(r);
    case 'bookloreLogin':
      return node.bookloreLogin(r);
    case 'bookList':
      return node.bookList(r);
    case 'login':
      return node.login(r);
    case 'refresh':
      return node.refresh(r);
  }
}

/** As the Lua runner's JSON shows it: fields that are null (nil in Lua) left out. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]));
}

function near(rng: Prng, right: unknown): unknown {
  return rng.chance(0.7) ? right : hostileValue(rng);
}

const BOOK = (rng: Prng) => ({
  id: near(rng, rng.pick([3, 1, 0, -2, 2 ** 53])),
  title: near(rng, rng.pick(['Top', null])),
  metadata: near(rng, rng.pick([{ title: near(rng, rng.pick(['Dune', null])) }, null, [1, 2]])),
  primaryFile: near(rng, rng.pick([{ bookType: near(rng, 'EPUB'), fileName: near(rng, 'dune.epub') }, null])),
});

/** What each endpoint answers when all is well: the body's shape (see `body`) and statuses. */
const USUAL: Record<EndpointName, { shapes: number[]; statuses: number[] }> = {
  single: { shapes: [6], statuses: [202, 400, 404] },
  batch: { shapes: [0, 1, 6], statuses: [200, 200, 400, 404] },
  lookup: { shapes: [4, 6], statuses: [200, 404] },
  list: { shapes: [3], statuses: [200] },
  healthcheck: { shapes: [7], statuses: [200] },
  batchProbe: { shapes: [6], statuses: [400] },
  lookupProbe: { shapes: [4, 6], statuses: [404, 200] },
  koreaderLogin: { shapes: [8], statuses: [200] },
  bookloreLogin: { shapes: [5], statuses: [200] },
  bookList: { shapes: [5], statuses: [200] },
  login: { shapes: [2], statuses: [200] },
  refresh: { shapes: [2], statuses: [200] },
};

/** A body near one of the shapes BookLore answers with, or something else. */
function body(rng: Prng, shape: number): string {
  const time = () => near(rng, '2026-02-22T14:00:00Z');
  switch (shape) {
    case 0:
      return JSON.stringify({ totalRequested: near(rng, 2), successCount: near(rng, rng.pick([2, 1, 1e308])), results: near(rng, [{ sessionId: 5 }, { sessionId: 6 }]) });
    case 1:
      return JSON.stringify({ totalRequested: 2, successCount: 2, results: [{ sessionId: near(rng, rng.pick([5, null, 2 ** 53 + 2])) }, { sessionId: near(rng, 6), startTime: time() }] });
    case 2:
      return JSON.stringify({ accessToken: near(rng, rng.pick(['a', ''])), refreshToken: near(rng, 'r') });
    case 3:
      return JSON.stringify({
        content: near(rng, [{ id: near(rng, 5), startTime: time(), endTime: time() }, near(rng, { id: 6, startTime: 'a', endTime: 'b' })]),
        page: near(rng, { size: near(rng, 2), number: near(rng, rng.pick([0, 1])), totalElements: near(rng, 2), totalPages: near(rng, rng.pick([1, 2, 1.5])) }),
      });
    case 4:
      return JSON.stringify(BOOK(rng));
    case 5:
      return JSON.stringify([BOOK(rng), BOOK(rng)]);
    case 6:
      return JSON.stringify({
        status: near(rng, 400),
        message: near(rng, rng.pick(['Book not found with ID: 3', 'Validation failed', ' spaced \n out '])),
        details: near(rng, ['sessions[1].endTime: required', 'x']),
      });
    case 7:
      return JSON.stringify({ status: near(rng, 200), message: near(rng, 'ok'), data: near(rng, { status: near(rng, 'UP'), version: near(rng, 'v1.2.3') }) });
    case 8:
      return JSON.stringify({ username: near(rng, 'reader') });
    case 9:
      return JSON.stringify(hostileValue(rng)) ?? '';
    default:
      return rng.pick(['<!doctype html><html><body>Sign in</body></html>', '{"totalRequested": 2, "successCount', '  Bad \t\n gateway  ', '', hostileString(rng)]);
  }
}

function cases(seed: number, count: number): AnswerCase[] {
  const rng = new Prng(seed);
  const out: AnswerCase[] = [];
  while (out.length < count) {
    const endpoint = rng.pick(ENDPOINTS);
    const usual = USUAL[endpoint];
    const status = rng.chance(0.6) ? rng.pick(usual.statuses) : rng.pick([200, 201, 204, 302, 400, 401, 403, 404, 405, 409, 429, 500, 502, 503, 504, rng.int(100, 599)]);
    const contentType = rng.chance(0.7) ? rng.pick(['application/json', 'application/json;charset=UTF-8']) : rng.pick(['text/html', 'text/plain', '']);
    const auth: AuthKind = rng.pick(['jwt', 'koreader']);
    const text = body(rng, rng.chance(0.8) ? rng.pick(usual.shapes) : rng.int(0, 10));
    if (/\[\]|\{\}/.test(text) || /[^\x00-\x7f]/.test(text)) continue;
    if ((endpoint === 'single' || endpoint === 'batch') && auth === 'koreader' && status === 403) continue;
    if (endpoint === 'login' && (status === 400 || status === 401 || status === 403)) continue;
    const retryAfterSeconds = rng.chance(0.2) ? rng.int(0, 3600) : null;
    out.push({ endpoint, response: { status, contentType, text, retryAfterSeconds }, auth, sent: endpoint === 'batch' ? rng.int(1, 3) : 0 });
  }
  return out;
}

test('the Lua build reads BookLore answers exactly as the Node build does (same outcome and message, endpoint by endpoint)', { skip }, async () => {
  const dir = tempDir('bls-lua-answers-');
  try {
    const all = cases(20261125, 3000);
    const result = await lua<unknown[]>(dir.path, 'answers', all);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.length, all.length);
    const differences: string[] = [];
    all.forEach((c, i) => {
      const expected = withoutNulls(JSON.parse(JSON.stringify(judgeInNode(c))));
      if (JSON.stringify(result.json[i]) !== JSON.stringify(expected) && !isDeepEqual(result.json[i], expected)) {
        differences.push(`${c.endpoint} ${c.response.status} ${c.response.contentType} ${c.response.text.slice(0, 120)}\n  node ${JSON.stringify(expected)}\n  lua  ${JSON.stringify(result.json[i])}`);
      }
    });
    assert.deepEqual(differences.slice(0, 10), []);
  } finally {
    dir.cleanup();
  }
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
