// The queue commands as scripts use them: record, pending, history, clear-pending (cli.md).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { partialMd5OfFile } from '../src/node/partial-md5.js';
import { CLI, runCli, tempDir } from './helpers/cli.js';

const dirs: (() => void)[] = [];
after(() => dirs.forEach((cleanup) => cleanup()));
function home(): string {
  const dir = tempDir('bls-cli-');
  dirs.push(dir.cleanup);
  return dir.path;
}

const HASH = '00112233445566778899aabbccddeeff';
const session = ['--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z', '--start-location', '10', '--end-location', '31'];

async function pending(h: string): Promise<Record<string, unknown>[]> {
  const result = await runCli(['--home', h, '--json', 'pending']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test('record queues a session and reports it in --json exactly as cli.md says', async () => {
  const h = home();
  const result = await runCli(['--home', h, '--json', 'record', '--no-sync', ...session, '--start-progress', '10', '--end-progress', '31.456', '--title', 'Dune']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { queued: true, id: 1, reason: null });
  const rows = await pending(h);
  assert.equal(rows.length, 1);
  const row = rows[0]!;
  for (const field of ['id', 'bookId', 'bookHash', 'bookType', 'startTime', 'endTime', 'durationSeconds', 'retryCount', 'lastError', 'createdAt']) {
    assert.ok(field in row, `pending --json lacks ${field}`);
  }
  assert.equal(row.bookHash, HASH);
  assert.equal(row.bookType, 'EPUB');
  assert.equal(row.startTime, '2026-02-22T14:00:00Z');
  assert.equal(row.durationSeconds, 2700);
  assert.equal(row.endProgress, 31.46);
  assert.equal(row.retryCount, 0);
  assert.equal(row.lastError, null);
  assert.equal(row.bookTitle, 'Dune');
  assert.match(String(row.createdAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('record --book fingerprints the file, takes the type from the extension and the title from the name', async () => {
  const h = home();
  const book = join(h, 'The Left Hand of Darkness.pdf');
  writeFileSync(book, randomBytes(70_000));
  const result = await runCli(['--home', h, 'record', '--no-sync', '--book', book, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T15:00:00Z', '--start-location', '1', '--end-location', '30']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /queued session #1/);
  const [row] = await pending(h);
  assert.equal(row!.bookHash, partialMd5OfFile(book));
  assert.equal(row!.bookType, 'PDF');
  assert.equal(row!.bookTitle, 'The Left Hand of Darkness');
  const cache = execFileSync('sqlite3', [join(h, 'booklore-sync.sqlite'), 'SELECT file_path, file_hash FROM book_cache'], { encoding: 'utf8' });
  assert.equal(cache, `${book}|${partialMd5OfFile(book)}\n`);
});

test('every invalid session is refused with exit 2, a message naming the field, and nothing written', async () => {
  const h = home();
  assert.equal((await runCli(['--home', h, 'record', '--no-sync', ...session])).code, 0);
  const unreadable = join(h, 'unknown.djvu');
  writeFileSync(unreadable, randomBytes(100));
  const cases: [string[], RegExp][] = [
    [['--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z'], /book \(--book\/--hash\/--book-id\): a session needs a book/],
    [['--hash', 'not-a-hash', '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z'], /bookHash \(--hash\): must be 32 hex digits/],
    [['--book-id', 'seven', '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z'], /bookId: must be a whole number/],
    [['--book-id', '0', '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z'], /bookId \(--book-id\): must be a positive whole number/],
    [['--hash', HASH, '--book-type', 'DJVU', '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z'], /bookType \(--book-type\): must be one of/],
    [['--hash', HASH, '--end', '2026-02-22T14:45:00Z'], /startTime: is required/],
    [['--hash', HASH, '--start', '2026-02-22T14:00:00Z'], /endTime: is required/],
    [['--hash', HASH, '--start', '2026-02-22T15:00:00Z', '--end', '2026-02-22T14:45:00Z'], /endTime \(--end\): must not be before startTime/],
    [['--hash', HASH, '--start', '2026-02-22T14:00:00.5Z', '--end', '2026-02-22T14:45:00Z'], /startTime \(--start\): must be whole seconds/],
    [['--hash', HASH, '--start', '2026-02-22T14:00:00', '--end', '2026-02-22T14:45:00Z'], /startTime \(--start\): must end in Z/],
    [['--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z', '--duration', '2701'], /durationSeconds \(--duration\): must not exceed/],
    [['--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z', '--duration', '-5'], /durationSeconds: must be a whole number/],
    [['--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z', '--end-progress', '101'], /endProgress \(--end-progress\): must be a percentage from 0 to 100/],
    [['--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z', '--start-progress', 'lots'], /startProgress: must be a number/],
    [['--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z', '--end-location', 'x'.repeat(501)], /endLocation \(--end-location\): must be at most 500 characters/],
    [['--book', join(h, 'missing.epub'), '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z'], /bookFile \(--book\): .*missing\.epub: no such file/],
    [['--book', h, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z'], /is a directory/],
    [['--book', unreadable, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z'], /bookType \(--book-type\): cannot tell the book type .*give it/],
    [['--book', unreadable, '--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z'], /either a book file or a hash, not both/],
    [['--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:45:00Z', '--bogus-option'], /unknown option '--bogus-option'/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(['--home', h, 'record', '--no-sync', ...args]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
  }
  assert.equal((await pending(h)).length, 1, 'the queue is exactly as it was');
});

test('a session that misses the detection rules is not queued, and the command says why (exit 0)', async () => {
  const h = home();
  const short = await runCli(['--home', h, '--json', 'record', '--no-sync', '--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:00:20Z']);
  assert.equal(short.code, 0);
  assert.deepEqual(JSON.parse(short.stdout), { queued: false, id: null, reason: 'session lasted 20 s; at least 30 s are needed' });
  const noTurn = await runCli(['--home', h, 'record', '--no-sync', '--hash', HASH, '--start', '2026-02-22T14:00:00Z', '--end', '2026-02-22T14:10:00Z', '--start-location', '5', '--end-location', '5']);
  assert.equal(noTurn.code, 0);
  assert.match(noTurn.stderr, /not queued: no page was turned/);
  assert.equal((await pending(h)).length, 0);
});

test('recording the same session twice queues it once', async () => {
  const h = home();
  assert.equal((await runCli(['--home', h, 'record', '--no-sync', ...session])).code, 0);
  const again = await runCli(['--home', h, '--json', 'record', '--no-sync', ...session]);
  assert.equal(again.code, 0);
  assert.deepEqual(JSON.parse(again.stdout), { queued: false, id: null, reason: 'duplicate: already queued as #1' });
  assert.equal((await pending(h)).length, 1);
});

test('pending and history in human form; history is empty before any sync', async () => {
  const h = home();
  const empty = await runCli(['--home', h, 'pending']);
  assert.match(empty.stdout, /queue is empty/);
  await runCli(['--home', h, 'record', '--no-sync', ...session, '--title', 'Dune']);
  const listed = await runCli(['--home', h, 'pending']);
  assert.match(listed.stdout, /^id\s+state\s+book\s+start\s+duration\s+retries\s+last error$/m);
  assert.match(listed.stdout, /^1\s+queued\s+Dune \(hash 00112233…\)\s+2026-02-22T14:00:00Z\s+2700s\s+0$/m);
  const history = await runCli(['--home', h, '--json', 'history', '--limit', '5']);
  assert.equal(history.code, 0);
  assert.deepEqual(JSON.parse(history.stdout), []);
  const badLimit = await runCli(['--home', h, 'history', '--limit', 'ten']);
  assert.equal(badLimit.code, 2);
});

test('clear-pending without a terminal and without --yes refuses (exit 2) and deletes nothing; --yes deletes', async () => {
  const h = home();
  await runCli(['--home', h, 'record', '--no-sync', ...session]);
  const refused = await runCli(['--home', h, 'clear-pending']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /refusing to delete 1 queued session\(s\) without confirmation/);
  assert.equal((await pending(h)).length, 1);
  const done = await runCli(['--home', h, '--json', 'clear-pending', '--yes']);
  assert.equal(done.code, 0);
  assert.deepEqual(JSON.parse(done.stdout), { deleted: 1 });
  assert.equal((await pending(h)).length, 0);
});

test('clear-pending on a terminal asks, naming the count; "n" keeps everything, "y" deletes', async () => {
  const h = home();
  await runCli(['--home', h, 'record', '--no-sync', ...session]);
  await runCli(['--home', h, 'record', '--no-sync', '--hash', HASH, '--start', '2026-02-23T14:00:00Z', '--end', '2026-02-23T14:45:00Z']);
  // `script` gives the command a real pseudo-terminal, as a person at a shell would have.
  const onTerminal = (answer: string) =>
    execFileSync('script', ['-qec', `${process.execPath} ${CLI} --home ${h} clear-pending; echo "exit=$?"`, '/dev/null'], {
      input: `${answer}\n`,
      encoding: 'utf8',
      timeout: 15_000,
    });
  const no = onTerminal('n');
  assert.match(no, /Permanently delete 2 queued session\(s\)\?/);
  assert.match(no, /exit=2/);
  assert.equal((await pending(h)).length, 2);
  const yes = onTerminal('y');
  assert.match(yes, /Deleted 2 queued session\(s\)/);
  assert.match(yes, /exit=0/);
  assert.equal((await pending(h)).length, 0);
});
