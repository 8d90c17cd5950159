// §5: which BookLore the server impersonates. `fork` is WorldTeacher's PR #2298 branch (batch
// endpoint, hash lookup, KOReader headers on session POSTs); `upstream` is the-booklore/booklore.
export const PROFILES = ['fork', 'upstream'] as const;

export type Profile = (typeof PROFILES)[number];

/** What the healthcheck reports as the server version (§0: the fork branched at about v2.2.0). */
export const PROFILE_VERSION: Record<Profile, string> = { fork: 'v2.2.0', upstream: 'v2.3.0' };
