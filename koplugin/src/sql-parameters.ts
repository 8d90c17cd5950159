// SQLite's numbering of a statement's parameters, so the SQLite port can bind named parameters
// (@name) by position with the binding's long-standing bind1, as SQLite itself numbers them.

function isIdentifierCode(code: number, first: boolean): boolean {
  if (code === 95 || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return true;
  return !first && code >= 48 && code <= 57;
}

/**
 * SQLite's parameter numbering for a statement: `?` takes the next number, `?NNN` that number,
 * and `@name` / `:name` / `$name` the next number on first appearance (the same name shares it).
 * Quoted text and comments are skipped.
 */
export function parameterPositions(sql: string): { named: Map<string, number>; count: number } {
  const named = new Map<string, number>();
  let count = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql.charAt(i);
    if (ch === "'" || ch === '"' || ch === '`') {
      i++;
      while (i < n) {
        if (sql.charAt(i) === ch) {
          if (sql.charAt(i + 1) === ch) i += 2;
          else break;
        } else {
          i++;
        }
      }
      i++;
    } else if (ch === '-' && sql.charAt(i + 1) === '-') {
      while (i < n && sql.charAt(i) !== '\n') i++;
    } else if (ch === '/' && sql.charAt(i + 1) === '*') {
      i += 2;
      while (i < n && !(sql.charAt(i) === '*' && sql.charAt(i + 1) === '/')) i++;
      i += 2;
    } else if (ch === '?') {
      i++;
      let digits = 0;
      let value = 0;
      while (i < n && sql.charCodeAt(i) >= 48 && sql.charCodeAt(i) <= 57) {
        value = value * 10 + (sql.charCodeAt(i) - 48);
        digits++;
        i++;
      }
      if (digits === 0) count++;
      else if (value > count) count = value;
    } else if ((ch === '@' || ch === ':' || ch === '$') && i + 1 < n && isIdentifierCode(sql.charCodeAt(i + 1), true)) {
      let j = i + 1;
      while (j < n && isIdentifierCode(sql.charCodeAt(j), false)) j++;
      const name = sql.substring(i + 1, j);
      if (!named.has(name)) {
        count++;
        named.set(name, count);
      }
      i = j;
    } else {
      i++;
    }
  }
  return { named, count };
}
