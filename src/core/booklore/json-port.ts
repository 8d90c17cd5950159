// JSON as the BookLore client needs it: reading answers, and the pieces of request bodies. Objects
// are put together by the core (request-bodies.ts), key by key, so a body comes out the same on
// both runtimes: in Lua a table has no key order, and null and absent look alike.

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export interface JsonPort {
  /** The value of JSON text, or ok: false when the text is not JSON. */
  parse(text: string): JsonParse;
  /** A string as JSON text, quoted and escaped. */
  encodeString(value: string): string;
  /** A number as JSON text, as JavaScript's JSON.stringify writes it (NaN and infinities: null). */
  encodeNumber(value: number): string;
}
