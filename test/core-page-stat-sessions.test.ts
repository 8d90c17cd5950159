// KOReader page turns → sessions (src/core/page-stat-sessions.ts): the plugin's grouping, with our
// end = last page's start + its duration, the open-session rule and the session rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PLUGIN_SESSION_GAP_SECONDS,
  PageTurnGrouper,
  judgePageTurnGroup,
  type GroupContext,
  type PageTurn,
  type PageTurnGroup,
  type StatisticsBook,
} from '../src/core/page-stat-sessions.js';

const T = 1_768_075_200; // 2026-01-10T20:00:00Z

function group(turns: [page: number, startTime: number, duration: number, totalPages: number][], gap = PLUGIN_SESSION_GAP_SECONDS): PageTurnGroup[] {
  const grouper = new PageTurnGrouper(gap);
  const groups: PageTurnGroup[] = [];
  for (const [page, startTime, duration, totalPages] of turns) {
    const closed = grouper.add({ page, startTime, duration, totalPages } satisfies PageTurn);
    if (closed) groups.push(closed);
  }
  const last = grouper.finish();
  if (last) groups.push(last);
  return groups;
}

test('page turns are grouped until a page starts more than the gap after the previous one started', () => {
  const groups = group([
    [10, T, 60, 400],
    [11, T + 60, 60, 400],
    [12, T + 120, 30, 400],
    // exactly 300 s after the previous start: still the same session
    [13, T + 420, 40, 400],
    // 301 s: a new one
    [14, T + 721, 50, 400],
    [15, T + 771, 20, 400],
  ]);
  assert.deepEqual(groups, [
    {
      startTime: T,
      endTime: T + 420 + 40, // the last page's start + its duration, not its start (the plugin's end)
      durationSeconds: 60 + 60 + 30 + 40, // reading time, not the span
      startProgress: (10 / 400) * 100, // the plugin's arithmetic, unrounded until validation
      endProgress: (13 / 400) * 100,
      startLocation: '10',
      endLocation: '13',
      lastTurnStart: T + 420,
      pageTurns: 4,
    },
    {
      startTime: T + 721,
      endTime: T + 791,
      durationSeconds: 70,
      startProgress: (14 / 400) * 100,
      endProgress: (15 / 400) * 100,
      startLocation: '14',
      endLocation: '15',
      lastTurnStart: T + 771,
      pageTurns: 2,
    },
  ]);
});

test('the gap is an option: 1800 s keeps a long page in the session', () => {
  const turns: [number, number, number, number][] = [
    [1, T, 120, 100],
    [2, T + 900, 60, 100],
  ];
  assert.equal(group(turns).length, 2);
  const [merged] = group(turns, 1800);
  assert.equal(merged!.startTime, T);
  assert.equal(merged!.endTime, T + 960);
  assert.equal(merged!.durationSeconds, 180);
});

test('progress is each row\'s page over that row\'s page count, and 0 when KOReader did not know the count', () => {
  const [reflowed] = group([
    [10, T, 30, 200],
    [30, T + 30, 30, 300],
  ]);
  assert.equal(reflowed!.startProgress, 5);
  assert.equal(reflowed!.endProgress, 10);
  const [unknown] = group([
    [10, T, 30, 0],
    [11, T + 30, 30, 0],
  ]);
  assert.equal(unknown!.startProgress, 0);
  assert.equal(unknown!.endProgress, 0);
});

const BOOK: StatisticsBook = { koreaderBookId: 7, title: 'Dune', md5: '0123456789ABCDEF0123456789abcdef' };
const CLOSED: GroupContext = { lastOfBook: false, gapSeconds: 300, newestInstant: T + 100_000 };

function groupOf(overrides: Partial<PageTurnGroup> = {}): PageTurnGroup {
  return {
    startTime: T,
    endTime: T + 600,
    durationSeconds: 540,
    startProgress: 10,
    endProgress: 12.345,
    startLocation: '40',
    endLocation: '49',
    lastTurnStart: T + 540,
    pageTurns: 10,
    ...overrides,
  };
}

