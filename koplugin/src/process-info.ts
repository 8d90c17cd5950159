// The sync lease's environment in KOReader (src/store/sync-lease.ts; the Node tool's is
// src/node/node-lease-environment.ts): the host name and process id the Node tool also writes,
// whether a process on this host is still alive, a clock and a pause. Through LuaJIT's FFI on
// POSIX systems (every KOReader platform has getpid/gethostname/kill); where that fails, the lease
// falls back to its expiry time, as it does for a holder on another host.
import type { LeaseEnvironment } from '../../src/store/sync-lease.js';
import { luaRequire, type LuaSocket } from './lua-libs.js';

interface Ffi {
  cdef: (this: void, declarations: string) => void;
  new: (this: void, type: string) => unknown;
  string: (this: void, pointer: unknown) => string;
  errno: (this: void) => number;
  C: {
    getpid: (this: void) => unknown;
    gethostname: (this: void, buffer: unknown, length: number) => number;
    kill: (this: void, pid: number, signal: number) => number;
  };
}

let ffiCache: Ffi | null | undefined;

function ffi(): Ffi | null {
  if (ffiCache !== undefined) return ffiCache;
  ffiCache = null;
  const [loaded, lib] = pcall(require, 'ffi');
  if (!loaded) return null;
  const f = lib as Ffi;
  // Each declaration on its own: KOReader's base may have declared some already (redefinition errors).
  for (const declaration of ['int getpid(void);', 'int gethostname(char *name, size_t len);', 'int kill(int pid, int sig);']) {
    pcall(f.cdef, declaration);
  }
  ffiCache = f;
  return f;
}

export interface ProcessIdentity {
  host: string;
  pid: number;
}

let identity: ProcessIdentity | null = null;

export function currentProcess(): ProcessIdentity {
  if (identity !== null) return identity;
  const f = ffi();
  let host = 'koreader';
  let pid = 0;
  if (f !== null) {
    const [pidOk, value] = pcall(() => tonumber(f.C.getpid()));
    if (pidOk && value !== undefined) pid = value as number;
    const [hostOk, name] = pcall(() => {
      const buffer = f.new('char[256]');
      return f.C.gethostname(buffer, 255) === 0 ? f.string(buffer) : null;
    });
    if (hostOk && typeof name === 'string' && name.length > 0) host = name;
  }
  identity = { host, pid };
  return identity;
}

/** true / false when it can tell, null when it cannot (then the lease's expiry decides). */
export function processAlive(pid: number): boolean | null {
  const f = ffi();
  if (f === null || pid <= 0) return null;
  const [ok, alive] = pcall(() => {
    if (f.C.kill(pid, 0) === 0) return true;
    return f.errno() === 1; // EPERM: it exists, owned by someone else
  });
  return ok ? (alive as boolean) : null;
}


/** The lease's environment: LuaSocket's clock; pauses block (KOReader is single-threaded). */
export function luaLeaseEnvironment(random: () => number): LeaseEnvironment {
  const me = currentProcess();
  const socket = luaRequire<LuaSocket>('socket');
  return {
    host: me.host,
    pid: me.pid,
    isAlive: (pid) => processAlive(pid),
    randomTag: () => {
      let tag = '';
      for (let i = 0; i < 8; i++) tag += string.format('%x', Math.floor(random() * 16) % 16);
      return tag;
    },
    nowMs: () => socket.gettime() * 1000,
    pause: (ms) => {
      socket.sleep(ms / 1000);
      return Promise.resolve();
    },
  };
}
