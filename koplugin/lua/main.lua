--[[--
BookLore Sync (booklore-sync engine): KOReader glue.

Everything that decides something (session rules, the queue, the sync engine, the BookLore client)
is in booklore_sync_core.lua, compiled from booklore-sync's TypeScript with TypeScriptToLua. The
Lua files only turn KOReader's events, menu and dispatcher actions into calls of that core, and
show what it answers:

  main.lua                   this WidgetContainer: KOReader's events
  booklore_sync_common.lua   the core (one per process) and how failures reach the user
  booklore_sync_sessions.lua reading sessions from the reader's state
  booklore_sync_network.lua  when to sync, and Sync Now
  booklore_sync_actions.lua  dispatcher actions
  booklore_sync_menu.lua     Tools → BookLore Sync
  booklore_sync_dialogs.lua  the dialogs and views behind the menu

  session start:  ReaderReady, Resume (with a document open)
  session end:    CloseDocument, Suspend, Exit   → validated, queued (S1)
  sync:           at start-up, after a session ends, on Resume and when the network comes back
                  (silently, unless Manual Sync Only; when the server answers), Sync Now and the
                  dispatcher action "SyncBooklorePending"

@module koplugin.BookLoreSync
--]]

local WidgetContainer = require("ui/widget/container/widgetcontainer")
local logger = require("logger")
local _ = require("gettext")

-- Loaded now: KOReader puts the plugin folder first on package.path only while main.lua runs.
local Actions = require("booklore_sync_actions")
local Common = require("booklore_sync_common")
local Menu = require("booklore_sync_menu")
local Network = require("booklore_sync_network")
local Sessions = require("booklore_sync_sessions")

-- The original BookLore Sync plugin (WorldTeacher/BookLoreSync-plugin) lives in
-- bookloresync.koplugin, so KOReader registers it under this name. It records and uploads from
-- the same events into the same booklore-sync.sqlite: while it is active, this plugin stays passive.
local ORIGINAL_PLUGIN = "bookloresync"

local BookLoreSync = WidgetContainer:extend{
    name = "booklore-sync",
    is_doc_only = false,
}

function BookLoreSync:init()
    self:onDispatcherRegisterActions()
    if self.ui and self.ui.menu then
        self.ui.menu:registerToMainMenu(self)
    end
    if not self:originalActive() then Network.startup() end
end

--- The original plugin is active in this UI too: leave the events to it.
function BookLoreSync:originalActive()
    return self.ui ~= nil and self.ui[ORIGINAL_PLUGIN] ~= nil
end

--- Passive: the original plugin answers, or sync is off (nothing recorded, nothing uploaded).
function BookLoreSync:passive()
    return self:originalActive() or not Common.getApp():settings().syncEnabled
end

function BookLoreSync:addToMainMenu(menu_items)
    -- Not "booklore_sync": that key is the original plugin's menu entry.
    menu_items.booklore_sync_engine = Menu.build(self)
end

function BookLoreSync:toggleSync()
    Actions.toggleSync(self.ui)
end

-- ── KOReader's events ────────────────────────────────────────────────────────────────────────
-- KOReader's PluginLoader runs each on* handler in pcall and only logs an error, so a failure
-- would be silent on the device: each handler below is also wrapped (see the end of the file) to
-- show one short sentence and log the details.

function BookLoreSync:onDispatcherRegisterActions()
    Actions.register()
end

function BookLoreSync:onReaderReady(doc_settings)
    if self:passive() then return end
    Sessions.start(self.ui, doc_settings)
end

function BookLoreSync:onCloseDocument()
    if self:passive() then return end
    local outcome = Sessions.finish(self.ui)
    if outcome and outcome.queued then Network.automaticSync("session-end") end
end

function BookLoreSync:onSuspend()
    if self:passive() then return end
    -- Queued now; uploaded after the resume (the network is usually off while the device sleeps).
    Sessions.finish(self.ui)
end

function BookLoreSync:onResume()
    if self:passive() then return end
    if self.ui and self.ui.document then Sessions.start(self.ui) end
    Network.owe()
    Network.scheduleIfOwed("resume", Network.RESUME_SYNC_DELAY_SECONDS)
end

function BookLoreSync:onNetworkConnected()
    if self:passive() then return end
    Network.onConnected()
end

function BookLoreSync:onSyncBooklorePending()
    if self:originalActive() then return end -- the original plugin answers this event
    Network.syncNow("dispatcher")
    return true
end

function BookLoreSync:onToggleBookloreSync()
    if self:originalActive() then return end
    self:toggleSync()
    return true
end

function BookLoreSync:onToggleBookloreManualSyncOnly()
    if self:originalActive() then return end
    Actions.toggleManualSyncOnly()
    return true
end

function BookLoreSync:onTestBookloreConnection()
    if self:originalActive() then return end
    require("booklore_sync_dialogs").testConnection()
    return true
end

function BookLoreSync:onExit()
    -- KOReader is quitting: an open session ends like a close; the queue file is closed cleanly.
    if self:originalActive() then return end
    Sessions.finish(self.ui)
    Common.closeApp()
end

-- What each handler was doing, in the user's words, for the message when it fails.
local HANDLER_WORK = {
    onDispatcherRegisterActions = _("registering the gestures"),
    onReaderReady = _("starting the reading session"),
    onCloseDocument = _("saving the reading session"),
    onSuspend = _("saving the reading session"),
    onResume = _("starting the reading session"),
    onNetworkConnected = _("syncing"),
    onSyncBooklorePending = _("Sync Now"),
    onToggleBookloreSync = _("turning sync on or off"),
    onToggleBookloreManualSyncOnly = _("turning Manual Sync Only on or off"),
    onTestBookloreConnection = _("testing the connection"),
    onExit = _("saving the reading session"),
}

for name, work in pairs(HANDLER_WORK) do
    local fn = BookLoreSync[name]
    assert(type(fn) == "function", name)
    BookLoreSync[name] = Common.protect(work, fn)
end
for name, value in pairs(BookLoreSync) do
    if name:sub(1, 2) == "on" and type(value) == "function" and not HANDLER_WORK[name] then
        logger.warn("BookLore Sync: handler without a failure message:", name)
    end
end

return BookLoreSync
