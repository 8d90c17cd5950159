// Files holding the queue and the accounts (the KOReader key, tokens, maybe a password) are the
// owner's only, as in the Node tool. Lua has no chmod; LuaJIT's FFI reaches the C library's.
// Best effort: on FAT storage (many e-readers) modes do not exist, and a failure changes nothing.
import { luaRequire } from './lua-libs.js';

interface Ffi {
  cdef(this: void, declarations: string): void;
  C: { chmod(this: void, path: string, mode: number): number };
}

let ffi: Ffi | null | undefined;

function loadFfi(): Ffi | null {
  if (ffi === undefined) {
    const [ok, loaded] = pcall(() => luaRequire<Ffi>('ffi'));
    ffi = ok ? (loaded as Ffi) : null;
    // KOReader's ffi/posix_h may have declared it already; a second declaration is an error, and harmless.
    if (ffi !== null) pcall(() => ffi!.cdef('int chmod(const char *path, unsigned int mode);'));
  }
  return ffi;
}

/** chmod 0600; true when the mode was set. */
export function restrictToOwner(path: string): boolean {
  const lib = loadFfi();
  if (lib === null) return false;
  const [ok, result] = pcall(() => lib.C.chmod(path, 0o600));
  return ok && result === 0;
}
