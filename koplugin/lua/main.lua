--[[--
BookLore Sync (booklore-sync engine): KOReader glue.

Everything that decides something (session rules, the queue, the sync engine, the BookLore client)
is in booklore_sync_core.lua, compiled from booklore-sync's TypeScript with TypeScriptToLua. This
file only turns KOReader's events, menu and dispatcher action into calls of that core, and shows
what it answers.

  session start:  ReaderReady, Resume (with a document open)
  session end:    CloseDocument, Suspend            → validated, queued (S1)
  sync:           after a session ends (unless Manual Sync Only, when online), on Resume and when
                  the network comes back (silently), Tools → BookLore Sync → Sync Now, and the
                  dispatcher action "SyncBooklorePending"

@module koplugin.BookLoreSync
--]]

local ConfirmBox = require("ui/widget/confirmbox")
local DataStorage = require("datastorage")
local Device = require("device")
local Dispatcher = require("dispatcher")
local InfoMessage = require("ui/widget/infomessage")
local InputDialog = require("ui/widget/inputdialog")
local LuaSettings = require("luasettings")
local MultiInputDialog = require("ui/widget/multiinputdialog")
local NetworkMgr = require("ui/network/manager")
local TextViewer = require("ui/widget/textviewer")
local UIManager = require("ui/uimanager")
local WidgetContainer = require("ui/widget/container/widgetcontainer")
local logger = require("logger")
local _ = require("gettext")

local Core = require("booklore_sync_core")

-- The original BookLore Sync plugin (WorldTeacher/BookLoreSync-plugin) lives in
-- bookloresync.koplugin, so KOReader registers it under this name. It records and uploads from
-- the same events into the same booklore-sync.sqlite: while it is active, this plugin stays passive.
local ORIGINAL_PLUGIN = "bookloresync"
-- Our own settings file in KOReader's settings folder (the original plugin keeps its settings in
-- the database, and deletes a "booklore.lua" it finds there: we never use that name).
local SETTINGS_FILE = "booklore-sync-plugin.lua"
-- Wi-Fi usually needs a few seconds after a resume.
local RESUME_SYNC_DELAY_SECONDS = 5
-- The same action id and event as the original plugin: gestures bound to it keep working after
-- switching plugins, and with both installed the action exists once (Dispatcher keeps the first).
local DISPATCHER_ACTION = "booklore_sync_pending"

-- One core (one open queue database) per KOReader process, shared by the reader's and the file
-- manager's instances of this plugin.
local app
-- A sync an automatic trigger wanted while offline: done when the network comes back.
local sync_owed = false

local function caFile()
    local path = "data/ca-bundle.crt" -- shipped with KOReader (koreader-base thirdparty/certifi)
    local f = io.open(path, "r")
    if f then
        f:close()
        return path
    end
    return nil
end

