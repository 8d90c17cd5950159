// The KOReader partial MD5 of one file on the server (§8), from its 1 KiB samples read with one
// ranged request: adjacent samples coalesced, several ranges as multipart/byteranges. The file's
// length (which decides the samples) comes from the list's fileSizeKb hint, then from the
// server's own Content-Range; a stale hint costs one more request, a 416 tells the length, a
// server that ignores Range is read only as far as needed. Any answer that is not exactly the
// asked bytes makes the file unreadable this time: never a guessed fingerprint.
import type { Failure } from './api-port.js';
import {
  byterangesBoundary, coalesceSamples, parseByteranges, parseContentRange, partsMatchAsked, rangeHeader, sampleBytes,
  type ByteSpan, type ReceivedPart,
} from './byte-ranges.js';
import { fingerprintSamples, SAMPLE_SIZE, type Sample } from '../fingerprint-plan.js';
import type { ContentAnswer, LibraryApi, LibraryFile, Md5Port } from './library-port.js';
import { integerText } from '../booklore/integer-text.js';

export type FileFingerprintOutcome =
  | { kind: 'hash'; hash: string; sizeBytes: number }
  /** The server has no readable file for it (404, physical book): checked, and not it. */
  | { kind: 'no-file'; reason: string }
  /** A bad or unusable answer: not checked; try again on a later sync. */
  | { kind: 'unreadable'; reason: string }
  /** Offline or refused credentials: the sync stops. */
  | { kind: 'stop'; failure: Failure };

/** Requests per file at most: the hint's guess, the true length, a read without Range. */
const MAX_REQUESTS = 4;
/** A server that ignores Range is read whole up to this far; larger files wait. */
const MAX_PREFIX_BYTES = 64 * 1024 * 1024;

type Received = { ok: true; total: number; parts: ReceivedPart[]; exact: boolean } | { ok: false; outcome: FileFingerprintOutcome } | { ok: false; total: number };

/**
 * The spans to ask for when the length is only hinted (kb·1024 ≤ length < (kb+1)·1024): the
 * samples up to the hint, a full KiB each (the server clamps the last).
 */
function hintedSpans(file: LibraryFile): ByteSpan[] {
  const lower = file.fileSizeKb !== null && file.fileSizeKb > 0 ? file.fileSizeKb * SAMPLE_SIZE : 0;
  if (lower === 0) return [{ start: 0, end: SAMPLE_SIZE - 1 }];
  const samples: Sample[] = fingerprintSamples(lower + 1).map((s) => ({ offset: s.offset, length: SAMPLE_SIZE }));
  return coalesceSamples(samples);
}

function unreadable(reason: string): { ok: false; outcome: FileFingerprintOutcome } {
  return { ok: false, outcome: { kind: 'unreadable', reason } };
}

/** What one content answer holds, checked against what was asked. */
function receive(answer: ContentAnswer, asked: ByteSpan[] | null): Received {
  const status = answer.status;
  if (status === 416) {
    const range = answer.contentRange === null ? null : parseContentRange(answer.contentRange);
    if (range !== null && !range.satisfied && range.total !== null) return { ok: false, total: range.total };
    return unreadable('416 without the file length');
  }
  if (status === 404 || status === 403 || status === 410) return { ok: false, outcome: { kind: 'no-file', reason: `HTTP ${integerText(status)}` } };
  if (status !== 200 && status !== 206) return unreadable(`HTTP ${integerText(status)}`);
  if (answer.contentType.toLowerCase().indexOf('text/html') >= 0) return unreadable('a web page instead of the file');
  if (status === 200) {
    // The whole file from its start (Range ignored, or not sent).
    const total = answer.contentLength !== null ? answer.contentLength : answer.truncated ? null : answer.body.length;
    if (total === null) return unreadable('the server ignored Range and gave no length');
    if (!answer.truncated && answer.body.length !== total) return unreadable('the file was cut short');
    if (answer.body.length === 0) return { ok: true, total, parts: [], exact: false };
    return { ok: true, total, parts: [{ start: 0, end: answer.body.length - 1, total, bytes: answer.body }], exact: false };
  }
  let parts: ReceivedPart[] | null;
  const boundary = byterangesBoundary(answer.contentType);
  if (boundary !== null) {
    parts = answer.truncated ? null : parseByteranges(answer.body, boundary);
    if (parts === null) return unreadable('a malformed or cut-off multipart/byteranges answer');
  } else {
    const range = answer.contentRange === null ? null : parseContentRange(answer.contentRange);
    if (range === null || !range.satisfied) return unreadable('a 206 without a usable Content-Range');
    if (answer.body.length !== range.end - range.start + 1) return unreadable('a 206 whose body does not match its Content-Range');
    parts = [{ start: range.start, end: range.end, total: range.total, bytes: answer.body }];
  }
  const total = parts[0]!.total;
  if (total === null) return unreadable('a 206 without the file length');
  if (asked === null || !partsMatchAsked(asked, parts, total)) return unreadable('the server sent other bytes than those asked for (Content-Range)');
  return { ok: true, total, parts, exact: true };
}

/** The partial MD5 of a server file, with at most a few requests. */
export async function fingerprintRemoteFile(api: LibraryApi, md5: Md5Port, file: LibraryFile): Promise<FileFingerprintOutcome> {
  let total: number | null = null;
  let withoutRange = false;
  const bookType = file.primary ? null : file.bookType;
  for (let request = 0; request < MAX_REQUESTS; request++) {
    if (total === 0) return { kind: 'hash', hash: md5(''), sizeBytes: 0 };
    const spans = total === null ? hintedSpans(file) : coalesceSamples(fingerprintSamples(total));
    const last = spans[spans.length - 1]!;
    if (withoutRange && last.end + 1 > MAX_PREFIX_BYTES) return { kind: 'unreadable', reason: 'the server ignores Range and the file is too large to read whole' };
    const fetched = await api.fetchContent(file.bookId, bookType, withoutRange ? null : rangeHeader(spans), last.end + 1);
    if (!fetched.ok) {
      const kind = fetched.failure.kind;
      if (kind === 'offline' || kind === 'auth') return { kind: 'stop', failure: fetched.failure };
      return { kind: 'unreadable', reason: fetched.failure.message };
    }
    const received = receive(fetched.answer, withoutRange ? null : spans);
    if (!received.ok) {
      if ('outcome' in received) return received.outcome;
      // 416: the server said the length; a second 416 with it known means ranges fail here.
      if (total === received.total) withoutRange = true;
      total = received.total;
      continue;
    }
    if (!received.exact && fetched.answer.status === 200 && !withoutRange && total === null) {
      // Range ignored: from now on read from the start, as far as the samples need.
      withoutRange = true;
    }
    const samples = fingerprintSamples(received.total);
    const bytes = sampleBytes(samples, received.parts);
    if (bytes !== null) return { kind: 'hash', hash: md5(bytes.join('')), sizeBytes: received.total };
    if (total === received.total) return { kind: 'unreadable', reason: 'the answer lacked some of the sampled bytes' };
    total = received.total;
    if (!received.exact) withoutRange = true;
  }
  return { kind: 'unreadable', reason: 'the server did not give the sampled bytes in a few requests' };
}
