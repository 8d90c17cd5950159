import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDetectionRules, DEFAULT_DETECTION_RULES } from '../src/core/detection-rules.js';
import { validateSession, type SessionInput, type Session } from '../src/core/session.js';
import { formatDuration } from '../src/core/duration-format.js';
import { bookTypeForFile, titleFromPath } from '../src/core/book-type-from-file.js';

const HASH = '0123456789abcdef0123456789abcdef';
const base: SessionInput = {
  bookHash: HASH,
  startTime: '2026-02-22T14:00:00Z',
  endTime: '2026-02-22T14:45:00Z',
  startLocation: '10',
  endLocation: '20',
};

function valid(input: SessionInput): Session {
  const result = validateSession(input);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.errors));
  return result.session;
}

function errorsOf(input: SessionInput): Record<string, string> {
  const result = validateSession(input);
  assert.equal(result.ok, false, 'expected the session to be refused');
  return result.ok ? {} : Object.fromEntries(result.errors.map((e) => [e.field, e.message]));
}

test('a complete session is accepted; duration defaults to end − start; book type defaults to EPUB', () => {
  const s = valid(base);
  assert.equal(s.startTime, 1771768800);
  assert.equal(s.endTime, 1771771500);
  assert.equal(s.durationSeconds, 2700);
  assert.equal(s.bookType, 'EPUB');
  assert.equal(s.bookHash, HASH);
  assert.equal(s.bookId, null);
});

test('a session needs a book: a hash, an id, or both', () => {
  assert.match(errorsOf({ ...base, bookHash: null }).book ?? '', /needs a book/);
  assert.equal(valid({ ...base, bookHash: null, bookId: 7 }).bookId, 7);
  assert.match(errorsOf({ ...base, bookId: 0 }).bookId ?? '', /positive whole number/);
  assert.match(errorsOf({ ...base, bookId: 1.5 }).bookId ?? '', /positive whole number/);
  assert.match(errorsOf({ ...base, bookHash: 'xyz' }).bookHash ?? '', /32 hex digits/);
  assert.equal(valid({ ...base, bookHash: HASH.toUpperCase() }).bookHash, HASH, 'hashes compare in lower case');
});

test('book type must be one of the BookLore enum values (case-insensitive)', () => {
  for (const type of ['PDF', 'EPUB', 'CBX', 'FB2', 'MOBI', 'AZW3', 'AUDIOBOOK', 'pdf']) {
    assert.equal(valid({ ...base, bookType: type }).bookType, type.toUpperCase());
  }
  assert.match(errorsOf({ ...base, bookType: 'DJVU' }).bookType ?? '', /must be one of PDF EPUB CBX FB2 MOBI AZW3 AUDIOBOOK/);
});

test('end must not be before start; equal is allowed', () => {
  assert.match(errorsOf({ ...base, endTime: '2026-02-22T13:59:59Z' }).endTime ?? '', /must not be before startTime/);
  assert.equal(valid({ ...base, endTime: base.startTime, startLocation: null, endLocation: null }).durationSeconds, 0);
});

test('instants must be valid whole-second ISO-8601 with a zone; epoch seconds are accepted from code', () => {
  assert.match(errorsOf({ ...base, startTime: '2026-02-22T14:00:00.250Z' }).startTime ?? '', /whole seconds/);
  assert.match(errorsOf({ ...base, endTime: 'soon' }).endTime ?? '', /must look like/);
  assert.equal(valid({ ...base, startTime: 1771768800, endTime: 1771768900 }).durationSeconds, 100);
  assert.match(errorsOf({ ...base, startTime: 1.5 }).startTime ?? '', /whole number/);
});

test('a given duration may be shorter than the span, never longer, never negative or fractional', () => {
  assert.equal(valid({ ...base, durationSeconds: 1200 }).durationSeconds, 1200);
  assert.equal(valid({ ...base, durationSeconds: 2700 }).durationSeconds, 2700);
  assert.match(errorsOf({ ...base, durationSeconds: 2701 }).durationSeconds ?? '', /must not exceed endTime − startTime = 2700/);
  assert.match(errorsOf({ ...base, durationSeconds: -1 }).durationSeconds ?? '', /≥ 0/);
  assert.match(errorsOf({ ...base, durationSeconds: 10.5 }).durationSeconds ?? '', /whole number/);
});

test('progress is a percentage 0–100, rounded to 2 decimals, with its delta', () => {
  const s = valid({ ...base, startProgress: 10.123, endProgress: 25.5 });
  assert.equal(s.startProgress, 10.12);
  assert.equal(s.endProgress, 25.5);
  assert.equal(s.progressDelta, 15.38);
  assert.match(errorsOf({ ...base, startProgress: -0.1 }).startProgress ?? '', /0 to 100/);
  assert.match(errorsOf({ ...base, endProgress: 100.01 }).endProgress ?? '', /0 to 100/);
  assert.match(errorsOf({ ...base, endProgress: Number.NaN }).endProgress ?? '', /0 to 100/);
  assert.equal(valid({ ...base, startProgress: 0, endProgress: 100 }).progressDelta, 100);
});

