// The pure byte-range rules of remote fingerprinting (src/core/sync/byte-ranges.ts): what is asked
// for, and which answers are accepted as exactly those bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  byterangesBoundary, coalesceSamples, parseByteranges, parseContentRange, partsMatchAsked, rangeHeader, sampleBytes,
} from '../src/core/sync/byte-ranges.js';
import { fingerprintSamples } from '../src/core/fingerprint-plan.js';

test('adjacent samples become one range: a 1 GiB+ file is asked for in 11 ranges, 12 KiB in all', () => {
  const spans = coalesceSamples(fingerprintSamples(2 * 1024 ** 3));
  assert.equal(spans.length, 11);
  assert.deepEqual(spans[0], { start: 0, end: 2047 });
  assert.equal(rangeHeader(spans.slice(0, 2)), 'bytes=0-2047,4096-5119');
  assert.deepEqual(coalesceSamples(fingerprintSamples(1500)), [{ start: 0, end: 1499 }]);
});

test('Content-Range: satisfied, unsatisfied, and anything malformed refused', () => {
  assert.deepEqual(parseContentRange('bytes 0-1023/98765'), { satisfied: true, start: 0, end: 1023, total: 98765 });
  assert.deepEqual(parseContentRange('bytes */12345'), { satisfied: false, total: 12345 });
  assert.deepEqual(parseContentRange('bytes 5-9/*'), { satisfied: true, start: 5, end: 9, total: null });
  for (const bad of ['bytes 9-5/100', 'bytes 0-100/100', 'items 0-1/2', 'bytes 0-1', 'bytes a-b/3', 'bytes -1-2/5', '']) {
    assert.equal(parseContentRange(bad), null, bad);
  }
});

test('multipart/byteranges: parts by their own lengths; truncated, extra or malformed bodies refused', () => {
  assert.equal(byterangesBoundary('multipart/byteranges; boundary="a b"'), 'a b');
  assert.equal(byterangesBoundary('application/pdf'), null);
  const part = (range: string, bytes: string) => `\r\n--B\r\nContent-Type: x\r\nContent-Range: ${range}\r\n\r\n${bytes}`;
  // The data of the first part contains the delimiter itself: lengths, not searching, decide.
  const body = part('bytes 0-11/100', '\r\n--B\r\nabcd!') + part('bytes 50-52/100', 'xyz') + '\r\n--B--';
  const parts = parseByteranges(body, 'B')!;
  assert.deepEqual(parts.map((p) => [p.start, p.end, p.bytes]), [[0, 11, '\r\n--B\r\nabcd!'], [50, 52, 'xyz']]);
  assert.ok(partsMatchAsked([{ start: 0, end: 11 }, { start: 50, end: 52 }], parts, 100));
  assert.ok(!partsMatchAsked([{ start: 0, end: 11 }, { start: 51, end: 53 }], parts, 100), 'other bytes than asked');
  assert.ok(!partsMatchAsked([{ start: 0, end: 11 }], parts, 100), 'an extra part');
  assert.equal(parseByteranges(body.slice(0, body.length - 8), 'B'), null, 'cut off');
  assert.equal(parseByteranges(part('bytes 0-11/100', 'short') + '\r\n--B--', 'B'), null, 'a part shorter than its range');
  assert.equal(parseByteranges('garbage', 'B'), null);
  assert.deepEqual(sampleBytes([{ offset: 1, length: 3 }, { offset: 50, length: 2 }], parts), ['\n--', 'xy']);
  assert.equal(sampleBytes([{ offset: 10, length: 5 }], parts), null, 'a sample across parts is not guessed');
});
