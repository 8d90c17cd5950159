// Whole-second UTC instants as integer epoch seconds, and their ISO-8601 text.
// Hand-written (no Date, no RegExp) so the core compiles to Lua unchanged.

const SECONDS_PER_DAY = 86400;

function digitsAt(text: string, start: number, count: number): number | null {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!(code >= 48 && code <= 57)) return null;
    value = value * 10 + (code - 48);
  }
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad(value: number, width: number): string {
  let text = `${value}`;
  while (text.length < width) text = `0${text}`;
  return text;
}

/** `YYYY-MM-DDTHH:MM:SSZ` for an epoch-seconds instant (the format BookLore and the plugin use). */
export function formatIsoUtc(epochSeconds: number): string {
  const whole = Math.floor(epochSeconds);
  const days = Math.floor(whole / SECONDS_PER_DAY);
  const secondOfDay = whole - days * SECONDS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const hh = Math.floor(secondOfDay / 3600);
  const mm = Math.floor((secondOfDay % 3600) / 60);
  const ss = secondOfDay % 60;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}Z`;
}

export type IsoParseResult = { ok: true; epochSeconds: number } | { ok: false; problem: string };

/**
 * Parses `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM`, with an optional fraction that must be
 * zero (BookLore stores whole seconds, and our duplicate check compares whole seconds).
 */
export function parseIsoInstant(text: string): IsoParseResult {
  const bad = (problem: string): IsoParseResult => ({ ok: false, problem });
  const shape = 'must look like 2026-02-22T14:00:00Z';
  if (text.length < 19) return bad(shape);
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const sep = text.charAt(10);
  if (
    year === null || month === null || day === null || hour === null || minute === null || second === null ||
    text.charAt(4) !== '-' || text.charAt(7) !== '-' || (sep !== 'T' && sep !== 't' && sep !== ' ') ||
    text.charAt(13) !== ':' || text.charAt(16) !== ':'
  ) {
    return bad(shape);
  }
  if (month < 1 || month > 12) return bad('has a month outside 01-12');
  if (day < 1 || day > daysInMonth(year, month)) return bad('has a day that does not exist in that month');
  if (hour > 23 || minute > 59 || second > 59) return bad('has a time of day out of range');
  let pos = 19;
  if (text.charAt(pos) === '.') {
    pos++;
    const fractionStart = pos;
    while (pos < text.length) {
      const code = text.charCodeAt(pos);
      if (!(code >= 48 && code <= 57)) break;
      if (code !== 48) return bad('must be whole seconds (no fraction of a second)');
      pos++;
    }
    if (pos === fractionStart) return bad(shape);
  }
  let offsetSeconds = 0;
  const zone = text.charAt(pos);
  if (zone === 'Z' || zone === 'z') {
    pos++;
  } else if (zone === '+' || zone === '-') {
    const oh = digitsAt(text, pos + 1, 2);
    const om = digitsAt(text, pos + 4, 2);
    if (oh === null || om === null || text.charAt(pos + 3) !== ':' || oh > 23 || om > 59) return bad(shape);
    offsetSeconds = (oh * 3600 + om * 60) * (zone === '+' ? 1 : -1);
    pos += 6;
  } else {
    return bad('must end in Z or a UTC offset such as +02:00');
  }
  if (pos !== text.length) return bad(shape);
  const epochSeconds = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offsetSeconds;
  return { ok: true, epochSeconds };
}
