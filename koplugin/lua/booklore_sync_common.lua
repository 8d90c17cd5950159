--[[--
BookLore Sync: what the plugin's Lua modules share within one KOReader process: the core (one open
queue database, shared by the reader's and the file manager's instances of the plugin) and how a
failure reaches the user: one short sentence on screen, the whole error (file:line, traceback) in
KOReader's log.
--]]

local DataStorage = require("datastorage")
local Device = require("device")
local InfoMessage = require("ui/widget/infomessage")
local LuaSettings = require("luasettings")
local UIManager = require("ui/uimanager")
local logger = require("logger")
local _ = require("gettext")

local Core = require("booklore_sync_core")

local Common = {
    -- Our own settings file in KOReader's settings folder (the original plugin keeps its settings in
    -- the database, and deletes a "booklore.lua" it finds there: we never use that name).
    SETTINGS_FILE = "booklore-sync-plugin.lua",
    DATABASE_FILE = "booklore-sync.sqlite",
    -- The same failure shown again within this many seconds stays in the log only.
    REPEAT_FAILURE_SECONDS = 60,
}

local app
local last_failure = { text = nil, at = 0 }

local function caFile()
    local path = "data/ca-bundle.crt" -- shipped with KOReader (koreader-base thirdparty/certifi)
    local f = io.open(path, "r")
    if f then
        f:close()
        return path
    end
    return nil
end

function Common.getApp()
    if not app then
        local settings_dir = DataStorage:getSettingsDir()
        app = Core.createApp({
            settingsDir = settings_dir,
            settings = LuaSettings:open(settings_dir .. "/" .. Common.SETTINGS_FILE),
            wal = Device:canUseWAL(),
            caFile = caFile(),
            log = function(level, message)
                local write = logger[level] or logger.info
                write(message)
            end,
        })
    end
    return app
end

--- KOReader is quitting (or a test restarts it): the queue file is closed cleanly.
function Common.closeApp()
    if app then
        app:close()
        app = nil
    end
end

function Common.notify(text, timeout)
    UIManager:show(InfoMessage:new{ text = text, timeout = timeout })
end

--- A failure of `what` ("reading the queue"): details to the log, one sentence to the screen.
function Common.reportFailure(what, err, traceback)
    local path = DataStorage:getSettingsDir() .. "/" .. Common.DATABASE_FILE
    local ok, described = pcall(Core.describeError, what, err, path)
    local sentence = ok and described.sentence or (what .. " failed")
    local details = ok and described.details or tostring(err)
    logger.err("BookLore Sync:", what, "failed:", details, traceback or "")
    local now = os.time()
    if last_failure.text == sentence and now - last_failure.at < Common.REPEAT_FAILURE_SECONDS then return end
    last_failure.text, last_failure.at = sentence, now
    Common.notify(_("BookLore Sync: ") .. sentence, 6)
end

local function withTraceback(err)
    return { err = err, traceback = debug.traceback("", 2) }
end

--- Runs fn(...); a failure is reported (see reportFailure). Returns true and fn's result, or false.
function Common.guarded(what, fn, ...)
    local ok, result = xpcall(fn, withTraceback, ...)
    if ok then return true, result end
    Common.reportFailure(what, result.err, result.traceback)
    return false, nil
end

--- fn wrapped for a place where an error would crash KOReader or vanish (a scheduled task, a menu
--- callback, an event handler): it reports the failure and returns nil.
function Common.protect(what, fn)
    return function(...)
        local ok, result = Common.guarded(what, fn, ...)
        if ok then return result end
        return nil
    end
end

return Common
