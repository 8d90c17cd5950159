// JSON for the plugin, and the JSON port of the shared BookLore client (src/core/booklore/json-port.ts).
// Decoding goes through the JSON library KOReader ships (rapidjson, whose `null` is a sentinel
// value); strings and numbers are written here so they come out exactly as JavaScript's
// JSON.stringify writes them, whatever library is underneath (the core puts the objects together).
import type { JsonParse, JsonPort } from '../../src/core/booklore/json-port.js';
import { luaRequire, type JsonDecoder } from './lua-libs.js';

let decoder: JsonDecoder | null = null;

function jsonLibrary(): JsonDecoder {
  if (decoder === null) decoder = luaRequire<JsonDecoder>('rapidjson');
  return decoder;
}

/** A decoded value, or undefined for text that is not JSON. JSON null stays the library's sentinel: see isNull. */
export function decodeJson(text: string): unknown {
  const lib = jsonLibrary();
  const [ok, value] = pcall(lib.decode, text);
  return ok ? value : undefined;
}

export function isNull(value: unknown): boolean {
  return value === undefined || value === null || value === jsonLibrary().null;
}

// ── encoding ───────────────────────────────────────────────────────────────────────────────────

/** An integer as JSON text ("12", never "12.0" or "1.2e+01"). */
export function integerText(value: number): string {
  return string.format('%.0f', value);
}

export function numberJson(value: number): string {
  if (value !== value || value === Infinity || value === -Infinity) return 'null'; // as JSON.stringify
  if (Math.floor(value) === value && value > -9007199254740992 && value < 9007199254740992) return integerText(value);
  // The shortest of these that reads back as the same double, like JavaScript's number printing.
  for (const digits of [15, 16, 17]) {
    const text = string.format(`%.${digits}g`, value);
    if (tonumber(text) === value) return text;
  }
  return string.format('%.17g', value);
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function stringJson(value: string): string {
  const [escaped] = string.gsub(value, '[%c"\\]', (ch: string) => ESCAPES[ch] ?? string.format('\\u%04x', string.byte(ch)));
  return `"${escaped}"`;
}

export const luaJson: JsonPort = {
  parse(text: string): JsonParse {
    const value = decodeJson(text);
    return value === undefined ? { ok: false } : { ok: true, value };
  },
  encodeString: (value) => stringJson(value),
  encodeNumber: (value) => numberJson(value),
};

// ── reading decoded values (zod's role in Node, as explicit checks: see answer-shapes.ts) ───────

/** A JSON object (a Lua table that is not a non-empty array), or null. */
export function asObject(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null || value === jsonLibrary().null) return null;
  // A table with numbered keys is a JSON array, which zod's z.object refuses too.
  for (const [key] of pairs(value as Record<string, unknown>)) if (typeof key === 'number') return null;
  return value as Record<string, unknown>;
}

/** A JSON array (decoded to a Lua sequence), or null. An empty object and an empty array look alike in Lua. */
export function asArray(value: unknown): unknown[] | null {
  if (typeof value !== 'object' || value === null || value === jsonLibrary().null) return null;
  const table = value as Record<string, unknown>;
  let count = 0;
  for (const [key] of pairs(table)) {
    if (typeof key !== 'number') return null;
    count++;
  }
  const list = value as unknown[];
  return list.length === count ? list : null;
}

const MAX_SAFE_INTEGER = 9007199254740991;

/** A safe integer, as zod's .int() (beyond 2^53 a JSON number is no exact id or count). */
export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Math.floor(value) === value && value >= -MAX_SAFE_INTEGER && value <= MAX_SAFE_INTEGER;
}

/** A finite number, as zod's z.number(). */
function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && value === value && value !== Infinity && value !== -Infinity;
}

/**
 * A field that may be absent, null, or of the type; `bad` when present with another type (then
 * the whole answer is not what the endpoint returns, as a failed zod parse in the Node client).
 */
export type Field<T> = { ok: true; value: T | null } | { ok: false };

export function optionalString(object: Record<string, unknown>, key: string): Field<string> {
  const value = object[key];
  if (isNull(value)) return { ok: true, value: null };
  return typeof value === 'string' ? { ok: true, value } : { ok: false };
}

/** zod's `.optional()` without `.nullable()`: absent is fine, JSON null is not. */
export function absentOrString(object: Record<string, unknown>, key: string): boolean {
  const value = object[key];
  return value === undefined || typeof value === 'string';
}

export function absentOrNumber(object: Record<string, unknown>, key: string): boolean {
  const value = object[key];
  return value === undefined || isFiniteNumber(value);
}
