// The sync engine's pure rules, as tables of cases (no network, no database).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isBackingOff, nextBackoff } from '../src/core/sync/backoff.js';
import { culpritsFromDetails } from '../src/core/sync/batch-culprits.js';
import { prepareForUpload, timeKey } from '../src/core/sync/wire-session.js';
import type { QueuedSession } from '../src/core/sync/store-port.js';

test('backoff doubles per failure within [half, full] of base·2^(n−1), capped, and honours Retry-After', () => {
  const policy = { baseSeconds: 30, capSeconds: 3600 };
  const cases: [number, number, number][] = [
    // failures before, random, expected delay
    [0, 0, 15],
    [0, 1, 30],
    [1, 0, 30],
    [1, 1, 60],
    [2, 0.5, 90],
    [10, 1, 3600],
    [40, 0, 1800],
  ];
  for (const [failures, r, delay] of cases) {
    const previous = failures === 0 ? null : { failures, nextAttemptAt: 0 };
    const next = nextBackoff(previous, 1000, () => r, policy, null);
    assert.equal(next.failures, failures + 1);
    assert.equal(next.nextAttemptAt, 1000 + delay, `after ${failures} failures, random ${r}`);
  }
  assert.equal(nextBackoff(null, 1000, () => 0, policy, 120).nextAttemptAt, 1120, 'Retry-After is a floor');
  assert.equal(nextBackoff(null, 1000, () => 0, policy, 5).nextAttemptAt, 1015);
  assert.equal(isBackingOff({ failures: 1, nextAttemptAt: 1001 }, 1000), true);
  assert.equal(isBackingOff({ failures: 1, nextAttemptAt: 1000 }, 1000), false);
  assert.equal(isBackingOff(null, 1000), false);
});

test("the culprits of an all-or-nothing 400 come from the server's details", () => {
  const details = [
    'sessions[3].startTime: Start time is required',
    'sessions[3].endTime: End time is required',
    'sessions[17].startLocation: size must be between 0 and 500',
    'bookType: Book type is required',
    'sessions[999].endTime: out of range',
    'sessions[x].endTime: not an index',
  ];
  const culprits = culpritsFromDetails(details, 20);
  assert.deepEqual([...culprits.keys()].sort((a, b) => a - b), [3, 17]);
  assert.equal(culprits.get(3)!.length, 2);
  assert.equal(culpritsFromDetails(['End time must be after start time'], 5).size, 0);
});

const row = (over: Partial<QueuedSession>): QueuedSession => ({
  id: 1, bookId: 7, bookHash: null, bookType: 'EPUB', bookTitle: null, startTime: '2026-02-22T14:00:00Z',
  endTime: '2026-02-22T14:45:00Z', durationSeconds: 2700, startProgress: 10, endProgress: 20.456, progressDelta: null,
  startLocation: '1', endLocation: '9', retryCount: 0, alreadyUploaded: false, ...over,
});

test('a queued row is re-validated before upload and sent in the wire format', () => {
  const ok = prepareForUpload(row({}));
  assert.ok(ok.ok);
  assert.deepEqual(ok.ok && ok.wire, {
    startTime: '2026-02-22T14:00:00Z', endTime: '2026-02-22T14:45:00Z', durationSeconds: 2700, durationFormatted: '45m 0s',
    startProgress: 10, endProgress: 20.46, progressDelta: 10.46, startLocation: '1', endLocation: '9',
  });
  // rows the plugin may have written: never sent, the reason names the field
  for (const [over, field] of [
    [{ startTime: '' }, 'startTime'],
    [{ endTime: '2026-02-22T13:00:00Z' }, 'endTime'],
    [{ bookType: 'DJVU' }, 'bookType'],
    [{ durationSeconds: 999999 }, 'durationSeconds'],
    [{ endProgress: 140 }, 'endProgress'],
  ] as [Partial<QueuedSession>, string][]) {
    const bad = prepareForUpload(row(over));
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.errors.some((e) => e.field === field), JSON.stringify(over));
  }
});

test('the natural key compares instants, not spellings', () => {
  assert.equal(timeKey('2026-02-22T14:00:00Z', '2026-02-22T14:45:00Z'), timeKey('2026-02-22T16:00:00+02:00', '2026-02-22T14:45:00.000Z'));
  assert.equal(timeKey('', '2026-02-22T14:45:00Z'), null);
});
