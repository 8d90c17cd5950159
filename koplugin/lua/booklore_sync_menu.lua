--[[--
BookLore Sync: Tools → BookLore Sync. Every callback is protected: an error in a menu callback
would otherwise take KOReader down.
--]]

local _ = require("gettext")

local Common = require("booklore_sync_common")
local Dialogs = require("booklore_sync_dialogs")
local Network = require("booklore_sync_network")

local Menu = {}

local function manageSessions()
    return {
        text = _("Manage Sessions"),
        sub_item_table = {
            { text = _("View Details"), keep_menu_open = true, callback = Common.protect(_("reading the queue"), Dialogs.showDetails) },
            { text = _("View History"), keep_menu_open = true, callback = Common.protect(_("reading the history"), Dialogs.showHistory) },
            { text = _("Retry Parked Sessions"), keep_menu_open = true, callback = Common.protect(_("retrying parked sessions"), Dialogs.retryParked) },
            { text = _("Clear Pending"), keep_menu_open = true, callback = Common.protect(_("clearing the queue"), Dialogs.confirmClearPending) },
            { text = _("Import Reading History"), keep_menu_open = true, callback = Common.protect(_("importing the reading history"), Dialogs.importHistory) },
        },
    }
end

local function sessionDetection(a, settings)
    local function number(label, title, current, apply)
        return {
            text_func = function() return string.format(label, current()) end,
            keep_menu_open = true,
            callback = Common.protect(_("changing the detection rules"), function(touchmenu_instance)
                Dialogs.editNumber(title, current(), apply, touchmenu_instance)
            end),
        }
    end
    local function mode(text, value, separator)
        return {
            text = text,
            radio = true,
            checked_func = function() return settings().detection.mode == value end,
            callback = Common.protect(_("changing the detection rules"), function() a:setDetectionRules({ mode = value }) end),
            separator = separator,
        }
    end
    return {
        text = _("Session Detection"),
        sub_item_table = {
            mode(_("Duration and a page turned"), "duration"),
            mode(_("Pages read"), "pages", true),
            number(_("Minimum duration: %d s"), _("Minimum session duration (seconds)"),
                function() return settings().detection.minDurationSeconds end,
                function(value) a:setDetectionRules({ minDurationSeconds = value }) end),
            number(_("Minimum pages: %d"), _("Minimum pages read"),
                function() return settings().detection.minPages end,
                function(value) a:setDetectionRules({ minPages = value }) end),
        },
    }
end

local function labelled(label, value, edit)
    return {
        text_func = function() return string.format(label, value() or _("not set")) end,
        keep_menu_open = true,
        callback = Common.protect(_("changing the settings"), edit),
    }
end

local function checkbox(text, help_text, checked, toggle)
    return {
        text = text,
        help_text = help_text,
        checked_func = checked,
        callback = Common.protect(_("changing the settings"), toggle),
    }
end

--- The menu table; `plugin` is the instance (Sync Now and Enable Sync need its document).
function Menu.build(plugin)
    local a = Common.getApp()
    local function settings() return a:settings() end
    return {
        text = _("BookLore Sync"),
        sorting_hint = "tools",
        sub_item_table = {
            { text = _("Sync Now"), callback = Common.protect(_("Sync Now"), function() Network.syncNow("sync-now") end) },
            {
                text = _("Settings"),
                sub_item_table = {
                    manageSessions(),
                    labelled(_("Server: %s"), function() return settings().server end, Dialogs.editServer),
                    labelled(_("BookLore account: %s"), function() return settings().username end,
                        function(touchmenu_instance) Dialogs.editAccount("booklore", touchmenu_instance) end),
                    labelled(_("KOReader account: %s"), function() return settings().koreaderUsername end,
                        function(touchmenu_instance) Dialogs.editAccount("koreader", touchmenu_instance) end),
                    checkbox(_("Keep BookLore password on the device"),
                        _("Off: only the login token is kept; after 30 days without a sync the account must be entered again."),
                        function() return settings().keepPassword end,
                        function() a:setKeepPassword(not settings().keepPassword) end),
                    checkbox(_("Enable Sync"), _("Off: nothing is recorded or uploaded."),
                        function() return settings().syncEnabled end,
                        function() plugin:toggleSync() end),
                    checkbox(_("Manual Sync Only"), _("Sessions are queued and uploaded only by Sync Now or the dispatcher action."),
                        function() return settings().manualSyncOnly end,
                        function() a:setManualSyncOnly(not settings().manualSyncOnly) end),
                    sessionDetection(a, settings),
                    checkbox(_("Accept self-signed certificate"),
                        _("For your own server with a self-signed certificate: any certificate is accepted, so the connection is not protected against someone posing as the server."),
                        function() return settings().insecureTls end,
                        Dialogs.toggleInsecureTls),
                    { text = _("Test Connection"), keep_menu_open = true, callback = Common.protect(_("testing the connection"), Dialogs.testConnection) },
                },
            },
        },
    }
end

return Menu