local function getApp()
    if not app then
        local settings_dir = DataStorage:getSettingsDir()
        app = Core.createApp({
            settingsDir = settings_dir,
            settings = LuaSettings:open(settings_dir .. "/" .. SETTINGS_FILE),
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

local function messageOf(err)
    if type(err) == "table" and type(err.message) == "string" then return err.message end
    return tostring(err)
end

local function notify(text, timeout)
    UIManager:show(InfoMessage:new{ text = text, timeout = timeout })
end

--- Runs a core call; a failure (e.g. a queue file that cannot be opened) becomes a message.
local function guarded(what, fn, ...)
    local ok, result = pcall(fn, ...)
    if ok then return true, result end
    local message = messageOf(result)
    logger.warn("BookLore Sync:", what, "failed:", message)
    notify(_("BookLore Sync: ") .. message, 5)
    return false, nil
end

local BookLoreSync = WidgetContainer:extend{
    name = "booklore-sync",
    is_doc_only = false,
}

function BookLoreSync:init()
    self:onDispatcherRegisterActions()
    if self.ui and self.ui.menu then
        self.ui.menu:registerToMainMenu(self)
    end
end

function BookLoreSync:onDispatcherRegisterActions()
    Dispatcher:registerAction(DISPATCHER_ACTION, {
        category = "none",
        event = "SyncBooklorePending",
        title = _("BookLore Sync: sync pending sessions"),
        general = true,
    })
end

--- The original plugin is active in this UI too: leave the events to it.
function BookLoreSync:originalActive()
    return self.ui ~= nil and self.ui[ORIGINAL_PLUGIN] ~= nil
end

-- ── sessions ─────────────────────────────────────────────────────────────────────────────────

--- Where the reader is: KOReader's page number (as text, like the original plugin) and page / page count × 100.
function BookLoreSync:currentPosition()
    local ui = self.ui
    if not (ui and ui.document) then return { location = nil, progress = nil } end
    local ok_page, page = pcall(function() return ui:getCurrentPage() end)
    local ok_count, count = pcall(function() return ui.document:getPageCount() end)
    if not (ok_page and type(page) == "number") then return { location = nil, progress = nil } end
    local progress = nil
    if ok_count and type(count) == "number" and count > 0 then progress = page / count * 100 end
    return { location = tostring(page), progress = progress }
end

function BookLoreSync:startSession(doc_settings)
    local ui = self.ui
    if not (ui and ui.document and ui.document.file) then return end
    local position = self:currentPosition()
    local md5 = nil
    local settings = doc_settings or ui.doc_settings
    if settings and settings.readSetting then md5 = settings:readSetting("partial_md5_checksum") end
    guarded("starting a session", function()
        getApp():sessionStart({
            path = ui.document.file,
            title = ui.doc_props and ui.doc_props.display_title or nil,
            partialMd5 = md5,
            location = position.location,
            progress = position.progress,
        })
    end)
end

--- Ends the open session and queues it (if it counts); returns the core's outcome.
function BookLoreSync:endSession()
    local a = getApp()
    if not a:hasOpenSession() then return nil end
    local position = self:currentPosition()
    local ok, outcome = guarded("ending the session", function() return a:sessionEnd(position) end)
    if not ok then return nil end
    if outcome.queued then
        logger.info("BookLore Sync:", outcome.message)
    else
        logger.info("BookLore Sync: session not queued:", outcome.message)
    end
    return outcome
end

function BookLoreSync:onReaderReady(doc_settings)
    if self:originalActive() then return end
    self:startSession(doc_settings)
end

function BookLoreSync:onCloseDocument()
    if self:originalActive() then return end
    local outcome = self:endSession()
    if outcome and outcome.queued then self:automaticSync("session-end") end
end

function BookLoreSync:onSuspend()
    if self:originalActive() then return end
    -- Queued now; uploaded after the resume (the network is usually off while the device sleeps).
    self:endSession()
end

function BookLoreSync:onResume()
    if self:originalActive() then return end
    if self.ui and self.ui.document then self:startSession() end
    sync_owed = true
    UIManager:scheduleIn(RESUME_SYNC_DELAY_SECONDS, function() self:syncIfOwed("resume") end)
end

function BookLoreSync:onNetworkConnected()
    if self:originalActive() then return end
    self:syncIfOwed("network")
end

-- ── sync ─────────────────────────────────────────────────────────────────────────────────────

--- A sync nobody asked for: never prompts for Wi-Fi, says something only when the user must act.
function BookLoreSync:backgroundSync(trigger, announce)
    local a = getApp()
    if not a:triggerSyncs(trigger) then return end
    local ok, pending = guarded("counting the queue", function() return a:pendingCount() end)
    if not ok or pending == 0 then return end
    if not NetworkMgr:isOnline() then
        sync_owed = true
        return
    end
    local result = a:sync(trigger)
    self:scheduleCheck(result)
    if result.problem then
        notify(_("BookLore Sync: ") .. result.message, 5)
    elseif announce and result.report and result.report.uploaded > 0 then
        notify(_("BookLore Sync: ") .. result.message, 2)
    end
end

-- A later check is already scheduled (one is enough: each check schedules the next if needed).
local check_scheduled = false

--- An answer was lost: check the server again when the core says, without waiting for a press.
function BookLoreSync:scheduleCheck(result)
    local delay = result and result.nextCheckInSeconds
    if type(delay) ~= "number" or check_scheduled then return end
    check_scheduled = true
    UIManager:scheduleIn(math.max(delay, 1), function()
        check_scheduled = false
        self:backgroundSync("check", false)
    end)
end

--- After a session ended: queued already; uploaded right after the document has closed.
function BookLoreSync:automaticSync(trigger)
    UIManager:nextTick(function() self:backgroundSync(trigger, true) end)
end

function BookLoreSync:syncIfOwed(trigger)
    if not sync_owed then return end
    if not NetworkMgr:isOnline() then return end
    sync_owed = false
    self:backgroundSync(trigger, false)
end

--- Sync Now and the dispatcher action: ask for the network if needed, then report.
function BookLoreSync:syncNow(trigger)
    local a = getApp()
    NetworkMgr:runWhenOnline(function()
        local progress = InfoMessage:new{ text = _("BookLore Sync: syncing…") }
        UIManager:show(progress)
        UIManager:forceRePaint()
        local result = a:sync(trigger)
        self:scheduleCheck(result)
        UIManager:close(progress)
        notify(_("BookLore Sync: ") .. result.message, result.problem and 6 or 3)
    end)
end

function BookLoreSync:onSyncBooklorePending()
    if self:originalActive() then return end -- the original plugin answers this event
    self:syncNow("dispatcher")
    return true
end

-- ── Manage Sessions ──────────────────────────────────────────────────────────────────────────

function BookLoreSync:showDetails()
    local ok, details = guarded("reading the queue", function() return getApp():queueDetails(50) end)
    if not ok then return end
    local text
    if details.total == 0 then
        text = _("No sessions are waiting: everything recorded has reached BookLore.")
    else
        local summary = string.format(_("%d session(s) waiting: %d queued, %d awaiting a check on the server, %d parked (need attention), %d without a BookLore book yet."),
            details.total, details.queued, details.sending, details.parked, details.waitingForBook)
        text = summary .. "\n\n" .. table.concat(details.lines, "\n")
    end
    UIManager:show(TextViewer:new{ title = _("BookLore Sync: pending sessions"), text = text })
end

function BookLoreSync:showHistory()
    local ok, lines = guarded("reading the history", function() return getApp():historyLines(50) end)
    if not ok then return end
    local text = #lines == 0 and _("Nothing has been uploaded yet.") or table.concat(lines, "\n")
    UIManager:show(TextViewer:new{ title = _("BookLore Sync: uploaded sessions (newest first)"), text = text })
end

function BookLoreSync:confirmClearPending()
    local ok, count = guarded("counting the queue", function() return getApp():pendingCount() end)
    if not ok then return end
    if count == 0 then
        notify(_("BookLore Sync: no pending sessions to clear."), 2)
        return
    end
    UIManager:show(ConfirmBox:new{
        text = string.format(_("Permanently delete %d pending session(s)? They will not be uploaded to BookLore."), count),
        ok_text = _("Delete"),
        ok_callback = function()
            local done, removed = guarded("clearing the queue", function() return getApp():clearPending() end)
            if done then notify(string.format(_("BookLore Sync: %d pending session(s) deleted."), removed), 2) end
        end,
    })
end

--- Import reading history: KOReader's own statistics (statistics.sqlite3 in the settings folder)
--- become queued sessions, with the rules and the ledger of `booklore-sync import-koreader-stats`.
function BookLoreSync:importHistory()
    local ok, preview = guarded("reading KOReader's statistics", function() return getApp():importHistory(nil, true) end)
    if not ok then return end
    if not preview.ok or preview.report.queued == 0 then
        notify("BookLore Sync: " .. (preview.ok and _("no new reading to import.") or preview.message), 3)
        return
    end
    UIManager:show(ConfirmBox:new{
        text = string.format(_("Queue %d session(s) of past reading from KOReader's statistics for upload to BookLore?"), preview.report.queued),
        ok_text = _("Import"),
        ok_callback = function()
            local done, result = guarded("importing the reading history", function() return getApp():importHistory(nil, false) end)
            if done then notify("BookLore Sync: " .. result.message, 3) end
        end,
    })
end

function BookLoreSync:retryParked()
    local ok, count = guarded("retrying parked sessions", function() return getApp():retryParked() end)
    if ok then notify(string.format(_("BookLore Sync: %d parked session(s) back in the queue."), count), 2) end
end

-- ── settings ─────────────────────────────────────────────────────────────────────────────────

local function refresh(touchmenu_instance)
    if touchmenu_instance and touchmenu_instance.updateItems then touchmenu_instance:updateItems() end
end

--- Cancel and Save for an input dialog: Save reads the input with `read`, closes the dialog (so the
--- screen is free before a login may take a while), then hands the input to `save`. Enter saves
--- unless `enter_moves_on` (several fields: Enter goes to the next one).
local function cancelSave(dialog_of, read, save, enter_moves_on)
    return {{
        { text = _("Cancel"), id = "close", callback = function() UIManager:close(dialog_of()) end },
        { text = _("Save"), is_enter_default = not enter_moves_on, callback = function()
            local dialog = dialog_of()
            local input = read(dialog)
            UIManager:close(dialog)
            save(input)
        end },
    }}
end

local function inputText(dialog) return dialog:getInputText() end

local function showWithKeyboard(dialog)
    UIManager:show(dialog)
    dialog:onShowKeyboard()
end

function BookLoreSync:editServer(touchmenu_instance)
    local a = getApp()
    local dialog
    dialog = InputDialog:new{
        title = _("BookLore server address"),
        input = a:settings().server or "",
        input_hint = "https://booklore.example.com",
        buttons = cancelSave(function() return dialog end, inputText, function(text)
            local result = a:setServer(text)
            notify(_("BookLore Sync: ") .. result.message, 3)
            refresh(touchmenu_instance)
        end),
    }
    showWithKeyboard(dialog)
end

function BookLoreSync:editAccount(kind, touchmenu_instance)
    local a = getApp()
    local settings = a:settings()
    local username = kind == "booklore" and settings.username or settings.koreaderUsername
    local dialog
    dialog = MultiInputDialog:new{
        title = kind == "booklore" and _("BookLore account") or _("KOReader account (KOReader sync login in BookLore)"),
        fields = {
            { text = username or "", hint = _("username") },
            { text = "", hint = _("password"), text_type = "password" },
        },
        buttons = cancelSave(function() return dialog end, function(d) return d:getFields() end, function(fields)
            -- A BookLore account logs in at once (only its tokens are kept); offline, the
            -- password is kept until the first successful login.
            local ok, result = guarded("saving the account", function()
                if kind == "booklore" then
                    return a:setBookloreAccount(fields[1] or "", fields[2] or "")
                end
                return a:setKoreaderAccount(fields[1] or "", fields[2] or "")
            end)
            if ok then
                notify(_("BookLore Sync: ") .. result.message, result.ok and 3 or 6)
                refresh(touchmenu_instance)
            end
        end, true),
    }
    showWithKeyboard(dialog)
end

function BookLoreSync:editNumber(title, current, apply, touchmenu_instance)
    local dialog
    dialog = InputDialog:new{
        title = title,
        input = tostring(current),
        input_type = "number",
        buttons = cancelSave(function() return dialog end, inputText, function(text)
            local value = tonumber(text)
            if value and value >= 0 then
                apply(value)
                refresh(touchmenu_instance)
            end
        end),
    }
    showWithKeyboard(dialog)
end

function BookLoreSync:testConnection()
    NetworkMgr:runWhenOnline(function()
        local progress = InfoMessage:new{ text = _("BookLore Sync: testing the connection…") }
        UIManager:show(progress)
        UIManager:forceRePaint()
        local ok, report = guarded("testing the connection", function() return getApp():testConnection() end)
        UIManager:close(progress)
        if ok then
            UIManager:show(TextViewer:new{ title = _("BookLore Sync: Test Connection"), text = table.concat(report.lines, "\n") })
        end
    end)
end

function BookLoreSync:addToMainMenu(menu_items)
    local a = getApp()
    local function settings() return a:settings() end
    -- Not "booklore_sync": that key is the original plugin's menu entry.
    menu_items.booklore_sync_engine = {
        text = _("BookLore Sync"),
        sorting_hint = "tools",
        sub_item_table = {
            {
                text = _("Sync Now"),
                callback = function() self:syncNow("sync-now") end,
            },
            {
                text = _("Settings"),
                sub_item_table = {
                    {
                        text = _("Manage Sessions"),
                        sub_item_table = {
                            { text = _("View Details"), keep_menu_open = true, callback = function() self:showDetails() end },
                            { text = _("View History"), keep_menu_open = true, callback = function() self:showHistory() end },
                            { text = _("Retry Parked Sessions"), keep_menu_open = true, callback = function() self:retryParked() end },
                            { text = _("Clear Pending"), keep_menu_open = true, callback = function() self:confirmClearPending() end },
                            { text = _("Import Reading History"), keep_menu_open = true, callback = function() self:importHistory() end },
                        },
                    },
                    {
                        text_func = function()
                            return string.format(_("Server: %s"), settings().server or _("not set"))
                        end,
                        keep_menu_open = true,
                        callback = function(touchmenu_instance) self:editServer(touchmenu_instance) end,
                    },
                    {
                        text_func = function()
                            return string.format(_("BookLore account: %s"), settings().username or _("not set"))
                        end,
                        keep_menu_open = true,
                        callback = function(touchmenu_instance) self:editAccount("booklore", touchmenu_instance) end,
                    },
                    {
                        text_func = function()
                            return string.format(_("KOReader account: %s"), settings().koreaderUsername or _("not set"))
                        end,
                        keep_menu_open = true,
                        callback = function(touchmenu_instance) self:editAccount("koreader", touchmenu_instance) end,
                    },
                    {
                        text = _("Keep BookLore password on the device"),
                        help_text = _("Off: only the login token is kept; after 30 days without a sync the account must be entered again."),
                        checked_func = function() return settings().keepPassword end,
                        callback = function() a:setKeepPassword(not settings().keepPassword) end,
                    },
                    {
                        text = _("Manual Sync Only"),
                        help_text = _("Sessions are queued and uploaded only by Sync Now or the dispatcher action."),
                        checked_func = function() return settings().manualSyncOnly end,
                        callback = function() a:setManualSyncOnly(not settings().manualSyncOnly) end,
                    },
                    {
                        text = _("Session Detection"),
                        sub_item_table = {
                            {
                                text = _("Duration and a page turned"),
                                radio = true,
                                checked_func = function() return settings().detection.mode == "duration" end,
                                callback = function() a:setDetectionRules({ mode = "duration" }) end,
                            },
                            {
                                text = _("Pages read"),
                                radio = true,
                                checked_func = function() return settings().detection.mode == "pages" end,
                                callback = function() a:setDetectionRules({ mode = "pages" }) end,
                                separator = true,
                            },
                            {
                                text_func = function()
                                    return string.format(_("Minimum duration: %d s"), settings().detection.minDurationSeconds)
                                end,
                                keep_menu_open = true,
                                callback = function(touchmenu_instance)
                                    self:editNumber(_("Minimum session duration (seconds)"), settings().detection.minDurationSeconds,
                                        function(value) a:setDetectionRules({ minDurationSeconds = value }) end, touchmenu_instance)
                                end,
                            },
                            {
                                text_func = function()
                                    return string.format(_("Minimum pages: %d"), settings().detection.minPages)
                                end,
                                keep_menu_open = true,
                                callback = function(touchmenu_instance)
                                    self:editNumber(_("Minimum pages read"), settings().detection.minPages,
                                        function(value) a:setDetectionRules({ minPages = value }) end, touchmenu_instance)
                                end,
                            },
                        },
                    },
                    {
                        text = _("Test Connection"),
                        keep_menu_open = true,
                        callback = function() self:testConnection() end,
                    },
                },
            },
        },
    }
end

function BookLoreSync:onExit()
    -- KOReader is quitting: an open session ends like a close; the queue file is closed cleanly.
    if self:originalActive() then return end
    self:endSession()
    if app then
        app:close()
        app = nil
    end
end

return BookLoreSync
