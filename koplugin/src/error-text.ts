// Errors as KOReader's Lua produces them are long: lua-ljsqlite3 appends "\n" .. debug.traceback()
// to every message and Lua prefixes "file.lua:LINE: ". The log gets all of it; the screen gets the
// first line without positions, cut to a length an InfoMessage shows whole.

/** Longest error text shown to the user (an InfoMessage line or two on a 6" screen). */
export const SHORT_ERROR_CHARS = 160;

/** Everything known about an error, for the log: message, Lua traceback, TypeScriptToLua's stack. */
export function errorDetails(err: unknown): string {
  if (err instanceof Error) {
    const stack = err.stack;
    const own = stack !== undefined && stack.length > 0 ? `${err.message}\n${stack}` : err.message;
    const origin = (err as { origin?: unknown }).origin;
    return origin !== undefined && origin !== null ? `${own}\nfrom: ${errorDetails(origin)}` : own;
  }
  return messageOf(err);
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (type(err) === 'table') {
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return tostring(err);
}

/** "…/init.lua:60: " and "[string "…"]:3: " in front of a Lua error message, any number of them. */
function withoutPositions(line: string): string {
  let text = line;
  for (;;) {
    const [, luaEnd] = string.find(text, '^.-%.lua:%d+:%s*');
    const [, chunkEnd] = luaEnd === undefined ? string.find(text, '^%[string ".-"%]:%d+:%s*') : [undefined, undefined];
    const end = luaEnd ?? chunkEnd;
    if (end === undefined) return text;
    text = string.sub(text, end + 1);
  }
}

/** The first line of an error without file:line: prefixes or traceback, at most `max` characters. */
export function shortErrorText(err: unknown, max: number = SHORT_ERROR_CHARS): string {
  const full = messageOf(err);
  const [newline] = string.find(full, '\n', 1, true);
  let line = withoutPositions(newline !== undefined ? string.sub(full, 1, newline - 1) : full);
  line = line.trim();
  if (line.length === 0) line = 'unknown error';
  if (line.length <= max) return line;
  let cut = string.sub(line, 1, max - 1);
  const [lastSpace] = string.find(cut, ' [^ ]*$');
  if (lastSpace !== undefined && lastSpace > max / 2) cut = string.sub(cut, 1, lastSpace - 1);
  return `${cut}…`;
}
