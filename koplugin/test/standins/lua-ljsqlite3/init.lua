-- Test stand-in for KOReader's lua-ljsqlite3 binding (koreader-base thirdparty/lua-ljsqlite3),
-- written for booklore-sync's tests: the subset of its API the plugin uses, with the same type
-- mapping (INTEGER columns come back as int64 cdata, REAL as numbers, TEXT/BLOB as strings, NULL as
-- nil; a Lua number binds as a double) and the same error format ("…/init.lua:LINE: ljsqlite3[busy]
-- database is locked" and a stack traceback), over LuaJIT's FFI and the system's libsqlite3. Like KOReader's SQLite build, it refuses
-- double-quoted string literals (SQLITE_DQS=0), so SQL that only works with them fails here too.
local ffi = require("ffi")

ffi.cdef[[
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
int sqlite3_open_v2(const char *filename, sqlite3 **ppDb, int flags, const char *zVfs);
int sqlite3_close_v2(sqlite3 *);
const char *sqlite3_errmsg(sqlite3 *);
int sqlite3_busy_timeout(sqlite3 *, int ms);
int sqlite3_db_config(sqlite3 *, int op, ...);
int sqlite3_prepare_v2(sqlite3 *db, const char *zSql, int nByte, sqlite3_stmt **ppStmt, const char **pzTail);
int sqlite3_step(sqlite3_stmt *);
int sqlite3_reset(sqlite3_stmt *);
int sqlite3_finalize(sqlite3_stmt *);
int sqlite3_clear_bindings(sqlite3_stmt *);
int sqlite3_column_count(sqlite3_stmt *);
const char *sqlite3_column_name(sqlite3_stmt *, int);
int sqlite3_column_type(sqlite3_stmt *, int);
int64_t sqlite3_column_int64(sqlite3_stmt *, int);
double sqlite3_column_double(sqlite3_stmt *, int);
int sqlite3_column_bytes(sqlite3_stmt *, int);
const unsigned char *sqlite3_column_text(sqlite3_stmt *, int);
const void *sqlite3_column_blob(sqlite3_stmt *, int);
int sqlite3_bind_int64(sqlite3_stmt *, int, int64_t);
int sqlite3_bind_double(sqlite3_stmt *, int, double);
int sqlite3_bind_null(sqlite3_stmt *, int);
int sqlite3_bind_text(sqlite3_stmt *, int, const char *, int, void (*)(void *));
]]

local lib = ffi.load(os.getenv("BOOKLORE_SYNC_LIBSQLITE3") or "libsqlite3.so.0")

-- The crash torture's kill probe (koplugin/test/torture_probe.lua), only when the harness asks for it.
local probe = os.getenv("BLS_TORTURE_PROBE") and require("torture_probe")(lib, os.getenv("BLS_TORTURE_PROBE")) or nil

local OK, ROW, DONE = 0, 100, 101
local INTEGER, FLOAT, TEXT, BLOB, NULL = 1, 2, 3, 4, 5
local DBCONFIG_DQS_DML, DBCONFIG_DQS_DDL = 1013, 1014
local OPEN = { ro = 0x01, rw = 0x02, rwc = 0x06 }
local CODES = {
  [1] = "error", [2] = "internal", [3] = "perm", [4] = "abort", [5] = "busy", [6] = "locked", [7] = "nomem",
  [8] = "readonly", [9] = "interrupt", [10] = "ioerr", [11] = "corrupt", [12] = "notfound", [13] = "full",
  [14] = "cantopen", [15] = "protocol", [16] = "empty", [17] = "schema", [18] = "toobig", [19] = "constraint",
  [20] = "mismatch", [21] = "misuse", [22] = "nolfs", [23] = "auth", [24] = "format", [25] = "range", [26] = "notadb",
}
local TRANSIENT = ffi.cast("void (*)(void *)", -1)
local int64_t = ffi.typeof("int64_t")

-- As the binding's err(): level 1, so Lua puts this file's "init.lua:LINE: " in front, and a
-- traceback appended ("because it's extremely unintuitive otherwise", says its source).
local function err(code, msg)
  error("ljsqlite3[" .. code .. "] " .. msg .. "\n" .. debug.traceback())
end

local function fail(ptr, code)
  local primary = code % 256
  err(CODES[primary] or tostring(code), ffi.string(lib.sqlite3_errmsg(ptr)))
end

local Statement = {}
Statement.__index = Statement

function Statement:reset()
  lib.sqlite3_reset(self._ptr)
  self._done = false
  return self
end

function Statement:clearbind()
  lib.sqlite3_clear_bindings(self._ptr)
  return self
end

function Statement:bind1(i, v)
  local code
  local t = type(v)
  if ffi.istype(int64_t, v) then
    code = lib.sqlite3_bind_int64(self._ptr, i, v)
  elseif t == "number" then
    code = lib.sqlite3_bind_double(self._ptr, i, v)
  elseif t == "string" then
    code = lib.sqlite3_bind_text(self._ptr, i, v, #v, TRANSIENT)
  elseif t == "nil" then
    code = lib.sqlite3_bind_null(self._ptr, i)
  else
    err("constraint", "unexpected Lua type")
  end
  if code ~= OK then fail(self._conn, code) end
  return self
end

function Statement:bind(...)
  for i = 1, select("#", ...) do self:bind1(i, (select(i, ...))) end
  return self
end

local function column(ptr, i)
  local t = lib.sqlite3_column_type(ptr, i)
  if t == INTEGER then
    return lib.sqlite3_column_int64(ptr, i)
  elseif t == FLOAT then
    return lib.sqlite3_column_double(ptr, i)
  elseif t == TEXT then
    return ffi.string(lib.sqlite3_column_text(ptr, i), lib.sqlite3_column_bytes(ptr, i))
  elseif t == BLOB then
    return ffi.string(lib.sqlite3_column_blob(ptr, i), lib.sqlite3_column_bytes(ptr, i))
  end
  return nil
end

function Statement:step(row, header)
  if self._done then return nil end
  local code = lib.sqlite3_step(self._ptr)
  if code == ROW then
    row = row or {}
    local n = lib.sqlite3_column_count(self._ptr)
    for i = 1, n do row[i] = column(self._ptr, i - 1) end
    if header then
      for i = 1, n do header[i] = ffi.string(lib.sqlite3_column_name(self._ptr, i - 1)) end
    end
    return row, header
  elseif code == DONE then
    self._done = true
    if probe then probe(self._sql, self._conn) end
    return nil
  end
  self._done = true
  fail(self._conn, code)
end

function Statement:close()
  if not self._closed then
    lib.sqlite3_finalize(self._ptr)
    self._closed = true
  end
end

local Connection = {}
Connection.__index = Connection

function Connection:prepare(sql)
  local out = ffi.new("sqlite3_stmt *[1]")
  local code = lib.sqlite3_prepare_v2(self._ptr, sql, #sql, out, nil)
  if code ~= OK then fail(self._ptr, code) end
  local stmt = setmetatable({ _ptr = out[0], _conn = self._ptr, _sql = sql, _done = false, _closed = false }, Statement)
  self._statements[#self._statements + 1] = stmt
  return stmt
end

-- Like the binding's exec: `;`-separated statements, the last one's rows returned by column.
function Connection:exec(commands)
  local result, n
  for command in string.gmatch(commands, "[^;]+") do
    if command:match("%S") then
      local stmt = self:prepare(command)
      local header = {}
      local columns, count = nil, 0
      local row = stmt:step(nil, header)
      while row do
        columns = columns or {}
        count = count + 1
        for i, name in ipairs(header) do
          columns[i] = columns[i] or {}
          columns[i][count] = row[i]
          columns[name] = columns[i]
        end
        row = stmt:step()
      end
      stmt:close()
      result, n = columns, count
    end
  end
  return result, n
end

function Connection:rowexec(sql)
  local stmt = self:prepare(sql)
  local row = stmt:step()
  stmt:close()
  if row then return unpack(row) end
  return nil
end

function Connection:set_busy_timeout(ms)
  lib.sqlite3_busy_timeout(self._ptr, ms)
end

function Connection:close()
  if self._closed then return end
  for _, stmt in ipairs(self._statements) do stmt:close() end
  local code = lib.sqlite3_close_v2(self._ptr)
  if code ~= OK then fail(self._ptr, code) end
  self._closed = true
end

local function open(path, mode)
  local flags = OPEN[mode or "rwc"]
  if not flags then err("constraint", "argument #2 to open must be ro, rw, or rwc") end
  local out = ffi.new("sqlite3 *[1]")
  local code = lib.sqlite3_open_v2(path, out, flags, nil)
  if code ~= OK then
    local message = out[0] ~= nil and ffi.string(lib.sqlite3_errmsg(out[0])) or "cannot open"
    if out[0] ~= nil then lib.sqlite3_close_v2(out[0]) end
    err(CODES[code % 256] or tostring(code), message)
  end
  lib.sqlite3_db_config(out[0], DBCONFIG_DQS_DML, ffi.new("int", 0), ffi.new("int *"))
  lib.sqlite3_db_config(out[0], DBCONFIG_DQS_DDL, ffi.new("int", 0), ffi.new("int *"))
  return setmetatable({ _ptr = out[0], _statements = {}, _closed = false }, Connection)
end

return { open = open }
