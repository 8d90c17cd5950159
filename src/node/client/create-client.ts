// The shared BookLore client (src/core/booklore) with Node's adapters: fetch, JSON, zod checks,
// the command line's wording, crypto randomness.
import { randomInt } from 'node:crypto';
import type { Tokens } from '../../core/booklore/answer-shapes.js';
import type { Credentials } from '../../core/booklore/authenticator.js';
import { BookLoreClient } from '../../core/booklore/booklore-client.js';
import { CLI_WORDING } from './cli-wording.js';
import { FetchTransport, type HttpSettings } from './http-transport.js';
import { nodeJson } from './node-json.js';
import { zodAnswerShapes } from './zod-answer-shapes.js';

const RANDOM_RANGE = 2 ** 32;

export function createBookLoreClient(server: string, credentials: Credentials, http: HttpSettings, onTokens?: (tokens: Tokens) => void): BookLoreClient {
  return new BookLoreClient(
    server,
    credentials,
    {
      http: new FetchTransport(http),
      json: nodeJson,
      shapes: zodAnswerShapes,
      wording: CLI_WORDING,
      random: () => randomInt(0, RANDOM_RANGE) / RANDOM_RANGE,
    },
    onTokens,
  );
}