test('a group that moved forward becomes a validated session with the book\'s hash, KOReader id and title', () => {
  const verdict = judgePageTurnGroup(groupOf(), BOOK, CLOSED);
  assert.deepEqual(verdict, {
    kind: 'session',
    session: {
      bookId: null,
      bookHash: '0123456789abcdef0123456789abcdef',
      bookType: 'EPUB',
      startTime: T,
      endTime: T + 600,
      durationSeconds: 540,
      startProgress: 10,
      endProgress: 12.35,
      progressDelta: 2.35,
      startLocation: '40',
      endLocation: '49',
      bookTitle: 'Dune',
      koreaderBookId: 7,
    },
  });
});

test('the book type comes from a title that is a file name, else EPUB', () => {
  const typeOf = (title: string | null) => {
    const verdict = judgePageTurnGroup(groupOf(), { ...BOOK, title }, CLOSED);
    assert.equal(verdict.kind, 'session');
    return verdict.kind === 'session' ? verdict.session.bookType : null;
  };
  assert.equal(typeOf('The Art of War.pdf'), 'PDF');
  assert.equal(typeOf('Little Nemo.cbz'), 'CBX');
  assert.equal(typeOf('Moby-Dick.fb2.zip'), 'FB2');
  assert.equal(typeOf('Dr. Jekyll and Mr. Hyde'), 'EPUB');
  assert.equal(typeOf('notes.djvu'), 'EPUB');
  assert.equal(typeOf(null), 'EPUB');
});

test('backward or unchanged progress is not a session', () => {
  assert.deepEqual(judgePageTurnGroup(groupOf({ endProgress: 9 }), BOOK, CLOSED), { kind: 'not-forward' });
  assert.deepEqual(judgePageTurnGroup(groupOf({ endProgress: 10 }), BOOK, CLOSED), { kind: 'not-forward' });
  assert.deepEqual(judgePageTurnGroup(groupOf({ startProgress: 0, endProgress: 0 }), BOOK, CLOSED), { kind: 'not-forward' });
});

test('a book without an MD5 yields no session', () => {
  assert.deepEqual(judgePageTurnGroup(groupOf(), { ...BOOK, md5: null }, CLOSED), { kind: 'no-md5' });
  assert.deepEqual(judgePageTurnGroup(groupOf(), { ...BOOK, md5: '' }, CLOSED), { kind: 'no-md5' });
});

test("a book's last group is open while a page turn within the gap could still join it", () => {
  const last = groupOf({ lastTurnStart: T + 540 });
  const open = (newestInstant: number, lastOfBook = true) =>
    judgePageTurnGroup(last, BOOK, { lastOfBook, gapSeconds: 300, newestInstant }).kind;
  assert.equal(open(T + 600), 'open'); // the file ends with this very session
  assert.equal(open(T + 840), 'open'); // last start + gap = newest instant: a row at T + 840 would still join
  assert.equal(open(T + 841), 'session');
  assert.equal(open(T + 600, false), 'session'); // a later group of the same book closed it
  // Open comes first: it may still move forward.
  assert.equal(judgePageTurnGroup(groupOf({ endProgress: 10 }), BOOK, { lastOfBook: true, gapSeconds: 300, newestInstant: T + 600 }).kind, 'open');
});

test('the session rules apply: a group whose reading time exceeds its span is invalid, with the reason', () => {
  // Overlapping rows (not something KOReader writes, but a merged or edited file can hold them).
  const verdict = judgePageTurnGroup(groupOf({ durationSeconds: 700 }), BOOK, CLOSED);
  assert.equal(verdict.kind, 'invalid');
  assert.match(verdict.kind === 'invalid' ? verdict.reason : '', /durationSeconds: must not exceed endTime − startTime = 600 s/);
  const badHash = judgePageTurnGroup(groupOf(), { ...BOOK, md5: 'not-an-md5' }, CLOSED);
  assert.equal(badHash.kind, 'invalid');
  const pastTheEnd = judgePageTurnGroup(groupOf({ endProgress: 100.5 }), BOOK, CLOSED);
  assert.equal(pastTheEnd.kind, 'invalid');
  assert.match(pastTheEnd.kind === 'invalid' ? pastTheEnd.reason : '', /endProgress/);
});

test('the detection rules of live sessions do not apply: a 20-second forward group is a session', () => {
  const verdict = judgePageTurnGroup(groupOf({ endTime: T + 20, durationSeconds: 20, lastTurnStart: T + 10 }), BOOK, CLOSED);
  assert.equal(verdict.kind, 'session');
});
