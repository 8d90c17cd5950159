-- Drives the built plugin's core from the command line, for the node tests (test/koplugin-*.test.ts)
-- and the benchmark (bench/lua-drain.ts), the way they drive the Node build through its CLI:
--
--   luajit koplugin/test/runner.lua PLUGIN_DIR HOME COMMAND [JSON]
--
-- PLUGIN_DIR is the built plugin folder (booklore_sync_core.lua), HOME plays KOReader's settings
-- folder (booklore-sync.sqlite and the plugin's settings file live there). Modules KOReader
-- provides come from koplugin/test/standins; LuaSocket, LuaSec, lua-cjson and lua-md5 from Debian.
-- Output: one JSON document on stdout.
local plugin_dir, home, command, argument = arg[1], arg[2], arg[3], arg[4]
if not (plugin_dir and home and command) then
  io.stderr:write("usage: luajit runner.lua PLUGIN_DIR HOME COMMAND [JSON]\n")
  os.exit(2)
end
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*)/[^/]*$") or "."
package.path = table.concat({ here .. "/?.lua", here .. "/standins/?.lua", here .. "/standins/?/init.lua", plugin_dir .. "/?.lua", package.path }, ";")

local cjson = require("cjson")
local json_out = require("json_out")
local Core = require("booklore_sync_core")

