// CLI options and values, and the settings file: every command line ends in one of the documented
// exit codes with a message (never a stack trace), and no queued or uploaded session disappears.
// Servers in generated settings are loopback addresses only: fuzzing sends traffic nowhere else.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { validateSession } from '../../src/core/session.js';
import { LocalStore } from '../../src/node/sqlite/local-store.js';
import { Prng } from '../prng.js';
import { recordFailure, type FuzzResult } from './fuzz-result.js';
import { looksLikeACrash, runInProcess } from './in-process-cli.js';
import { hostileString, hostileValue } from './values.js';

const COMMANDS: Record<string, string[]> = {
  record: ['--book', '--hash', '--book-id', '--book-type', '--title', '--start', '--end', '--duration', '--start-progress', '--end-progress', '--start-location', '--end-location', '--no-sync'],
  pending: [],
  history: ['--limit'],
  'clear-pending': [],
  hash: [],
  attach: ['--book-id', '--hash', '--id'],
  retry: [],
  sync: ['--automatic', '--wait'],
  configure: ['--server', '--username', '--koreader-username', '--auth', '--manual-sync-only', '--min-duration', '--min-pages', '--detection-mode', '--insecure-tls', '--timeout', '--interval', '--store-password'],
  'test-connection': [],
  books: ['--search'],
  'import-koreader-stats': ['--dry-run'],
};
const FLAGS = new Set(['--no-sync', '--automatic', '--store-password', '--dry-run']);
const GLOBALS = ['--json', '--quiet'];

function loopbackServer(rng: Prng): string {
  return rng.pick([`http://127.0.0.1:${rng.int(1, 65535)}`, 'http://localhost:9', 'https://127.0.0.1:9/', 'not a url', 'ftp://127.0.0.1', 'http://127.0.0.1:99999', '']);
}

function value(rng: Prng, option: string, home: string): string {
  if (option === '--server') return loopbackServer(rng);
  if (option === '--book' || option === 'FILE') return rng.pick([join(home, 'booklore-sync.sqlite'), join(home, 'missing.epub'), home, '/dev/null', hostileString(rng)]);
  return hostileString(rng);
}

/** Valid command lines to mutate: most cases start from one, so they get past option parsing. */
function templates(home: string, rng: Prng): string[][] {
  const start = 1_772_000_000 + rng.int(0, 100_000) * 60;
  const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000', '');
  const session = ['--start', iso(start), '--end', iso(start + rng.int(0, 7200)), '--start-location', '1', '--end-location', `${rng.int(1, 500)}`];
  return [
    ['record', '--no-sync', '--hash', '00112233445566778899aabbccddeeff', ...session],
    ['record', '--book-id', `${rng.int(1, 5)}`, '--book-type', 'PDF', '--start-progress', '1.5', '--end-progress', '20', ...session],
    ['record', '--book', join(home, 'book.epub'), '--title', 'A book', ...session],
    ['pending'],
    ['history', '--limit', '5'],
    ['hash', join(home, 'book.epub'), '/dev/null'],
    ['attach', '--hash', '00112233445566778899aabbccddeeff', '--book-id', '3'],
    ['attach', '--id', '1', '2', '--book-id', '3'],
    ['retry', '1'],
    ['sync'],
    ['sync', '--automatic', '--wait', '1'],
    ['configure', '--min-duration', '10', '--min-pages', '2', '--detection-mode', 'pages'],
    ['configure', '--manual-sync-only', 'on', '--timeout', '1'],
    ['configure', '--server', 'http://127.0.0.1:9', '--auth', 'jwt', '--interval', '60'],
    ['test-connection'],
    ['books', '--search', 'x'],
    ['import-koreader-stats', join(home, 'booklore-sync.sqlite'), '--dry-run'],
  ];
}

function mutate(rng: Prng, argv: string[], home: string): string[] {
  const out = [...argv];
  for (let n = rng.int(0, 2); n > 0 && out.length > 1; n--) {
    const at = rng.int(1, out.length - 1);
    const choice = rng.int(0, 3);
    if (choice === 0) out[at] = out[at]!.startsWith('--') ? out[at]! : value(rng, out[at - 1] ?? 'FILE', home);
    else if (choice === 1) out.splice(at, 1);
    else if (choice === 2) out.splice(at, 0, hostileString(rng).slice(0, 100));
    else out[at] = hostileString(rng);
  }
  return out;
}

function commandLine(rng: Prng, home: string): string[] {
  if (rng.chance(0.65)) return [...rng.subset(GLOBALS, 0.3), ...mutate(rng, rng.pick(templates(home, rng)), home), '--home', home];
  const command = rng.pick(Object.keys(COMMANDS));
  const argv: string[] = [...rng.subset(GLOBALS, 0.3), command];
  const options = COMMANDS[command]!;
  for (let i = rng.int(0, 6); i > 0; i--) {
    if (rng.chance(0.1)) {
      argv.push(rng.chance(0.5) ? `--${hostileString(rng).slice(0, 20)}` : hostileString(rng).slice(0, 200));
      continue;
    }
    if (options.length === 0) {
      argv.push(value(rng, 'FILE', home));
      continue;
    }
    const option = rng.pick(options);
    argv.push(option);
    if (!FLAGS.has(option) && rng.chance(0.9)) argv.push(value(rng, option, home));
  }
  // Always our own data directory, last so nothing generated can point elsewhere.
  argv.push('--home', home);
  return argv;
}

