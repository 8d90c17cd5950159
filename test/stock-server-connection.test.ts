// test-connection on a stock server (upstream profile): how books are found and how uploads go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncFixture, withClosing } from './helpers/sync-fixture.js';

test('test-connection on upstream: books found by reading file samples, uploads as parallel singles (human and --json)', async () => {
  await withClosing(syncFixture({ profile: 'upstream', settings: { parallelUploads: 6 } }), async (f) => {
    const human = await f.cli(['test-connection']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /books found:\s+by fingerprint, reading the sampled bytes of the server's files/);
    assert.match(human.stdout, /uploads:\s+single POSTs, 6 at a time/);
    assert.doesNotMatch(human.stderr, /attach/);
    assert.equal(f.server.admin.sessionCount(), 0, 'probing stores nothing');
  });
});

test('test-connection on upstream when book files cannot be read: "not by fingerprint", with the reason and `attach`', async () => {
  await withClosing(syncFixture({ profile: 'upstream' }), async (f) => {
    f.server.admin.addFaults({ rules: ['status=500,path=/api/v1/books/1/content'] });
    const result = await f.cli(['--json', 'test-connection']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.bookFinding, 'none');
    assert.match(report.bookFindingNote, /HTTP 500/);
    assert.ok(report.warnings.some((w: string) => /attach --hash/.test(w)));
  });
});
