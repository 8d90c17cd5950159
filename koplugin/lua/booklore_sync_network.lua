--[[--
BookLore Sync: when to sync, and Sync Now.

"Can we sync?" is answered by the BookLore server itself (a healthcheck with a short deadline),
after NetworkMgr:isConnected() as the quick pre-check. Never NetworkMgr:isOnline(): it resolves
dns.msftncsi.com, which fails on a LAN without public DNS and can hold the UI for the resolver's
whole timeout. Never runWhenOnline for Sync Now either: while connected but "not online" it
re-connects and drops the callback. runWhenConnected runs it once connected.

After "Turn on Wi-Fi?", KOReader broadcasts NetworkConnected before it runs the Sync Now callback:
every sync that runs while a Sync Now press waits counts towards that press's report.
--]]

local InfoMessage = require("ui/widget/infomessage")
local NetworkMgr = require("ui/network/manager")
local UIManager = require("ui/uimanager")
local logger = require("logger")
local _ = require("gettext")

local Common = require("booklore_sync_common")
local Core = require("booklore_sync_core")

local Network = {
    -- Wi-Fi usually needs a few seconds after a resume.
    RESUME_SYNC_DELAY_SECONDS = 5,
    -- At launch: after the first screen is up (and after the NetworkConnected KOReader may send).
    STARTUP_SYNC_DELAY_SECONDS = 3,
    -- A Sync Now press whose callback has not run is forgotten after this (connecting gives up after 45 s).
    SYNC_NOW_WAIT_SECONDS = 120,
    -- Once the network is up, the press's report is shown even if KOReader dropped its callback.
    SYNC_NOW_REPORT_FALLBACK_SECONDS = 3,
}

-- A sync an automatic trigger wanted while the server could not be reached: done when it can.
local sync_owed = false
-- The Sync Now press waiting for its callback: { trigger, since, result, reported }.
local press = nil
local started = false

local function waitingPress()
    if press and not press.reported and os.time() - press.since <= Network.SYNC_NOW_WAIT_SECONDS then return press end
    return nil
end

--- A sync's result counts towards the waiting Sync Now press, if any.
local function accumulate(result)
    local p = waitingPress()
    if not (p and result.ran) then return end
    p.result = p.result and Core.combineSyncResults(p.result, result) or result
end

--- Whether the BookLore server answers now; no request at all while not connected.
function Network.serverAnswers()
    if not NetworkMgr:isConnected() then return false end
    local reach = Common.getApp():serverReachable()
    if not reach.reachable then logger.info("BookLore Sync: server not reachable:", reach.message) end
    return reach.reachable
end

-- A later check is already scheduled (one is enough: each check schedules the next if needed).
local check_scheduled = false

--- An answer was lost: check the server again when the core says, without waiting for a press.
local function scheduleCheck(result)
    local delay = result and result.nextCheckInSeconds
    if type(delay) ~= "number" or check_scheduled then return end
    check_scheduled = true
    UIManager:scheduleIn(math.max(delay, 1), Common.protect(_("syncing"), function()
        check_scheduled = false
        Network.backgroundSync("check", false)
    end))
end

--- A sync nobody asked for: never prompts for Wi-Fi, says something only when the user must act.
function Network.backgroundSync(trigger, announce)
    local a = Common.getApp()
    if not a:triggerSyncs(trigger) then return end
    if a:pendingCount() == 0 then return end
    if not Network.serverAnswers() then
        sync_owed = true
        return
    end
    local result = a:sync(trigger)
    scheduleCheck(result)
    accumulate(result)
    if result.problem then
        Common.notify(_("BookLore Sync: ") .. result.message, 5)
    elseif announce and result.report and result.report.uploaded > 0 then
        Common.notify(_("BookLore Sync: ") .. result.message, 2)
    end
end

--- After a session ended: queued already; uploaded right after the document has closed.
function Network.automaticSync(trigger)
    UIManager:nextTick(Common.protect(_("syncing"), function() Network.backgroundSync(trigger, true) end))
end

function Network.owe()
    sync_owed = true
end

function Network.syncIfOwed(trigger)
    if not sync_owed then return end
    if not NetworkMgr:isConnected() then return end
    sync_owed = false
    Network.backgroundSync(trigger, false)
end

function Network.scheduleIfOwed(trigger, seconds)
    UIManager:scheduleIn(seconds, Common.protect(_("syncing"), function() Network.syncIfOwed(trigger) end))
end

--- Once per KOReader process: sessions queued before a restart are owed a sync (E). KOReader's
--- launch NetworkConnected may come before this plugin exists (a book opened at launch), so a
--- scheduled check follows too; whichever comes first syncs, the other finds nothing owed.
function Network.startup()
    if started then return end
    started = true
    sync_owed = true
    Network.scheduleIfOwed("startup", Network.STARTUP_SYNC_DELAY_SECONDS)
end

local function report(p)
    if p.reported then return end
    p.reported = true
    if press == p then press = nil end
    local result = p.result
    if not result then return end
    Common.notify(_("BookLore Sync: ") .. result.message, result.problem and 6 or 3)
end

--- The user's sync for a press; `final` when it is the press's own callback.
local function runPressSync(p, final)
    local progress = InfoMessage:new{ text = _("BookLore Sync: syncing…") }
    UIManager:show(progress)
    UIManager:forceRePaint()
    local ok, result = pcall(function() return Common.getApp():sync(p.trigger) end)
    UIManager:close(progress)
    if not ok then error(result, 0) end
    scheduleCheck(result)
    p.result = p.result and Core.combineSyncResults(p.result, result) or result
    if final then report(p) end
end

--- Sync Now and the dispatcher action: ask for the network if needed, then say what was achieved.
function Network.syncNow(trigger)
    local settings = Common.getApp():settings()
    if not settings.syncEnabled then
        Common.notify(_("BookLore Sync is off: turn it on (Settings → Enable Sync) to record and upload sessions."), 4)
        return
    end
    local p = { trigger = trigger, since = os.time(), result = nil, reported = false }
    press = p
    NetworkMgr:runWhenConnected(Common.protect(_("Sync Now"), function()
        if p.reported then return end
        runPressSync(p, true)
    end))
end

--- NetworkConnected: a waiting Sync Now press syncs now (its callback may follow, or may have been
--- dropped: its report is shown shortly either way); otherwise an owed automatic sync.
function Network.onConnected()
    local p = waitingPress()
    if p then
        runPressSync(p, false)
        UIManager:scheduleIn(Network.SYNC_NOW_REPORT_FALLBACK_SECONDS, Common.protect(_("Sync Now"), function() report(p) end))
        return
    end
    Network.syncIfOwed("network")
end

return Network