function sessionCount(home: string): number {
  const db = new Database(join(home, 'booklore-sync.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT (SELECT COUNT(*) FROM pending_sessions) + (SELECT COUNT(*) FROM historical_sessions)').pluck().get() as number) ?? 0;
  } finally {
    db.close();
  }
}

function seedQueue(home: string): void {
  const store = LocalStore.open(home);
  try {
    for (let i = 0; i < 5; i++) {
      const v = validateSession({ bookHash: '00112233445566778899aabbccddeeff', startTime: 1_771_000_000 + i * 3600, endTime: 1_771_000_000 + i * 3600 + 1800 });
      if (v.ok) store.queue.enqueue(v.session, 'record');
    }
  } finally {
    store.close();
  }
}

const VALID_CODES = new Set([0, 1, 2, 3, 4]);

async function check(result: FuzzResult, argv: string[], home: string, before: number, allowShrink: boolean): Promise<number> {
  result.cases++;
  let outcome;
  try {
    outcome = await runInProcess(argv);
  } catch (err) {
    recordFailure(result, `threw out of main (${(err as Error).message}): ${JSON.stringify(argv)}`);
    return before;
  }
  if (process.env.BOOKLORE_SYNC_FUZZ_TRACE) {
    process.stderr.write(`${outcome.code} ${argv[argv.indexOf('--home') - 1] === undefined ? '' : ''}${JSON.stringify(argv.slice(0, -2)).slice(0, 120)} → ${outcome.stderr.trim().split('\n')[0]?.slice(0, 140) ?? ''}\n`);
  }
  if (!VALID_CODES.has(outcome.code)) recordFailure(result, `exit ${outcome.code}: ${JSON.stringify(argv)}`);
  const crash = looksLikeACrash(outcome.stderr);
  if (crash) recordFailure(result, `${crash}: ${JSON.stringify(argv)}`);
  if (outcome.code !== 0 && outcome.stderr.trim() === '') recordFailure(result, `exit ${outcome.code} without a message: ${JSON.stringify(argv)}`);
  if (argv.includes('--json') && outcome.code === 0 && outcome.stdout.trim() !== '') {
    try {
      JSON.parse(outcome.stdout);
    } catch {
      recordFailure(result, `--json printed something that is not one JSON document: ${JSON.stringify(argv)}`);
    }
  }
  let after = before;
  try {
    after = sessionCount(home);
  } catch {
    // the database was replaced by a fuzzed settings case; counted again next time
  }
  if (after < before && !allowShrink) recordFailure(result, `sessions went from ${before} to ${after}: ${JSON.stringify(argv)}`);
  return after;
}

export async function fuzzCli(seed: number, cases: number): Promise<FuzzResult> {
  const rng = new Prng(seed);
  const result: FuzzResult = { name: 'CLI options and values', cases: 0, failures: [] };
  const home = mkdtempSync(join(tmpdir(), 'bls-fuzz-cli-'));
  try {
    seedQueue(home);
    writeFileSync(join(home, 'book.epub'), 'a tiny book');
    let count = sessionCount(home);
    for (let i = 0; i < cases; i++) {
      const argv = commandLine(rng, home);
      // `clear-pending --yes` deletes on purpose; anything else must keep every session.
      count = await check(result, argv, home, count, false);
      if (i % 50 === 0) writeFileSync(join(home, 'config.json'), JSON.stringify({ server: loopbackServer(rng) }));
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return result;
}

/** The settings file: any content is either used or refused with a message naming the file. */
export async function fuzzSettingsFile(seed: number, cases: number): Promise<FuzzResult> {
  const rng = new Prng(seed);
  const result: FuzzResult = { name: 'settings file contents', cases: 0, failures: [] };
  const home = mkdtempSync(join(tmpdir(), 'bls-fuzz-config-'));
  try {
    seedQueue(home);
    const count = sessionCount(home);
    const valid = { server: 'http://127.0.0.1:9', username: 'reader', auth: 'auto', manualSyncOnly: false, detection: { mode: 'duration', minDurationSeconds: 30, minPages: 5 }, timeoutSeconds: 1 };
    for (let i = 0; i < cases; i++) {
      let text: string;
      switch (rng.int(0, 3)) {
        case 0:
          text = hostileString(rng);
          break;
        case 1:
          text = JSON.stringify(hostileValue(rng)) ?? '';
          break;
        case 2: {
          const broken: Record<string, unknown> = { ...valid };
          for (const key of rng.subset([...Object.keys(valid), 'password', 'refreshToken', 'koreaderKey', 'insecureTls', 'syncIntervalSeconds'], 0.4)) broken[key] = hostileValue(rng);
          if (typeof broken.server === 'string' && !/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(broken.server)) broken.server = loopbackServer(rng);
          text = JSON.stringify(broken);
          break;
        }
        default:
          text = JSON.stringify(valid).slice(0, rng.int(0, 60));
      }
      writeFileSync(join(home, 'config.json'), text);
      const argv = [rng.pick(['record', 'sync', 'test-connection', 'configure', 'books', 'pending']), ...(rng.chance(0.5) ? ['--book-id', '3', '--start', '2026-03-01T10:00:00Z', '--end', '2026-03-01T10:40:00Z'] : []), '--home', home];
      if (argv[0] !== 'record') argv.splice(1, argv.length - 3);
      await check(result, argv, home, count, false);
      // a successful `configure` rewrote the file: keep fuzzing the raw contents
      readFileSync(join(home, 'config.json'));
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return result;
}
