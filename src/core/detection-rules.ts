// The plugin's rules for "was this really a reading session?" (plugin-db.md, "Session rules on
// the device"). A session that misses them is not an error: it is simply not queued.
import type { Session } from './session.js';

export type DetectionMode = 'duration' | 'pages';

export interface DetectionRules {
  mode: DetectionMode;
  /** Duration mode: at least this many seconds of reading. */
  minDurationSeconds: number;
  /** Pages mode: at least this many pages between the start and end locations. */
  minPages: number;
}

export const DEFAULT_DETECTION_RULES: DetectionRules = { mode: 'duration', minDurationSeconds: 30, minPages: 5 };

export type DetectionVerdict = { counts: true } | { counts: false; reason: string };

/** A location as a page number, when it is one (the plugin stores pages as decimal strings). */
export function pageNumber(location: string | null): number | null {
  if (location === null || location.length === 0 || location.length > 15) return null;
  let value = 0;
  for (let i = 0; i < location.length; i++) {
    const code = location.charCodeAt(i);
    if (code < 48 || code > 57) return null;
    value = value * 10 + (code - 48);
  }
  return value;
}

/**
 * Whether a page was turned. Locations decide when both are known; otherwise progress does; a
 * session with neither (e.g. recorded by hand with only times) is given the benefit of the doubt.
 */
function pageTurned(session: Session): boolean {
  if (session.startLocation !== null && session.endLocation !== null) return session.startLocation !== session.endLocation;
  if (session.startProgress !== null && session.endProgress !== null) return session.startProgress !== session.endProgress;
  return true;
}

export function checkDetectionRules(session: Session, rules: DetectionRules): DetectionVerdict {
  if (rules.mode === 'pages') {
    const start = pageNumber(session.startLocation);
    const end = pageNumber(session.endLocation);
    if (start === null || end === null) {
      return { counts: false, reason: 'pages mode needs page numbers as start and end locations' };
    }
    const pages = end >= start ? end - start : start - end;
    if (pages < rules.minPages) {
      return { counts: false, reason: `only ${pages} page(s) read; pages mode needs at least ${rules.minPages}` };
    }
    return { counts: true };
  }
  if (session.durationSeconds < rules.minDurationSeconds) {
    return {
      counts: false,
      reason: `session lasted ${session.durationSeconds} s; at least ${rules.minDurationSeconds} s are needed`,
    };
  }
  if (!pageTurned(session)) return { counts: false, reason: 'no page was turned during the session' };
  return { counts: true };
}
