// KOReader's util.partialMD5 (and BookLore's FileFingerprint): one MD5 over 1 KiB samples taken at
// offset 0 and at 1024 << 2i for i = 0..10, stopping at the first offset at or past the end of
// the file (booklore-server.md §3.2). Reading only these samples keeps hashing constant-time.

export const SAMPLE_SIZE = 1024;

export interface Sample {
  offset: number;
  length: number;
}

const OFFSETS: number[] = (() => {
  const offsets = [0];
  // 1024 * 4^i; written with multiplication because 1024 << 20 overflows 32-bit shifts in Lua.
  let offset = 1024;
  for (let i = 0; i <= 10; i++) {
    offsets.push(offset);
    offset = offset * 4;
  }
  return offsets;
})();

/** The byte ranges to feed, in order, to one MD5 for a file of `size` bytes. */
export function fingerprintSamples(size: number): Sample[] {
  const samples: Sample[] = [];
  for (const offset of OFFSETS) {
    if (offset >= size) break;
    const remaining = size - offset;
    samples.push({ offset, length: remaining < SAMPLE_SIZE ? remaining : SAMPLE_SIZE });
  }
  return samples;
}
