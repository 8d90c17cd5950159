// Apache commons-text FuzzyScore (the fork's title search, §3.1): one point per query character
// found in order, two more when it directly follows the previous match. Case-insensitive.
export function fuzzyScore(term: string, query: string): number {
  const t = term.toLowerCase();
  const q = query.toLowerCase();
  let score = 0;
  let termIndex = 0;
  let previousMatch = Number.MIN_SAFE_INTEGER;
  for (const ch of q) {
    let found = false;
    for (; termIndex < t.length && !found; termIndex++) {
      if (t[termIndex] === ch) {
        score++;
        if (previousMatch + 1 === termIndex) score += 2;
        previousMatch = termIndex;
        found = true;
      }
    }
  }
  return score;
}

/** (inferred) The score scaled to 0..1 by the best a query of this length can get. */
export function normalizedFuzzyScore(term: string, query: string): number {
  const length = [...query].length;
  if (length === 0) return 0;
  return Math.min(1, fuzzyScore(term, query) / (3 * length - 2));
}
