-- The KOReader glue (main.lua) against stand-ins for the KOReader modules it calls, with the real
-- compiled core underneath and the bundled server (started by test/koplugin-glue.test.ts):
--
--   luajit koplugin/test/glue.lua PLUGIN_DIR SETTINGS_DIR SERVER_URL BOOK_FILE
--
-- Loads the plugin the way KOReader's PluginLoader does, records every module it requires, and
-- drives it through document events, the menu and the dispatcher action. Prints one JSON array of
-- {name, ok, error}; the node test fails on any failed check.
local plugin_dir, settings_dir, server_url, book_file = arg[1], arg[2], arg[3], arg[4]
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*)/[^/]*$") or "."
local H = dofile(here .. "/harness.lua")(plugin_dir, settings_dir, server_url, book_file)

local PRIDE_HASH = "f0a672838b6f07f2e74b8bd01aec4434"
local BOOKLORE_PASSWORD = "Glue-Pass-7"
local KOREADER_PASSWORD = "Kor-Pass-9"

local state, UIManager, Dispatcher, real_require = H.state, H.UIManager, H.Dispatcher, H.require
local check, eq, event, read, advance, admin = H.check, H.eq, H.event, H.read, H.advance, H.admin
local serverSessions, menuItem, rootMenu, textOf = H.serverSessions, H.menuItem, H.rootMenu, H.textOf
local settingsFile, pendingCount = H.settingsFile, H.pendingCount

-- KOReader starts with the book open (no stored checksum: the plugin fingerprints the file itself).
H.launch("reader")
UIManager:runScheduled()
local ui, plugin = H.ui, H.plugin

-- ── checks ───────────────────────────────────────────────────────────────────────────────────

check("loading registers the dispatcher action SyncBooklorePending and the Tools menu", function()
    local action = state.actions.booklore_sync_pending
    assert(action, "dispatcher action registered")
    eq(action.event, "SyncBooklorePending", "event")
    eq(action.general, true, "general action")
    eq(ui.registered_menu, plugin, "menu registered")
    local root = rootMenu()
    eq(root.text, "BookLore Sync", "menu text")
    eq(root.sorting_hint, "tools", "under Tools")
    for _, path in ipairs({ { "Sync Now" }, { "Settings", "Manage Sessions", "View Details" }, { "Settings", "Manage Sessions", "Clear Pending" },
        { "Settings", "Server" }, { "Settings", "BookLore account" }, { "Settings", "KOReader account" }, { "Settings", "Manual Sync Only" },
        { "Settings", "Session Detection", "Minimum duration" }, { "Settings", "Test Connection" } }) do
        menuItem(unpack(path))
    end
end)

check("Settings: server and accounts through the menu; the BookLore login keeps tokens, not the password", function()
    menuItem("Settings", "Server").callback()
    local dialog = state.lastShown("InputDialog")
    assert(dialog, "server dialog shown")
    dialog:setInputText(server_url .. "/")
    dialog:press("Save")
    eq(plugin:originalActive(), false)
    assert(textOf(menuItem("Settings", "Server")):find(server_url, 1, true), "server shown in the menu")

    menuItem("Settings", "BookLore account").callback()
    local account = state.lastShown("MultiInputDialog")
    account.fields[1].text = "reader"
    account.fields[2].text = BOOKLORE_PASSWORD
    account:press("Save")
    local message = state.lastShown("InfoMessage").text
    assert(message:find("logged in to BookLore as reader", 1, true), message)

    menuItem("Settings", "KOReader account").callback()
    local koreader = state.lastShown("MultiInputDialog")
    koreader.fields[1].text = "reader"
    koreader.fields[2].text = KOREADER_PASSWORD
    koreader:press("Save")

    local saved = settingsFile()
    assert(saved:find("booklore_refresh_token", 1, true), "refresh token kept")
    assert(not saved:find(BOOKLORE_PASSWORD, 1, true), "the BookLore password is not kept")
    assert(not saved:find(KOREADER_PASSWORD, 1, true), "the KOReader password is not kept")
    local md5 = real_require("md5").sumhexa(KOREADER_PASSWORD)
    assert(saved:find(md5, 1, true), "the KOReader key (MD5) is kept")
end)

check("Test Connection reports the server, both logins and what the server can do", function()
    menuItem("Settings", "Test Connection").callback()
    local viewer = state.lastShown("TextViewer")
    assert(viewer, "report shown")
    for _, expected in ipairs({ "reachable, BookLore", "KOReader login:   ok", "BookLore login:   ok", "batch upload:     yes", "hash lookup:      yes" }) do
        assert(viewer.text:find(expected, 1, true), expected .. " in:\n" .. viewer.text)
    end
end)

