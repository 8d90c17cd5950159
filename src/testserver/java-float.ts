// A Java Float as Jackson prints it: the shortest decimal that reads back as the same 32-bit
// float, so a stored 33.33 comes back as 33.33 and not 33.33000183105469.
export function javaFloat(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return value;
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}