local function read_json(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return cjson.decode(text)
end

-- The plugin's settings as a LuaSettings-like object, kept in HOME/plugin-settings.json.
local settings_path = home .. "/plugin-settings.json"
local Settings = {}
Settings.__index = Settings
function Settings:readSetting(key) return self.data[key] end
function Settings:saveSetting(key, value) self.data[key] = value; return self end
function Settings:delSetting(key) self.data[key] = nil; return self end
function Settings:flush()
  local f = assert(io.open(settings_path .. ".tmp", "wb"))
  f:write(cjson.encode(self.data))
  f:close()
  assert(os.rename(settings_path .. ".tmp", settings_path))
end
local settings = setmetatable({ data = read_json(settings_path) or {} }, Settings)

-- "@FILE": the JSON is in FILE (large session lists do not fit in one command-line argument).
if argument and argument:sub(1, 1) == "@" then
  local f = assert(io.open(argument:sub(2), "rb"))
  argument = f:read("*a")
  f:close()
end
local options = argument and cjson.decode(argument) or {}
if options == cjson.null then options = {} end
if type(options) == "table" then
  for key, value in pairs(options) do if value == cjson.null and type(key) == "string" then options[key] = nil end end
end
local log_lines = {}
-- `read` sets the clock to a session's start, then its end; otherwise the real time.
local clock = nil
local app = Core.createApp({
  now = function() return clock or os.time() end,
  settingsDir = home,
  settings = settings,
  wal = true,
  log = function(level, message) log_lines[#log_lines + 1] = level .. ": " .. message end,
  reconcileGraceSeconds = type(options) == "table" and options.grace or nil,
  backoffBaseSeconds = type(options) == "table" and options.backoffBase or nil,
  concurrency = type(options) == "table" and options.concurrency or nil,
  leaseWaitSeconds = type(options) == "table" and options.leaseWait or nil,
  caFile = type(options) == "table" and options.caFile or nil,
})

local function emit(value)
  io.stdout:write(json_out.encode(value), "\n")
end

local commands = {}

-- A document read from `start` to `end` (epoch seconds): the plugin's session start and end.
function commands.read()
  clock = options.start
  app:sessionStart({ path = options.path, title = options.title, location = "1", progress = 1 })
  clock = options["end"]
  emit(app:sessionEnd({ location = "9", progress = 5 }))
end

function commands.configure()
  for key, value in pairs(options) do
    if value == cjson.null then settings:delSetting(key) else settings:saveSetting(key, value) end
  end
  settings:flush()
  emit({ ok = true })
end

function commands.settings()
  emit(settings.data)
end

function commands.enqueue()
  local ids = json_out.array({})
  for i, input in ipairs(options) do
    for key, value in pairs(input) do if value == cjson.null then input[key] = nil end end
    local result = app:enqueue(input)
    if not result.ok then
      io.stderr:write("session ", i, " not queued: ", result.message, "\n")
      os.exit(1)
    end
    ids[#ids + 1] = result.id
  end
  emit(ids)
end

function commands.sync()
  local trigger = options.trigger or "sync-now"
  local started = require("socket").gettime()
  local result = app:sync(trigger)
  local report = result.report
  emit({
    ran = result.ran,
    message = result.message,
    problem = result.problem,
    seconds = require("socket").gettime() - started,
    nextCheckInSeconds = result.nextCheckInSeconds,
    report = report and {
      uploaded = report.uploaded, pending = report.pending, resolved = report.resolved, failed = report.failed,
      parked = report.parked, reconciled = report.reconciled, unknown = report.unknown, nextCheckAt = report.nextCheckAt,
      resentUnverified = report.resentUnverified, skippedBackoff = report.skippedBackoff,
      duplicatesDropped = report.duplicatesDropped, unresolved = report.unresolved,
      stoppedBy = report.stoppedBy, message = report.message,
      batchUpload = report.batchUpload, hashLookup = report.hashLookup,
    } or nil,
    log = json_out.array(log_lines),
  })
end

-- A reading session ends on the device: queue it, then the session-end sync (the crash torture's
-- `record`). Prints the queue ids once they are committed, before the sync starts.
function commands.record()
  local sessions = options.sessions
  local ids = json_out.array({})
  for i, input in ipairs(sessions) do
    local result = app:enqueue(input)
    if not result.ok then
      io.stderr:write("session ", i, " not queued: ", result.message, "\n")
      os.exit(1)
    end
    ids[#ids + 1] = result.id
  end
  io.stdout:write(json_out.encode({ queued = ids }), "\n")
  io.stdout:flush()
  local result = app:sync("session-end")
  emit({ ran = result.ran, message = result.message })
end

function commands.pending()
  emit(json_out.array(app:pendingJson()))
end

function commands.history()
  emit(json_out.array(app:historyJson(options.limit or 100000)))
end

function commands.details()
  local d = app:queueDetails()
  emit({ total = d.total, queued = d.queued, sending = d.sending, parked = d.parked, waitingForBook = d.waitingForBook, lines = json_out.array(d.lines) })
end

function commands.retry()
  emit({ retried = app:retryParked() })
end

function commands.clear()
  emit({ removed = app:clearPending() })
end

function commands.importHistory()
  local result = app:importHistory(options.path, options.dryRun == true)
  local r = result.report
  emit({
    ok = result.ok, message = result.message,
    report = r and {
      rows = r.rows, books = r.books, sessions = r.sessions, queued = r.queued, skipped = r.skipped, open = r.open,
      alreadyImported = r.alreadyImported, withoutMd5 = r.withoutMd5, invalid = r.invalid, notMovedForward = r.notMovedForward,
    } or nil,
  })
end

function commands.testConnection()
  local report = app:testConnection()
  emit({ ok = report.ok, lines = json_out.array(report.lines), log = json_out.array(log_lines) })
end

function commands.http()
  local result = Core.httpGet(options.url, options.timeout or 5, options.caFile, options.insecure == true)
  if result.ok then
    emit({ ok = true, status = result.response.status, contentType = result.response.contentType, text = result.response.text })
  else
    emit({ ok = false, kind = result.failure.kind, answered = result.failure.answered, message = result.failure.message })
  end
end

-- What the shared client makes of server answers, with the plugin's JSON and answer shapes.
-- Lists come back as arrays (session ids with their nulls), so the node side compares like for like.
function commands.answers()
  local out = json_out.array({})
  for i, case in ipairs(options) do
    local response = case.response
    if response.retryAfterSeconds == cjson.null then response.retryAfterSeconds = nil end
    local outcome = Core.judgeAnswer(case.endpoint, response, case.auth, case.sent)
    if outcome.sessionIds then
      local ids = json_out.array({})
      for j = 1, case.sent do ids[j] = outcome.sessionIds[j] or cjson.null end
      outcome.sessionIds = ids
    end
    for _, list in ipairs({ "sessions", "books" }) do
      if outcome[list] then outcome[list] = json_out.array(outcome[list]) end
    end
    if outcome.failure and outcome.failure.details then outcome.failure.details = json_out.array(outcome.failure.details) end
    out[i] = outcome
  end
  emit(out)
end

function commands.fingerprint()
  local out = json_out.array({})
  for _, path in ipairs(options) do
    local hash, problem = Core.fingerprint(path)
    out[#out + 1] = hash or ("error: " .. tostring(problem))
  end
  emit(out)
end

function commands.validate()
  local out = json_out.array({})
  for _, input in ipairs(options) do
    for key, value in pairs(input) do if value == cjson.null then input[key] = nil end end
    out[#out + 1] = Core.validate(input)
  end
  emit(out)
end

--- JSON nulls (cjson.null) out of a decoded table, as the compiled core expects absent fields.
local function withoutNulls(t)
  for key, value in pairs(t) do if value == cjson.null then t[key] = nil end end
  return t
end

function commands.summary()
  local out = json_out.array({})
  for _, case in ipairs(options) do
    out[#out + 1] = Core.summarize(withoutNulls(case.report), case.scheduled)
  end
  emit(out)
end

--- What one Sync Now press reports after two syncs: the message of Core.combineSyncResults.
function commands.combine()
  local out = json_out.array({})
  for _, case in ipairs(options) do
    for _, result in ipairs({ case.earlier, case.later }) do
      withoutNulls(result)
      withoutNulls(result.report)
    end
    out[#out + 1] = Core.combineSyncResults(case.earlier, case.later).message
  end
  emit(out)
end

local run = commands[command]
if not run then
  io.stderr:write("unknown command ", command, "\n")
  os.exit(2)
end
local ok, err = xpcall(run, debug.traceback)
app:close()
if not ok then
  io.stderr:write(tostring(err), "\n")
  os.exit(1)
end
