// The bytes of a ranged GET (§8), as pure functions over byte strings (one character per byte:
// latin1 in Node, a plain string in Lua): which ranges to ask for, what a Content-Range says, and
// the parts of a multipart/byteranges body. Anything that does not say exactly what was asked is
// refused (null), never guessed at: a wrong byte would give a wrong fingerprint.
import { integerText } from '../booklore/integer-text.js';
import type { Sample } from '../fingerprint-plan.js';

export interface ByteSpan {
  start: number;
  /** Inclusive, as in HTTP. */
  end: number;
}

/** Bytes [start, end] of a file of `total` bytes (null when the server did not say). */
export interface ReceivedPart extends ByteSpan {
  total: number | null;
  bytes: string;
}

/** The samples as few ranges as possible: adjacent or overlapping samples become one range. */
export function coalesceSamples(samples: readonly Sample[]): ByteSpan[] {
  const spans: ByteSpan[] = [];
  for (const s of samples) {
    if (s.length <= 0) continue;
    const last = spans[spans.length - 1];
    const end = s.offset + s.length - 1;
    if (last !== undefined && s.offset <= last.end + 1) {
      if (end > last.end) last.end = end;
    } else {
      spans.push({ start: s.offset, end });
    }
  }
  return spans;
}

export function rangeHeader(spans: readonly ByteSpan[]): string {
  return `bytes=${spans.map((s) => `${integerText(s.start)}-${integerText(s.end)}`).join(',')}`;
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** A non-negative whole number written in ASCII digits only (at most 15 of them), else null. */
export function digitsValue(text: string): number | null {
  if (text.length === 0 || text.length > 15) return null;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < DIGIT_0 || code > DIGIT_9) return null;
    value = value * 10 + (code - DIGIT_0);
  }
  return value;
}

export type ContentRange = { satisfied: true; start: number; end: number; total: number | null } | { satisfied: false; total: number | null };

/** `bytes a-b/len`, `bytes a-b/*` or `bytes *\/len` (RFC 9110 §14.4); null when malformed. */
export function parseContentRange(value: string): ContentRange | null {
  const text = value.trim();
  if (text.substring(0, 6).toLowerCase() !== 'bytes ') return null;
  const rest = text.substring(6).trim();
  const slash = rest.indexOf('/');
  if (slash < 0) return null;
  const totalText = rest.substring(slash + 1);
  const total = totalText === '*' ? null : digitsValue(totalText);
  if (total === null && totalText !== '*') return null;
  const range = rest.substring(0, slash);
  if (range === '*') return { satisfied: false, total };
  const dash = range.indexOf('-');
  if (dash < 0) return null;
  const start = digitsValue(range.substring(0, dash));
  const end = digitsValue(range.substring(dash + 1));
  if (start === null || end === null || end < start) return null;
  if (total !== null && end >= total) return null;
  return { satisfied: true, start, end, total };
}

/** The boundary of a `multipart/byteranges; boundary=…` Content-Type, or null for any other type. */
export function byterangesBoundary(contentType: string): string | null {
  const lower = contentType.toLowerCase();
  if (lower.trim().indexOf('multipart/byteranges') !== 0) return null;
  const at = lower.indexOf('boundary=');
  if (at < 0) return null;
  let boundary = contentType.substring(at + 'boundary='.length);
  const semicolon = boundary.indexOf(';');
  if (semicolon >= 0) boundary = boundary.substring(0, semicolon);
  boundary = boundary.trim();
  if (boundary.length >= 2 && boundary.charAt(0) === '"' && boundary.charAt(boundary.length - 1) === '"') boundary = boundary.substring(1, boundary.length - 1);
  return boundary.length > 0 && boundary.length <= 70 ? boundary : null;
}

/** The Content-Range header of one part's header block, or null. */
function partContentRange(headerBlock: string): string | null {
  for (const line of headerBlock.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.substring(0, colon).trim().toLowerCase() === 'content-range') return line.substring(colon + 1).trim();
  }
  return null;
}

/**
 * The parts of a multipart/byteranges body. Each part's length comes from its own Content-Range,
 * and the next delimiter must follow exactly there, so bytes that happen to look like a boundary
 * cannot cut a part short. Null for anything malformed or cut off.
 */
export function parseByteranges(body: string, boundary: string): ReceivedPart[] | null {
  const delimiter = `--${boundary}`;
  let at = body.indexOf(delimiter);
  if (at < 0) return null;
  const parts: ReceivedPart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.substring(at, at + 2) === '--') return parts.length > 0 ? parts : null;
    if (body.substring(at, at + 2) !== '\r\n') return null;
    const headersEnd = body.indexOf('\r\n\r\n', at);
    if (headersEnd < 0) return null;
    const value = partContentRange(body.substring(at + 2, headersEnd));
    const range = value === null ? null : parseContentRange(value);
    if (range === null || !range.satisfied) return null;
    const dataStart = headersEnd + 4;
    const dataEnd = dataStart + (range.end - range.start + 1);
    if (dataEnd > body.length) return null;
    parts.push({ start: range.start, end: range.end, total: range.total, bytes: body.substring(dataStart, dataEnd) });
    if (body.substring(dataEnd, dataEnd + 2 + delimiter.length) !== `\r\n${delimiter}`) return null;
    at = dataEnd + 2;
  }
}

/** Whether the parts are exactly the asked spans (ends clamped to a file of `total` bytes), in order. */
export function partsMatchAsked(asked: readonly ByteSpan[], parts: readonly ReceivedPart[], total: number): boolean {
  if (parts.length !== asked.length) return false;
  for (let i = 0; i < asked.length; i++) {
    const want = asked[i]!;
    const part = parts[i]!;
    const end = want.end < total ? want.end : total - 1;
    if (part.start !== want.start || part.end !== end || part.bytes.length !== end - want.start + 1) return false;
    if (part.total !== null && part.total !== total) return false;
  }
  return true;
}

/** The samples' bytes, in order, cut from the parts; null when a sample is not wholly in one part. */
export function sampleBytes(samples: readonly Sample[], parts: readonly ReceivedPart[]): string[] | null {
  const out: string[] = [];
  for (const s of samples) {
    let found: string | null = null;
    for (const part of parts) {
      if (s.offset >= part.start && s.offset + s.length - 1 <= part.end) {
        found = part.bytes.substring(s.offset - part.start, s.offset - part.start + s.length);
        break;
      }
    }
    if (found === null) return null;
    out.push(found);
  }
  return out;
}
