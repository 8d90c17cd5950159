// The words every runtime shows after a sync (src/core/sync/sync-summary.ts): over every mix of
// outcomes, each session the sync settled or left is counted exactly once, and the sessions whose
// answer was lost are told when they will be (or can be) settled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempDir } from './helpers/cli.js';
import { ensurePluginBuilt, lua, luaUnavailable } from './helpers/koplugin.js';
import type { SyncReport } from '../src/core/sync/sync-engine.js';
import { secondsUntilNextCheck, summaryParts, syncSummary } from '../src/core/sync/sync-summary.js';

const NOW = 1_780_000_000;

function report(change: Partial<SyncReport>): SyncReport {
  return {
    uploaded: 0, resolved: 0, failed: 0, parked: 0, reconciled: 0, unknown: 0, nextCheckAt: null, nextCheckInSeconds: null, resentUnverified: 0,
    duplicatesDropped: 0, skippedBackoff: 0, unresolved: 0, pending: 0, stoppedBy: null, message: null,
    batchUpload: true, hashLookup: true, ...change,
  };
}

/** Every outcome a session can have in one sync; the ones still in the queue make up `pending`. */
const OUTCOMES = ['uploaded', 'reconciled', 'duplicatesDropped', 'unknown', 'failed', 'parked', 'skippedBackoff', 'waiting'] as const;
const IN_QUEUE = new Set(['unknown', 'failed', 'parked', 'skippedBackoff', 'waiting']);

/** The numbers a reader adds up: the leading count of each comma-separated part of the line. */
function countsInText(text: string): number[] {
  const line = text.replace(/ \([^()]*matched to books[^()]*\)$/, '').replace(/ \([^()]*re-sent unverified[^()]*\)$/, '');
  return line.split(', ').map((part) => {
    const match = /^(\d+) /.exec(part);
    assert.ok(match, `every part starts with its count: "${part}" in "${text}"`);
    return Number(match[1]);
  });
}

/** Every mix of outcomes (10 + i sessions of the i-th kind when its bit is set), with `pending` as the engine counts it. */
function mixes(): { counts: Record<(typeof OUTCOMES)[number], number>; report: SyncReport; total: number; scheduled: boolean }[] {
  const all = [];
  for (let mask = 0; mask < 1 << OUTCOMES.length; mask++) {
    const counts = Object.fromEntries(OUTCOMES.map((o, i) => [o, mask & (1 << i) ? 10 + i : 0])) as Record<(typeof OUTCOMES)[number], number>;
    const pending = OUTCOMES.filter((o) => IN_QUEUE.has(o)).reduce((sum, o) => sum + counts[o], 0);
    const total = OUTCOMES.reduce((sum, o) => sum + counts[o], 0);
    for (const nextCheckInSeconds of counts.unknown > 0 ? [0, 25] : [null]) {
      for (const scheduled of [true, false]) {
        const r = report({
          uploaded: counts.uploaded, reconciled: counts.reconciled, duplicatesDropped: counts.duplicatesDropped,
          unknown: counts.unknown, failed: counts.failed, parked: counts.parked, skippedBackoff: counts.skippedBackoff,
          pending, nextCheckAt: nextCheckInSeconds === null ? null : NOW + nextCheckInSeconds, nextCheckInSeconds, resolved: counts.uploaded, resentUnverified: mask & 1 ? 3 : 0,
        });
        all.push({ counts, report: r, total, scheduled });
      }
    }
  }
  return all;
}

test('over every mix of outcomes, the summary counts each session exactly once', () => {
  const all = mixes();
  for (const { counts, report: r, total, scheduled } of all) {
    const options = { scheduled };
    const parts = summaryParts(r, options);
    assert.equal(parts.reduce((sum, p) => sum + p.count, 0), total, `parts of ${JSON.stringify(counts)}`);
    const text = syncSummary(r, options);
    const inText = countsInText(text);
    assert.equal(inText.reduce((a, b) => a + b, 0), total, `"${text}" adds up to ${total} sessions`);
    assert.match(text, new RegExp(`(^|, )${counts.waiting} still queued`), text);
  }
  assert.ok(all.length > 256);
});

