// A whole number as decimal digits, the same in Node and in Lua (where tostring gives "1e+15" for
// large numbers), for ids and page numbers in request paths.

const DIGITS = '0123456789';

export function integerText(value: number): string {
  if (value < 0) return `-${integerText(-value)}`;
  let rest = Math.floor(value);
  let text = '';
  do {
    text = DIGITS.charAt(rest % 10) + text;
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  return text;
}