check("a document read for 10 minutes: a session on close, queued, then uploaded (book found by the file's fingerprint)", function()
    local before = serverSessions()
    read(10, 30, 600)
    eq(pendingCount(), 1, "queued before any network request")
    eq(serverSessions(), before, "nothing sent yet: the sync runs after the close")
    UIManager:runScheduled()
    eq(serverSessions(), before + 1, "uploaded")
    eq(pendingCount(), 0)
    local sessions = admin("/__admin/sessions")
    local last = sessions[#sessions]
    eq(last.bookId, 1, "resolved to Pride and Prejudice by hash")
    eq(last.durationSeconds, 600, "duration")
    eq(last.startLocation, "10")
    eq(last.endLocation, "30")
end)

check("a session that misses the detection rules (10 s) is not queued", function()
    read(30, 31, 10)
    UIManager:runScheduled()
    eq(pendingCount(), 0)
    local logged = table.concat(state.logs, "\n")
    assert(logged:find("session lasted 10 s", 1, true), logged)
end)

check("suspend ends the session (queued, not sent); resume starts a new one and syncs silently", function()
    local before = serverSessions()
    ui.page = 40
    event("ReaderReady", ui.doc_settings)
    advance(120)
    ui.page = 44
    event("Suspend")
    eq(pendingCount(), 1, "queued on suspend")
    UIManager:runScheduled()
    eq(serverSessions(), before, "not uploaded while suspending")
    advance(3600)
    event("Resume")
    UIManager:runScheduled()
    eq(serverSessions(), before + 1, "uploaded after the resume")
    eq(#state.shown, 0, "silently")
    advance(60)
    ui.page = 50
    event("CloseDocument") -- the session the resume started
    eq(pendingCount(), 1, "resume started a new session")
    UIManager:runScheduled()
    eq(serverSessions(), before + 2)
end)

check("offline: the session is queued and uploaded when the network comes back", function()
    local before = serverSessions()
    state.network("off")
    read(50, 60, 300)
    UIManager:runScheduled()
    eq(pendingCount(), 1)
    eq(state.wifi_prompts, 0, "an automatic sync never asks for Wi-Fi")
    state.network("online")
    event("NetworkConnected")
    eq(serverSessions(), before + 1)
    eq(pendingCount(), 0)
end)

check("Manual Sync Only: sessions stay queued until Sync Now", function()
    local before = serverSessions()
    menuItem("Settings", "Manual Sync Only").callback()
    eq(menuItem("Settings", "Manual Sync Only").checked_func(), true, "checked")
    read(60, 70, 300)
    UIManager:runScheduled()
    event("Resume")
    UIManager:runScheduled()
    event("CloseDocument")
    eq(serverSessions(), before, "no automatic upload")
    eq(pendingCount(), 1)
    menuItem("Sync Now").callback()
    eq(serverSessions(), before + 1, "Sync Now uploads")
    assert(state.lastShown("InfoMessage").text:find("1 uploaded", 1, true), state.lastShown("InfoMessage").text)
    menuItem("Settings", "Manual Sync Only").callback()
    eq(menuItem("Settings", "Manual Sync Only").checked_func(), false, "unchecked")
end)

check("the dispatcher action SyncBooklorePending runs Sync Now (asking for Wi-Fi when offline)", function()
    local before = serverSessions()
    state.network("off")
    read(70, 80, 300)
    UIManager:runScheduled()
    eq(pendingCount(), 1)
    eq(Dispatcher:execute("booklore_sync_pending"), true, "the event is handled")
    eq(state.wifi_prompts, 1, "asked for the network")
    eq(serverSessions(), before)
    state.network("online")
    eq(Dispatcher:execute("booklore_sync_pending"), true)
    eq(serverSessions(), before + 1)
    assert(state.lastShown("InfoMessage").text:find("1 uploaded", 1, true))
end)

check("Manage Sessions: View History lists what reached BookLore, newest first", function()
    menuItem("Settings", "Manage Sessions", "View History").callback()
    local viewer = state.lastShown("TextViewer")
    assert(viewer, "history shown")
    local first = viewer.text:match("^[^\n]*")
    assert(first:find("Pride and Prejudice", 1, true) and first:find("5m 0s", 1, true), viewer.text)
end)

check("Manage Sessions: View Details lists the queue; Clear Pending asks, naming the count, then deletes", function()
    state.network("off")
    read(80, 90, 300)
    read(90, 99, 400)
    UIManager:runScheduled()
    eq(pendingCount(), 2)
    menuItem("Settings", "Manage Sessions", "View Details").callback()
    local viewer = state.lastShown("TextViewer")
    assert(viewer.text:find("2 session(s) waiting", 1, true), viewer.text)
    assert(viewer.text:find("Pride and Prejudice", 1, true), viewer.text)
    assert(viewer.text:find("5m 0s", 1, true) and viewer.text:find("6m 40s", 1, true), viewer.text)

    menuItem("Settings", "Manage Sessions", "Clear Pending").callback()
    local confirm = state.lastShown("ConfirmBox")
    assert(confirm, "a confirmation first")
    assert(confirm.text:find("Permanently delete 2 pending session(s)", 1, true), confirm.text)
    eq(pendingCount(), 2, "nothing deleted before OK")
    confirm.ok_callback()
    eq(pendingCount(), 0)
    assert(state.lastShown("InfoMessage").text:find("2 pending session(s) deleted", 1, true))
    state.network("online")
end)

check("Session Detection: pages mode and its minimum through the menu", function()
    menuItem("Settings", "Session Detection", "Pages read").callback()
    menuItem("Settings", "Session Detection", "Minimum pages").callback()
    local dialog = state.lastShown("InputDialog")
    dialog:setInputText("3")
    dialog:press("Save")
    assert(textOf(menuItem("Settings", "Session Detection", "Minimum pages")):find("3", 1, true))
    state.network("off")
    read(100, 102, 5) -- two pages: too few
    eq(pendingCount(), 0)
    read(102, 106, 5) -- four pages in 5 s: enough in pages mode
    eq(pendingCount(), 1)
    menuItem("Settings", "Session Detection", "Duration and a page turned").callback()
    menuItem("Settings", "Manage Sessions", "Clear Pending").callback()
    state.lastShown("ConfirmBox").ok_callback()
    state.network("online")
end)

check("Minimum duration, Keep password and Retry Parked Sessions reach the core", function()
    menuItem("Settings", "Session Detection", "Minimum duration").callback()
    local dialog = state.lastShown("InputDialog")
    eq(dialog.input, "30", "the current minimum")
    dialog:setInputText("120")
    dialog:press("Save")
    assert(textOf(menuItem("Settings", "Session Detection", "Minimum duration")):find("120 s", 1, true))
    state.network("off")
    read(106, 108, 90) -- 90 s: too short now
    eq(pendingCount(), 0)
    menuItem("Settings", "Session Detection", "Minimum duration").callback()
    dialog = state.lastShown("InputDialog")
    dialog:setInputText("30")
    dialog:press("Save")
    state.network("online")

    local keep = menuItem("Settings", "Keep BookLore password")
    eq(keep.checked_func(), false, "off by default")
    keep.callback()
    eq(menuItem("Settings", "Keep BookLore password").checked_func(), true)
    menuItem("Settings", "Keep BookLore password").callback()
    eq(menuItem("Settings", "Keep BookLore password").checked_func(), false)

    menuItem("Settings", "Manage Sessions", "Retry Parked Sessions").callback()
    assert(state.lastShown("InfoMessage").text:find("0 parked session(s) back in the queue", 1, true), state.lastShown("InfoMessage").text)
end)

--- Runs the first scheduled action only; returns the delay it was scheduled with.
local function runNextScheduled()
    local task = table.remove(state.scheduled, 1)
    assert(task, "something is scheduled")
    task.action()
    return task.seconds
end

check("a lost answer: the glue schedules the check itself; found at once, or re-sent once after the grace", function()
    local function fault(rule)
        admin("/__admin/faults", "POST", '{"rules":["' .. rule .. ',path=/api/v1/reading-sessions,method=POST,count=1"]}')
    end
    -- Stored, then the connection dropped: the scheduled check finds it, nothing is re-sent.
    local before = serverSessions()
    fault("drop-after-commit")
    read(80, 90, 300)
    runNextScheduled() -- the session-end sync
    eq(serverSessions(), before + 1, "stored by the server")
    eq(pendingCount(), 1, "its answer was lost")
    eq(#state.scheduled, 1, "a check is scheduled")
    eq(state.scheduled[1].seconds, 1, "at once")
    runNextScheduled()
    eq(pendingCount(), 0, "found on the server and settled")
    eq(serverSessions(), before + 1, "not re-sent")
    eq(#state.scheduled, 0, "nothing more to check")
    -- Dropped before the server stored it: checked at once, re-sent only after the grace.
    fault("drop-before-commit")
    read(90, 100, 300)
    runNextScheduled()
    eq(pendingCount(), 1)
    eq(state.scheduled[1].seconds, 1)
    runNextScheduled()
    eq(serverSessions(), before + 1, "not found, and not re-sent before the grace")
    eq(#state.scheduled, 1, "checked again later")
    local wait = state.scheduled[1].seconds
    assert(wait > 1, "after the grace, not at once: " .. tostring(wait))
    advance(wait)
    runNextScheduled()
    eq(serverSessions(), before + 2, "re-sent once")
    eq(pendingCount(), 0)
    eq(#state.scheduled, 0)
    admin("/__admin/faults", "DELETE")
end)

check("with the original BookLore Sync plugin active too, this one stays passive", function()
    ui.bookloresync = {}
    read(110, 130, 600)
    UIManager:runScheduled()
    eq(pendingCount(), 0, "no second copy of the session")
    eq(Dispatcher:execute("booklore_sync_pending"), false, "the original plugin answers the action")
    ui.bookloresync = nil
end)

check("secrets never reach the log", function()
    local chunk = assert(loadfile(settings_dir .. "/booklore-sync-plugin.lua"))
    local saved = chunk()
    local secrets = { BOOKLORE_PASSWORD, KOREADER_PASSWORD, saved.koreader_key, saved.booklore_refresh_token, saved.booklore_access_token }
    assert(saved.booklore_refresh_token and saved.koreader_key, "secrets to look for")
    local logged = table.concat(state.all_logs, "\n")
    assert(#state.all_logs > 5, "the plugin logs what it does")
    for _, secret in ipairs(secrets) do
        assert(not logged:find(secret, 1, true), "a secret in the log")
    end
end)

check("Import Reading History: KOReader's statistics become queued sessions once, after a confirmation naming the count", function()
    state.online = false
    local before = pendingCount()
    menuItem("Settings", "Manage Sessions", "Import Reading History").callback()
    local confirm = state.lastShown("ConfirmBox")
    assert(confirm, "a confirmation first")
    assert(confirm.text:find("Queue 2 session(s) of past reading", 1, true), confirm.text)
    eq(pendingCount(), before, "nothing queued before OK")
    confirm.ok_callback()
    eq(pendingCount(), before + 2)
    assert(state.lastShown("InfoMessage").text:find("queued 2 session(s) from 1 book(s)", 1, true), state.lastShown("InfoMessage").text)
    menuItem("Settings", "Manage Sessions", "Import Reading History").callback()
    assert(state.lastShown("InfoMessage").text:find("no new reading to import", 1, true), state.lastShown("InfoMessage").text)
    eq(pendingCount(), before + 2, "imported once")
    menuItem("Settings", "Manage Sessions", "Clear Pending").callback()
    state.lastShown("ConfirmBox").ok_callback()
    state.online = true
end)

check("every module the plugin requires is a KOReader module, a library KOReader ships, or its own bundle", function()
    -- KOReader modules as named in koreader/koreader (frontend/…, datastorage.lua) and koreader-base
    -- (ffi/sha2, lua-ljsqlite3/init, LuaSocket, LuaSec, rapidjson): checked against their source trees.
    local known = {
        ["ui/widget/confirmbox"] = true, ["datastorage"] = true, ["device"] = true, ["dispatcher"] = true,
        ["ui/widget/infomessage"] = true, ["ui/widget/inputdialog"] = true, ["luasettings"] = true,
        ["ui/widget/multiinputdialog"] = true, ["ui/network/manager"] = true, ["ui/widget/textviewer"] = true,
        ["ui/uimanager"] = true, ["ui/widget/container/widgetcontainer"] = true, ["logger"] = true, ["gettext"] = true,
        ["booklore_sync_core"] = true,
        -- the plugin's own Lua files, shipped in its folder (checked below)
        ["booklore_sync_common"] = true, ["booklore_sync_sessions"] = true, ["booklore_sync_network"] = true,
        ["booklore_sync_actions"] = true, ["booklore_sync_menu"] = true, ["booklore_sync_dialogs"] = true,
        ["lua-ljsqlite3/init"] = true, ["ffi/sha2"] = true, ["rapidjson"] = true, ["ffi"] = true,
        ["socket"] = true, ["socket.http"] = true, ["ltn12"] = true, ["ssl"] = true,
    }
    local unexpected = {}
    for _, name in ipairs(H.required) do
        if not known[name] then unexpected[#unexpected + 1] = name end
        if name:sub(1, 14) == "booklore_sync_" then
            local f = io.open(plugin_dir .. "/" .. name .. ".lua", "r")
            assert(f, name .. ".lua is not in the plugin folder")
            f:close()
        end
    end
    eq(#unexpected, 0, "unexpected modules: " .. table.concat(unexpected, ", "))
    for _, name in ipairs({ "booklore_sync_core", "lua-ljsqlite3/init", "socket.http", "rapidjson", "ffi/sha2", "ui/uimanager", "dispatcher", "booklore_sync_network", "booklore_sync_menu" }) do
        assert(H.seen[name], name .. " was required")
    end
end)

H.finish()
