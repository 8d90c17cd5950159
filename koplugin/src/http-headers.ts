// Reading the headers of an answer as the Node transport does: Retry-After (seconds or an HTTP
// date, capped at an hour) and Content-Length.

/** Parsed "Retry-After": seconds, or an HTTP date; capped at an hour, as the Node transport does. */
export function retryAfterSeconds(value: string | undefined, nowSeconds: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  const seconds = tonumber(trimmed);
  if (seconds !== undefined && seconds === seconds && seconds >= 0 && seconds !== Infinity) return seconds < 3600 ? seconds : 3600;
  const at = httpDate(trimmed);
  if (at === null) return null;
  const wait = Math.floor(at - nowSeconds + 0.5);
  return wait < 0 ? 0 : wait > 3600 ? 3600 : wait;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the form servers send, as epoch seconds. */
function httpDate(text: string): number | null {
  const [day, month, year, hour, minute, second] = string.match(text, '^%a%a%a, (%d%d) (%a%a%a) (%d%d%d%d) (%d%d):(%d%d):(%d%d) GMT$');
  if (day === undefined) return null;
  const monthIndex = MONTHS.indexOf(month!);
  if (monthIndex < 0) return null;
  const y = tonumber(year)!;
  const m = monthIndex + 1;
  // days from civil (Howard Hinnant), as src/core/iso-time.ts
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + tonumber(day)! - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86400 + tonumber(hour)! * 3600 + tonumber(minute)! * 60 + tonumber(second)!;
}

/** A Content-Length value, or null when absent or not a plain number. */
export function lengthOf(value: string | undefined): number | null {
  if (value === undefined) return null;
  const [digits] = string.match(value, '^%s*(%d+)%s*$');
  return digits === undefined ? null : tonumber(digits)!;
}

