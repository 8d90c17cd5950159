--[[--
BookLore Sync: the dialogs and views behind the menu and the dispatcher actions (Manage Sessions,
the settings that take input, Test Connection, the self-signed certificate choice).
--]]

local ConfirmBox = require("ui/widget/confirmbox")
local InfoMessage = require("ui/widget/infomessage")
local InputDialog = require("ui/widget/inputdialog")
local MultiInputDialog = require("ui/widget/multiinputdialog")
local NetworkMgr = require("ui/network/manager")
local TextViewer = require("ui/widget/textviewer")
local UIManager = require("ui/uimanager")
local _ = require("gettext")

local Common = require("booklore_sync_common")

local Dialogs = {}
local notify, guarded = Common.notify, Common.guarded

-- ── Manage Sessions ──────────────────────────────────────────────────────────────────────────

function Dialogs.showDetails()
    local ok, details = guarded(_("reading the queue"), function() return Common.getApp():queueDetails(50) end)
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

function Dialogs.showHistory()
    local ok, lines = guarded(_("reading the history"), function() return Common.getApp():historyLines(50) end)
    if not ok then return end
    local text = #lines == 0 and _("Nothing has been uploaded yet.") or table.concat(lines, "\n")
    UIManager:show(TextViewer:new{ title = _("BookLore Sync: uploaded sessions (newest first)"), text = text })
end

function Dialogs.confirmClearPending()
    local ok, count = guarded(_("counting the queue"), function() return Common.getApp():pendingCount() end)
    if not ok then return end
    if count == 0 then
        notify(_("BookLore Sync: no pending sessions to clear."), 2)
        return
    end
    UIManager:show(ConfirmBox:new{
        text = string.format(_("Permanently delete %d pending session(s)? They will not be uploaded to BookLore."), count),
        ok_text = _("Delete"),
        ok_callback = function()
            local done, removed = guarded(_("clearing the queue"), function() return Common.getApp():clearPending() end)
            if done then notify(string.format(_("BookLore Sync: %d pending session(s) deleted."), removed), 2) end
        end,
    })
end

--- Import Reading History: KOReader's own statistics (statistics.sqlite3 in the settings folder)
--- become queued sessions, with the rules and the ledger of `booklore-sync import-koreader-stats`.
function Dialogs.importHistory()
    local ok, preview = guarded(_("reading KOReader's statistics"), function() return Common.getApp():importHistory(nil, true) end)
    if not ok then return end
    if not preview.ok or preview.report.queued == 0 then
        notify("BookLore Sync: " .. (preview.ok and _("no new reading to import.") or preview.message), 3)
        return
    end
    UIManager:show(ConfirmBox:new{
        text = string.format(_("Queue %d session(s) of past reading from KOReader's statistics for upload to BookLore?"), preview.report.queued),
        ok_text = _("Import"),
        ok_callback = function()
            local done, result = guarded(_("importing the reading history"), function() return Common.getApp():importHistory(nil, false) end)
            if done then notify("BookLore Sync: " .. result.message, 3) end
        end,
    })
end

function Dialogs.retryParked()
    local ok, count = guarded(_("retrying parked sessions"), function() return Common.getApp():retryParked() end)
    if ok then notify(string.format(_("BookLore Sync: %d parked session(s) back in the queue."), count), 2) end
end

-- ── settings that take input ─────────────────────────────────────────────────────────────────

function Dialogs.refresh(touchmenu_instance)
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

function Dialogs.editServer(touchmenu_instance)
    local a = Common.getApp()
    local dialog
    dialog = InputDialog:new{
        title = _("BookLore server address"),
        input = a:settings().server or "",
        input_hint = "https://booklore.example.com",
        buttons = cancelSave(function() return dialog end, inputText, function(text)
            local ok, result = guarded(_("saving the server"), function() return a:setServer(text) end)
            if ok then notify(_("BookLore Sync: ") .. result.message, 3) end
            Dialogs.refresh(touchmenu_instance)
        end),
    }
    showWithKeyboard(dialog)
end

function Dialogs.editAccount(kind, touchmenu_instance)
    local a = Common.getApp()
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
            local ok, result = guarded(_("saving the account"), function()
                if kind == "booklore" then
                    return a:setBookloreAccount(fields[1] or "", fields[2] or "")
                end
                return a:setKoreaderAccount(fields[1] or "", fields[2] or "")
            end)
            if ok then
                notify(_("BookLore Sync: ") .. result.message, result.ok and 3 or 6)
                Dialogs.refresh(touchmenu_instance)
            end
        end, true),
    }
    showWithKeyboard(dialog)
end

function Dialogs.editNumber(title, current, apply, touchmenu_instance)
    local dialog
    dialog = InputDialog:new{
        title = title,
        input = tostring(current),
        input_type = "number",
        buttons = cancelSave(function() return dialog end, inputText, function(text)
            local value = tonumber(text)
            if value and value >= 0 then
                guarded(_("saving the setting"), apply, value)
                Dialogs.refresh(touchmenu_instance)
            end
        end),
    }
    showWithKeyboard(dialog)
end

--- Accepting any certificate is asked for, not slipped in: it removes the protection against
--- someone on the network posing as the server. Turning it off needs no question.
function Dialogs.toggleInsecureTls(touchmenu_instance)
    local a = Common.getApp()
    if a:settings().insecureTls then
        a:setInsecureTls(false)
        Dialogs.refresh(touchmenu_instance)
        return
    end
    UIManager:show(ConfirmBox:new{
        text = _("Accept any certificate from the BookLore server?\n\nOnly for your own server with a self-signed certificate: the connection stays encrypted, but is no longer protected against someone on the network posing as your server."),
        ok_text = _("Accept"),
        ok_callback = function()
            a:setInsecureTls(true)
            Dialogs.refresh(touchmenu_instance)
        end,
    })
end

-- ── Test Connection ──────────────────────────────────────────────────────────────────────────

--- Once connected (runWhenConnected: the server may be on a LAN without public DNS), asks the server.
function Dialogs.testConnection()
    NetworkMgr:runWhenConnected(Common.protect(_("testing the connection"), function()
        local progress = InfoMessage:new{ text = _("BookLore Sync: testing the connection…") }
        UIManager:show(progress)
        UIManager:forceRePaint()
        local ok, report = guarded(_("testing the connection"), function() return Common.getApp():testConnection() end)
        UIManager:close(progress)
        if ok then
            UIManager:show(TextViewer:new{ title = _("BookLore Sync: Test Connection"), text = table.concat(report.lines, "\n") })
        end
    end))
end

return Dialogs
