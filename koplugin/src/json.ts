// JSON for the plugin. Decoding goes through the JSON library KOReader ships (rapidjson, whose
// `null` is a sentinel value); request bodies are written here, field by field, so they come out
// exactly as the Node client's JSON.stringify writes them (key order, null, [] vs {}), whatever
// library is underneath.
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

export function nullableStringJson(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : stringJson(value);
}

export function nullableNumberJson(value: number | null | undefined): string {
  return value === null || value === undefined ? 'null' : numberJson(value);
}

/** An object from [key, already-encoded value] pairs, in order. */
export function objectJson(fields: [string, string][]): string {
  return `{${fields.map(([key, value]) => `${stringJson(key)}:${value}`).join(',')}}`;
}

export function arrayJson(items: string[]): string {
  return `[${items.join(',')}]`;
}

// ── reading decoded values (zod's role in the Node client, as explicit checks) ───────────────

/** A JSON object (a Lua table that is not a non-empty array), or null. */
export function asObject(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null || value === jsonLibrary().null) return null;
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

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && value === value && Math.floor(value) === value && value !== Infinity && value !== -Infinity;
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
  return value === undefined || typeof value === 'number';
}

export function optionalNumber(object: Record<string, unknown>, key: string): Field<number> {
  const value = object[key];
  if (isNull(value)) return { ok: true, value: null };
  return typeof value === 'number' ? { ok: true, value } : { ok: false };
}
