--[[--
BookLore Sync: dispatcher actions (Settings → Taps and gestures, and profiles). Same ids and
events as the original BookLore Sync plugin, so gestures bound there keep working after switching,
and with both installed each action exists once (Dispatcher keeps the first registration).
--]]

local Dispatcher = require("dispatcher")
local _ = require("gettext")

local Common = require("booklore_sync_common")
local Sessions = require("booklore_sync_sessions")

local Actions = {
    LIST = {
        { id = "booklore_sync_pending", event = "SyncBooklorePending", title = _("BookLore Sync: sync pending sessions") },
        { id = "booklore_toggle_sync", event = "ToggleBookloreSync", title = _("BookLore Sync: turn sync on/off") },
        { id = "booklore_toggle_manual_sync_only", event = "ToggleBookloreManualSyncOnly", title = _("BookLore Sync: turn Manual Sync Only on/off") },
        { id = "booklore_test_connection", event = "TestBookloreConnection", title = _("BookLore Sync: Test Connection") },
    },
}

function Actions.register()
    for _, action in ipairs(Actions.LIST) do
        Dispatcher:registerAction(action.id, { category = "none", event = action.event, title = action.title, general = true })
    end
end

--- Sync on/off (the original plugin's "Enable Sync"). Off: the open session ends as it would on a
--- close (what was read while on counts), and nothing more is recorded or uploaded until it is on.
function Actions.toggleSync(ui)
    local a = Common.getApp()
    local on = not a:settings().syncEnabled
    if not on then Sessions.finish(ui) end
    a:setSyncEnabled(on)
    if on and ui and ui.document then Sessions.start(ui) end
    Common.notify(on and _("BookLore Sync: sync on — reading sessions are recorded and uploaded.")
        or _("BookLore Sync: sync off — nothing is recorded or uploaded until you turn it on again."), 2)
end

function Actions.toggleManualSyncOnly()
    local a = Common.getApp()
    local on = not a:settings().manualSyncOnly
    a:setManualSyncOnly(on)
    Common.notify(on and _("BookLore Sync: Manual Sync Only on — sessions stay queued until Sync Now.")
        or _("BookLore Sync: Manual Sync Only off — sessions are uploaded automatically again."), 2)
end

return Actions
