// The Lua libraries the plugin uses, as KOReader ships them, typed for the subset we call. Each is
// loaded by its KOReader module name with `require`, so tests put small stand-ins of their own at
// the same names (koplugin/test/standins) and the plugin code does not know the difference.
//
//   lua-ljsqlite3/init   KOReader's SQLite binding (koreader-base thirdparty/lua-ljsqlite3)
//   socket, socket.http, ltn12, ssl   LuaSocket and LuaSec
//   rapidjson            KOReader's JSON decoder (json.null-like sentinel `rapidjson.null`)
//   ffi/sha2             KOReader's hashes; md5(text) gives lowercase hex

/** A value SQLite hands back or takes: INTEGER columns come back as int64 cdata. */
export type SqliteValue = string | number | undefined | object;

export interface SqliteStatement {
  reset(): SqliteStatement;
  clearbind(): SqliteStatement;
  /** 1-based parameter index. A Lua number binds as a double, nil as NULL. */
  bind1(index: number, value: SqliteValue): SqliteStatement;
  /** The next row (column values, 1-based in Lua), filling `header` with the column names; nil when done. */
  step(row?: SqliteValue[], header?: string[]): SqliteValue[] | undefined;
  close(): void;
}

export interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  set_busy_timeout(milliseconds: number): void;
  close(): void;
}

export interface Ljsqlite3 {
  open(this: void, path: string, mode?: 'ro' | 'rw' | 'rwc'): SqliteConnection;
}

export interface TcpSocket {
  connect(host: string, port: number): LuaMultiReturn<[number | undefined, string | undefined]>;
  send(data: string, i?: number, j?: number): LuaMultiReturn<[number | undefined, string | undefined, number | undefined]>;
  receive(pattern?: string | number, prefix?: string): LuaMultiReturn<[string | undefined, string | undefined, string | undefined]>;
  settimeout(seconds: number | undefined, mode?: 'b' | 't'): void;
  setoption(name: string, value: unknown): LuaMultiReturn<[number | undefined, string | undefined]>;
  close(): void;
  getfd(): unknown;
  dirty(): boolean;
}

/** LuaSec's x509 certificate object. */
export interface X509Certificate {
  /** Keyed by OID: "2.5.29.17" (subjectAltName) holds `dNSName` and `iPAddress` lists. */
  extensions(): LuaTable<string, LuaTable<string, unknown>> | undefined;
  /** The subject's entries in order: `{oid, name, value}`. */
  subject(): { oid?: string; name?: string; value?: string }[] | undefined;
}

export interface TlsSocket extends TcpSocket {
  sni(host: string): void;
  dohandshake(): LuaMultiReturn<[boolean | undefined, string | undefined]>;
  getpeercertificate(): X509Certificate | undefined;
}

export interface LuaSocket {
  tcp(this: void): LuaMultiReturn<[TcpSocket | undefined, string | undefined]>;
  gettime(this: void): number;
  sleep(this: void, seconds: number): void;
}

export type Ltn12Sink = (this: void, chunk: string | undefined, err?: string) => LuaMultiReturn<[number | undefined, string | undefined]>;
export type Ltn12Source = (this: void) => LuaMultiReturn<[string | undefined, string | undefined]>;

export interface Ltn12 {
  source: { string(this: void, text: string): Ltn12Source };
}

export interface SocketHttpRequest {
  url: string;
  method: string;
  headers: LuaTable<string, string>;
  source?: Ltn12Source;
  sink: Ltn12Sink;
  redirect: boolean;
  create: (this: void) => object;
}

export interface SocketHttp {
  /** Table form: 1, status code, headers (lower-cased names), status line; or nil and an error. */
  request(this: void, request: SocketHttpRequest): LuaMultiReturn<[number | undefined, number | string | undefined, LuaTable<string, string> | undefined, string | undefined]>;
}

export interface LuaSec {
  wrap(this: void, socket: TcpSocket, params: LuaTable<string, unknown>): LuaMultiReturn<[TlsSocket | undefined, string | undefined]>;
}

export interface JsonDecoder {
  decode(this: void, text: string): LuaMultiReturn<[unknown, string | undefined]>;
  /** What a JSON null decodes to (light userdata). */
  null: unknown;
}

export interface Sha2 {
  md5(this: void, message: string): string;
}

export function luaRequire<T>(name: string): T {
  return require(name) as T;
}
