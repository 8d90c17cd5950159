// §8: how Spring MVC answers a `Range` request for a `Resource` (HttpRange, ResourceRegion and
// ResourceRegionHttpMessageConverter): one range → 206 + Content-Range; several → 206
// multipart/byteranges, one part per range; an end past the file is clamped; a start at or past
// the end, more than 100 ranges, a malformed header, or several ranges whose lengths sum to ≥ the
// file → 416 with `Content-Range: bytes */len`. No Range → 200 and the whole file.
import type { ApiResponse } from './http-exchange.js';
import type { FileContent } from './book-files.js';

const MAX_RANGES = 100;

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/** The ranges of a `Range` header for a file of `size` bytes; null = Spring's IllegalArgumentException (→ 416). */
export function resolveRanges(header: string, size: number): ByteRange[] | null {
  if (!header.startsWith('bytes=')) return null;
  const specs = header.slice('bytes='.length).split(',');
  if (specs.length > MAX_RANGES) return null;
  const ranges: ByteRange[] = [];
  for (const raw of specs) {
    const spec = raw.trim();
    const dash = spec.indexOf('-');
    if (dash < 0) return null;
    const first = spec.slice(0, dash);
    const last = spec.slice(dash + 1);
    if (!/^\d*$/.test(first) || !/^\d*$/.test(last) || (first === '' && last === '')) return null;
    if (first === '') {
      // A suffix: the last N bytes.
      const n = Number(last);
      ranges.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = Number(first);
    const end = last === '' ? size - 1 : Number(last);
    if (end < start || start >= size) return null;
    ranges.push({ start, end: Math.min(end, size - 1) });
  }
  if (ranges.length > 1) {
    let total = 0;
    for (const r of ranges) total += r.end - r.start + 1;
    if (total >= size) return null;
  }
  return ranges;
}

export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

/** The answer to a GET of this content with this Range header (undefined = none). */
export function rangedResponse(content: FileContent, contentType: string, rangeHeader: string | undefined, boundary: string): ApiResponse {
  const base = { 'content-type': contentType, 'accept-ranges': 'bytes', 'cache-control': 'no-cache, private' };
  if (rangeHeader === undefined) return { status: 200, headers: base, body: content.read(0, content.size) };
  const ranges = resolveRanges(rangeHeader, content.size);
  if (ranges === null || ranges.length === 0) {
    return { status: 416, headers: { 'content-range': `bytes */${content.size}` }, body: Buffer.alloc(0) };
  }
  if (ranges.length === 1) {
    const r = ranges[0]!;
    return { status: 206, headers: { ...base, 'content-range': contentRange(r, content.size) }, body: content.read(r.start, r.end - r.start + 1) };
  }
  const parts: Buffer[] = [];
  for (const r of ranges) {
    parts.push(Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: ${contentRange(r, content.size)}\r\n\r\n`, 'latin1'));
    parts.push(content.read(r.start, r.end - r.start + 1));
  }
  parts.push(Buffer.from(`\r\n--${boundary}--`, 'latin1'));
  return { status: 206, headers: { ...base, 'content-type': `multipart/byteranges; boundary=${boundary}` }, body: Buffer.concat(parts) };
}
