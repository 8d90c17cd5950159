// Session fields: every input ends in a verdict (valid, or errors naming fields), never an
// exception; a valid session always satisfies the rules it was checked against.
import { checkDetectionRules, DEFAULT_DETECTION_RULES } from '../../src/core/detection-rules.js';
import { formatIsoUtc, parseIsoInstant } from '../../src/core/iso-time.js';
import { BOOK_TYPES, validateSession, type SessionInput } from '../../src/core/session.js';
import { prepareForUpload } from '../../src/core/sync/wire-session.js';
import { Prng } from '../prng.js';
import { hostileString, hostileValue } from './values.js';
import { recordFailure, type FuzzResult } from './fuzz-result.js';

const FIELDS = ['bookId', 'bookHash', 'bookType', 'startTime', 'endTime', 'durationSeconds', 'startProgress', 'endProgress', 'startLocation', 'endLocation', 'koreaderBookId', 'bookTitle'];

function randomInput(rng: Prng): SessionInput {
  const start = 1_700_000_000 + rng.int(-1e6, 1e6);
  const base: Record<string, unknown> = {
    bookHash: '00112233445566778899aabbccddeeff',
    startTime: formatIsoUtc(start),
    endTime: formatIsoUtc(start + rng.int(0, 7200)),
    startLocation: '1',
    endLocation: '9',
  };
  for (const field of rng.subset(FIELDS, 0.35)) base[field] = rng.chance(0.5) ? hostileValue(rng) : hostileString(rng);
  return base as unknown as SessionInput;
}

export function fuzzSessions(seed: number, cases: number): FuzzResult {
  const rng = new Prng(seed);
  const result: FuzzResult = { name: 'session fields', cases: 0, failures: [] };
  for (let i = 0; i < cases; i++) {
    const input = randomInput(rng);
    result.cases++;
    try {
      const verdict = validateSession(input);
      if (!verdict.ok) {
        if (verdict.errors.length === 0 || verdict.errors.some((e) => !e.field || !e.message)) recordFailure(result, `refused without naming a field: ${JSON.stringify(input)}`);
        continue;
      }
      const s = verdict.session;
      const problems: string[] = [];
      if (!(s.endTime >= s.startTime)) problems.push('end before start');
      if (!(s.durationSeconds >= 0 && s.durationSeconds <= s.endTime - s.startTime)) problems.push('duration out of range');
      for (const p of [s.startProgress, s.endProgress]) if (p !== null && !(p >= 0 && p <= 100)) problems.push('progress out of range');
      for (const l of [s.startLocation, s.endLocation]) if (l !== null && l.length > 500) problems.push('location too long');
      if (!BOOK_TYPES.includes(s.bookType)) problems.push('book type');
      if (s.bookId === null && s.bookHash === null) problems.push('no book');
      const iso = parseIsoInstant(formatIsoUtc(s.startTime));
      if (!iso.ok || iso.epochSeconds !== s.startTime) problems.push('ISO round trip');
      checkDetectionRules(s, DEFAULT_DETECTION_RULES);
      checkDetectionRules(s, { ...DEFAULT_DETECTION_RULES, mode: 'pages' });
      if (problems.length > 0) recordFailure(result, `accepted but ${problems.join(', ')}: ${JSON.stringify(input)}`);
      const prepared = prepareForUpload({
        id: 1, bookId: s.bookId ?? 1, bookHash: s.bookHash, bookType: s.bookType, bookTitle: null,
        startTime: formatIsoUtc(s.startTime), endTime: formatIsoUtc(s.endTime), durationSeconds: s.durationSeconds,
        startProgress: s.startProgress, endProgress: s.endProgress, progressDelta: s.progressDelta,
        startLocation: s.startLocation, endLocation: s.endLocation, retryCount: 0, alreadyUploaded: false,
      });
      if (!prepared.ok) recordFailure(result, `valid when recorded, refused when uploaded: ${JSON.stringify(input)}`);
    } catch (err) {
      recordFailure(result, `threw ${(err as Error).message}: ${JSON.stringify(input)}`);
    }
  }
  return result;
}