test('locations are at most 500 characters', () => {
  assert.equal(valid({ ...base, endLocation: 'x'.repeat(500) }).endLocation?.length, 500);
  assert.match(errorsOf({ ...base, startLocation: 'x'.repeat(501) }).startLocation ?? '', /at most 500 characters/);
});

test('every problem is reported at once, each naming its field', () => {
  const errors = errorsOf({ bookHash: 'nope', bookType: 'TXT', startTime: 'x', endTime: 'y', startProgress: 200 });
  assert.deepEqual(Object.keys(errors).sort(), ['bookHash', 'bookType', 'endTime', 'startProgress', 'startTime']);
});

test('detection rules, duration mode: at least 30 s and a page turned', () => {
  const rules = DEFAULT_DETECTION_RULES;
  assert.deepEqual(checkDetectionRules(valid(base), rules), { counts: true });
  const short = checkDetectionRules(valid({ ...base, endTime: '2026-02-22T14:00:29Z' }), rules);
  assert.equal(short.counts, false);
  assert.match(short.counts ? '' : short.reason, /29 s; at least 30 s/);
  assert.deepEqual(checkDetectionRules(valid({ ...base, endTime: '2026-02-22T14:00:30Z' }), rules), { counts: true });
  const still = checkDetectionRules(valid({ ...base, endLocation: '10' }), rules);
  assert.match(still.counts ? '' : still.reason, /no page was turned/);
  const stillByProgress = checkDetectionRules(valid({ ...base, startLocation: null, endLocation: null, startProgress: 5, endProgress: 5 }), rules);
  assert.equal(stillByProgress.counts, false);
  // configurable
  assert.equal(checkDetectionRules(valid({ ...base, endTime: '2026-02-22T14:00:10Z' }), { ...rules, minDurationSeconds: 10 }).counts, true);
});

test('detection rules, pages mode: at least 5 pages between numeric locations', () => {
  const rules = { ...DEFAULT_DETECTION_RULES, mode: 'pages' as const };
  assert.equal(checkDetectionRules(valid({ ...base, startLocation: '10', endLocation: '15' }), rules).counts, true);
  assert.equal(checkDetectionRules(valid({ ...base, startLocation: '15', endLocation: '10' }), rules).counts, true);
  const few = checkDetectionRules(valid({ ...base, startLocation: '10', endLocation: '14' }), rules);
  assert.match(few.counts ? '' : few.reason, /only 4 page\(s\)/);
  const noPages = checkDetectionRules(valid({ ...base, startLocation: 'epubcfi(/6/4)', endLocation: 'x' }), rules);
  assert.match(noPages.counts ? '' : noPages.reason, /page numbers/);
  assert.equal(checkDetectionRules(valid({ ...base, startLocation: '10', endLocation: '12' }), { ...rules, minPages: 2 }).counts, true);
});

test('durationFormatted as BookLore clients send it', () => {
  assert.equal(formatDuration(45), '45s');
  assert.equal(formatDuration(240), '4m 0s');
  assert.equal(formatDuration(3909), '1h 5m 9s');
  assert.equal(formatDuration(0), '0s');
});

test('book type from file extension; unknown extensions are not guessed', () => {
  assert.equal(bookTypeForFile('/books/A.pdf'), 'PDF');
  assert.equal(bookTypeForFile('b.EPUB'), 'EPUB');
  assert.equal(bookTypeForFile('c.cbr'), 'CBX');
  assert.equal(bookTypeForFile('d.fb2.zip'), 'FB2');
  assert.equal(bookTypeForFile('e.azw3'), 'AZW3');
  assert.equal(bookTypeForFile('f.m4b'), 'AUDIOBOOK');
  assert.equal(bookTypeForFile('g.djvu'), null);
  assert.equal(bookTypeForFile('dir.epub/noext'), null);
  assert.equal(titleFromPath('/x/y/The Hobbit.epub'), 'The Hobbit');
});

test('regressions found by fuzzing: wrong runtime types, instants past year 9999, durations BookLore cannot store', () => {
  // rows from SQLite (dynamically typed) can hold any type whatever the declared one
  const odd = validateSession({ ...base, bookType: 7 as unknown as string, startLocation: 12 as unknown as string, bookHash: {} as unknown as string, startTime: null as unknown as string });
  assert.equal(odd.ok, false);
  assert.deepEqual(
    (odd.ok ? [] : odd.errors.map((e) => e.field)).sort(),
    ['bookHash', 'bookType', 'startLocation', 'startTime'],
  );
  assert.match(errorsOf({ ...base, endTime: 1e308 }).endTime ?? '', /whole number|between the years 1000 and 9999/);
  assert.match(errorsOf({ ...base, endTime: 9007199254740992 }).endTime ?? '', /between the years 1000 and 9999/);
  assert.match(errorsOf({ ...base, startTime: '0999-12-31T23:59:59Z' }).startTime ?? '', /between the years 1000 and 9999/);
  assert.match(errorsOf({ ...base, startTime: '1900-01-01T00:00:00Z', endTime: '2000-01-01T00:00:00Z', startLocation: null, endLocation: null }).durationSeconds ?? '', /at most 2147483647/);
  assert.equal(valid({ ...base, startTime: '1000-01-01T00:00:00Z', endTime: '1000-01-01T00:30:00Z' }).durationSeconds, 1800);
});
