-- The crash torture's kill probe for the Lua build (reliability/kill-probe.ts is Node's): loaded by
-- the lua-ljsqlite3 stand-in only when BLS_TORTURE_PROBE is set. At the named point it tells the
-- harness on stderr and freezes the process, so the harness's SIGKILL lands exactly there. The SQL
-- prefixes are those of reliability/probe-points.ts.
local ffi = require("ffi")
ffi.cdef[[ int sqlite3_get_autocommit(void *); ]]

local MARKER = "@@bls-torture-probe"
local PREFIXES = {
  lease = { "INSERT INTO bls_sync_lease" },
  settle = { "INSERT INTO historical_sessions", "DELETE FROM pending_sessions WHERE id IN" },
  ["import-mid"] = { "INSERT OR IGNORE INTO bls_koreader_imports" },
  ["import-commit"] = { "INSERT OR IGNORE INTO bls_koreader_imports" },
}
local WAIT_FOR_COMMIT = { lease = true, ["import-commit"] = true }

return function(lib, point)
  local prefixes = PREFIXES[point]
  if not prefixes then error("BLS_TORTURE_PROBE: unknown point " .. tostring(point)) end
  local skip = tonumber(os.getenv("BLS_TORTURE_PROBE_SKIP") or "0") or 0
  local armed = false
  local function pause(label)
    io.stderr:write("\n", MARKER, " ", label, "\n")
    io.stderr:flush()
    require("socket").sleep(120)
  end
  -- called after a statement ran to completion on connection `conn`
  return function(sql, conn)
    sql = sql:gsub("^%s+", "")
    if armed and sql:upper():sub(1, 6) == "COMMIT" then
      armed = false
      pause(point .. " (committed)")
      return
    end
    for _, prefix in ipairs(prefixes) do
      if sql:sub(1, #prefix) == prefix then
        if skip > 0 then
          skip = skip - 1
        elseif WAIT_FOR_COMMIT[point] and lib.sqlite3_get_autocommit(conn) == 0 then
          armed = true
        else
          pause(point)
        end
        return
      end
    end
  end
end