const unavailable = luaUnavailable();
test('the KOReader build words every mix exactly as the Node build does', { skip: unavailable?.skip ? unavailable.reason : false }, async () => {
  if (unavailable && !unavailable.skip) throw new Error(unavailable.reason);
  await ensurePluginBuilt();
  const cases = mixes().map((m) => ({ report: m.report, scheduled: m.scheduled }));
  const dir = tempDir('bls-lua-summary-');
  const result = await lua(dir.path, 'summary', cases).finally(() => dir.cleanup());
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.json, cases.map((c) => syncSummary(c.report, { scheduled: c.scheduled })));
});

test('a Sync Now press that ran two syncs (KOReader): the answers the first lost and the second found are counted once', { skip: unavailable?.skip ? unavailable.reason : false }, async () => {
  if (unavailable && !unavailable.skip) throw new Error(unavailable.reason);
  await ensurePluginBuilt();
  const earlier = { ran: true, message: '', problem: false, nextCheckInSeconds: 0, report: report({ uploaded: 20, unknown: 10, pending: 12, nextCheckAt: NOW, nextCheckInSeconds: 0, failed: 2 }) };
  const later = { ran: true, message: '', problem: false, nextCheckInSeconds: null, report: report({ reconciled: 10, uploaded: 2, pending: 0 }) };
  const dir = tempDir('bls-lua-combine-');
  const result = await lua(dir.path, 'combine', [{ earlier, later }]).finally(() => dir.cleanup());
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.json, ['22 uploaded, 10 found already on the server (their answer had been lost; not sent again), 0 still queued']);
});

test('the issue\'s case: 20 uploaded and 10 whose answer was lost are 30 sessions, not 40', () => {
  const r = report({ uploaded: 20, unknown: 10, pending: 10, nextCheckAt: NOW, nextCheckInSeconds: 0 });
  assert.equal(syncSummary(r, { scheduled: false }), '20 uploaded, 10 sessions sent without an answer: sync again to check the server for them, 0 still queued');
  assert.equal(syncSummary(r, { scheduled: true }), '20 uploaded, 10 sessions sent without an answer: checking the server for them in a moment, 0 still queued');
});

test('sessions not found yet: the time of the next check comes from the report', () => {
  const r = report({ unknown: 10, pending: 12, nextCheckAt: NOW + 25, nextCheckInSeconds: 25 });
  assert.equal(secondsUntilNextCheck(r), 25);
  assert.equal(syncSummary(r, { scheduled: true }), '0 uploaded, 10 sessions sent without an answer: checking the server again in 25 s, 2 still queued');
  assert.equal(syncSummary(r, { scheduled: false }), '0 uploaded, 10 sessions sent without an answer: sync again in 25 s to settle them, 2 still queued');
  const found = report({ uploaded: 3, reconciled: 10, pending: 0 });
  assert.equal(syncSummary(found, { scheduled: true }), '3 uploaded, 10 found already on the server (their answer had been lost; not sent again), 0 still queued');
});

test('nothing is scheduled after a sync that stopped, or with nothing in flight', () => {
  assert.equal(secondsUntilNextCheck(report({ unknown: 4, pending: 4, nextCheckAt: NOW, nextCheckInSeconds: 0, stoppedBy: 'offline' })), null);
  assert.equal(secondsUntilNextCheck(report({ pending: 4 })), null);
  assert.match(
    syncSummary(report({ unknown: 4, pending: 4, nextCheckAt: NOW, nextCheckInSeconds: 0, stoppedBy: 'offline' }), { scheduled: true }),
    /4 sessions sent without an answer: the next sync checks the server for them before sending anything again, 0 still queued/,
  );
});
