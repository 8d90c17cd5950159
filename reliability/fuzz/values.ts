// Hostile values for fuzzing: empty, huge, unicode, control characters, numbers at the edges,
// almost-valid dates and hashes, path tricks, JSON fragments.
import type { Prng } from '../prng.js';

const SEEDS = [
  '', ' ', '-', '--', '0', '-1', '1', '30', '100', '100.0001', '-0', '1e309', 'NaN', 'Infinity', '9007199254740993', '0x10',
  '2026-02-22T14:00:00Z', '2026-02-22T14:45:00Z', '2026-02-30T14:00:00Z', '2026-02-22T14:00:00', '2026-02-22T14:00:00.5Z',
  '2026-02-22T14:00:00+25:00', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z',
  '00112233445566778899aabbccddeeff', '00112233445566778899AABBCCDDEEFF', '00112233445566778899aabbccddeef', 'g0112233445566778899aabbccddeeff',
  'EPUB', 'epub', 'PDF', 'DJVU', 'AUDIOBOOK', 'on', 'off', 'yes', 'true', 'pages', 'duration', 'auto', 'jwt', 'koreader',
  '📚', 'é', '\u0000', '\u202e', '\n', '%s%s%s', '${HOME}', '$(id)', '`id`', '; rm -rf /', '../../../etc/passwd', '/dev/null',
  '{"a":1}', '[]', 'null', '<html>', "'", '"', '\\',
];

export function hostileString(rng: Prng): string {
  switch (rng.int(0, 5)) {
    case 0:
      return 'x'.repeat(rng.pick([0, 1, 499, 500, 501, 5000, 100_000]));
    case 1:
      return String.fromCodePoint(...Array.from({ length: rng.int(1, 20) }, () => rng.int(1, 0x2fff)));
    case 2:
      return `${rng.int(-1e6, 1e6)}${rng.chance(0.3) ? `.${rng.int(0, 999)}` : ''}`;
    default:
      return rng.pick(SEEDS);
  }
}

/** Any JSON-ish value, for fields that expect one type and get another. */
export function hostileValue(rng: Prng, depth = 0): unknown {
  switch (rng.int(0, 9)) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return rng.chance(0.5);
    case 3:
      return rng.pick([0, -1, 1, 0.5, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 1, 1771768800, 100, 101]);
    case 4:
      return depth > 2 ? [] : Array.from({ length: rng.int(0, 3) }, () => hostileValue(rng, depth + 1));
    case 5:
      return depth > 2 ? {} : { [hostileString(rng)]: hostileValue(rng, depth + 1) };
    default:
      return hostileString(rng);
  }
}
