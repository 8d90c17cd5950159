import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIsoUtc, parseIsoInstant } from '../src/core/iso-time.js';

test('formats epoch seconds as whole-second UTC ISO text, matching Date for a wide range', () => {
  for (const t of [0, 1, 59, 86399, 86400, 951782400, 1771768800, 4102444800, -1, -86401, 253402300799]) {
    assert.equal(formatIsoUtc(t), new Date(t * 1000).toISOString().replace('.000Z', 'Z'));
  }
  // every day across several leap years
  for (let t = 946684800; t < 1100000000; t += 86400 + 3661) {
    assert.equal(formatIsoUtc(t), new Date(t * 1000).toISOString().replace('.000Z', 'Z'));
  }
});

test('parses Z and offset forms to the same instant as Date.parse', () => {
  const cases = ['2026-02-22T14:00:00Z', '2026-02-22T16:00:00+02:00', '2026-02-22T09:30:00-04:30', '2000-02-29T23:59:59Z', '2026-02-22T14:00:00.000Z', '2026-02-22 14:00:00Z'];
  for (const text of cases) {
    const parsed = parseIsoInstant(text);
    assert.ok(parsed.ok, text);
    assert.equal(parsed.epochSeconds, Date.parse(text.replace(' ', 'T')) / 1000, text);
  }
});

test('round-trips through format and parse', () => {
  for (let t = -100000; t < 3e9; t += 7777777) {
    const parsed = parseIsoInstant(formatIsoUtc(t));
    assert.ok(parsed.ok);
    assert.equal(parsed.epochSeconds, t);
  }
});

test('refuses malformed, impossible, fractional and zone-less instants with a reason', () => {
  const bad: [string, RegExp][] = [
    ['2026-02-22', /must look like/],
    ['2026-02-22T14:00:00', /must end in Z/],
    ['2026-13-01T00:00:00Z', /month/],
    ['2026-02-30T00:00:00Z', /day that does not exist/],
    ['2025-02-29T00:00:00Z', /day that does not exist/],
    ['2026-02-22T24:00:00Z', /time of day/],
    ['2026-02-22T14:00:00.5Z', /whole seconds/],
    ['2026-02-22T14:00:00Zjunk', /must look like/],
    ['2026-02-22T14:00:00+2:00', /must look like/],
    ['yesterday at noon, roughly', /must look like/],
  ];
  for (const [text, reason] of bad) {
    const parsed = parseIsoInstant(text);
    assert.equal(parsed.ok, false, text);
    if (!parsed.ok) assert.match(parsed.problem, reason, text);
  }
});
