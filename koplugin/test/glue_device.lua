-- The plugin on a device as KOReader really behaves (issue 14), against stand-ins that follow
-- KOReader's source in these respects (koplugin/test/standins): NetworkMgr:isOnline() is a DNS
-- lookup of dns.msftncsi.com and false on a LAN without public DNS while isConnected() is true;
-- runWhenOnline drops its callback when connected but not online; after "Turn on Wi-Fi?"
-- NetworkConnected is broadcast before the callback runs; PluginLoader runs every on* handler in
-- pcall and only logs; lua-ljsqlite3's errors carry file:line and a traceback; launch events come
-- in KOReader's order. Driven by test/koplugin-glue.test.ts like glue.lua:
--
--   luajit koplugin/test/glue_device.lua PLUGIN_DIR SETTINGS_DIR SERVER_URL BOOK_FILE
local plugin_dir, settings_dir, server_url, book_file = arg[1], arg[2], arg[3], arg[4]
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*)/[^/]*$") or "."
local H = dofile(here .. "/harness.lua")(plugin_dir, settings_dir, server_url, book_file)

local state, UIManager, Dispatcher, NetworkMgr = H.state, H.UIManager, H.Dispatcher, H.NetworkMgr
local check, eq, event, read, admin = H.check, H.eq, H.event, H.read, H.admin
local serverSessions, menuItem, pendingCount, lastMessage = H.serverSessions, H.menuItem, H.pendingCount, H.lastMessage
local cjson = H.require("cjson")
local SQ3 = H.require("lua-ljsqlite3/init")
local DB = settings_dir .. "/booklore-sync.sqlite"

-- A configured plugin (as after Settings → Server and BookLore account).
local f = assert(io.open(settings_dir .. "/booklore-sync-plugin.lua", "wb"))
f:write(string.format("return { server_url = %q, booklore_username = \"reader\", booklore_password = \"Glue-Pass-7\", timeout_seconds = 5 }\n", server_url))
f:close()

local function has(text, part) return text:find(part, 1, true) ~= nil end
local function assertHas(text, part) assert(has(text, part), string.format("%q not in:\n%s", part, text)) end
local function requests() return admin("/__admin/requests") end
local function requestsSince(n)
    local out = {}
    for i, r in ipairs(requests()) do if i > n then out[#out + 1] = r.method .. " " .. r.path end end
    return out
end
local function messagesWith(part)
    local n = 0
    for _, w in ipairs(state.shown) do if w.kind == "InfoMessage" and has(w.text or "", part) then n = n + 1 end end
    return n
end

H.launch("reader")
UIManager:runScheduled()

-- ── A: can we sync? The server answers, not a DNS lookup ────────────────────────────────────

check("A: the stand-in NetworkMgr is KOReader's: on a LAN without public DNS isOnline is false, isConnected true, runWhenOnline drops the callback", function()
    state.network("lan")
    eq(NetworkMgr:isConnected(), true, "isConnected")
    eq(NetworkMgr:isOnline(), false, "isOnline")
    local ran = false
    NetworkMgr:runWhenOnline(function() ran = true end)
    UIManager:runScheduled()
    eq(ran, false, "runWhenOnline ran its callback while connected but not online")
    eq(state.wifi_prompts, 1, "and asked to turn on Wi-Fi while it is on")
    NetworkMgr:runWhenConnected(function() ran = true end)
    eq(ran, true, "runWhenConnected runs it")
end)

check("A: on a LAN without public DNS a closed book's session is uploaded at once, with no DNS lookup and no Wi-Fi prompt", function()
    state.network("lan")
    local before = serverSessions()
    read(10, 30, 600)
    UIManager:runScheduled()
    eq(serverSessions(), before + 1, "uploaded")
    eq(pendingCount(), 0)
    eq(state.dns_lookups, 0, "isOnline (a DNS lookup of dns.msftncsi.com) was called")
    eq(state.wifi_prompts, 0, "Wi-Fi prompt")
end)

check("A: on a LAN without public DNS, Sync Now, the dispatcher action and Test Connection run (runWhenOnline would drop them)", function()
    state.network("lan")
    menuItem("Settings", "Manual Sync Only").callback()
    read(30, 40, 300)
    UIManager:runScheduled()
    eq(pendingCount(), 1, "queued (Manual Sync Only)")
    local before = serverSessions()
    menuItem("Sync Now").callback()
    eq(serverSessions(), before + 1, "Sync Now uploaded")
    assertHas(lastMessage(), "1 uploaded")
    read(40, 50, 300)
    eq(Dispatcher:execute("booklore_sync_pending"), true)
    eq(serverSessions(), before + 2, "the dispatcher action uploaded")
    menuItem("Settings", "Test Connection").callback()
    assertHas(state.lastShown("TextViewer").text, "reachable, BookLore")
    eq(state.wifi_prompts, 0, "no Wi-Fi prompt while Wi-Fi is on")
    eq(state.dns_lookups, 0, "no DNS lookup")
    menuItem("Settings", "Manual Sync Only").callback()
end)

check("A: connected but the server does not answer (a captive portal): one healthcheck, nothing sent, nothing shown; synced when the network comes back", function()
    admin("/__admin/faults", "POST", cjson.encode({ rules = { "html" } }))
    local seen = #requests()
    local before = serverSessions()
    read(50, 60, 300)
    UIManager:runScheduled()
    local asked = requestsSince(seen)
    eq(#asked, 1, "requests: " .. table.concat(asked, ", "))
    eq(asked[1], "GET /api/v1/healthcheck")
    eq(pendingCount(), 1, "stays queued")
    eq(#state.shown, 0, "silent")
    admin("/__admin/faults", "DELETE")
    event("NetworkConnected")
    eq(serverSessions(), before + 1, "uploaded once the server answers")
end)

check("A: Wi-Fi off: an automatic sync asks nothing and sends nothing; the session goes when Wi-Fi comes back", function()
    state.network("off")
    local seen = #requests()
    read(60, 70, 300)
    UIManager:runScheduled()
    eq(#requestsSince(seen), 0, "no request without a connection")
    eq(state.wifi_prompts, 0)
    state.network("lan")
    event("NetworkConnected")
    eq(pendingCount(), 0)
end)

-- ── B: Sync Now after "Turn on Wi-Fi?" ───────────────────────────────────────────────────────

check("B: Sync Now with Wi-Fi off: after 'Turn on', NetworkConnected comes first, and Sync Now reports what its press achieved", function()
    state.network("off")
    read(70, 80, 300)
    UIManager:runScheduled()
    eq(pendingCount(), 1)
    local before = serverSessions()
    menuItem("Sync Now").callback()
    local prompt = state.lastShown("ConfirmBox")
    assert(prompt and prompt.text == "Do you want to turn on Wi-Fi?", "asked to turn on Wi-Fi")
    local order = {}
    local recorder = H.require("ui/widget/container/widgetcontainer"):new{}
    function recorder:onNetworkConnected() order[#order + 1] = "NetworkConnected (" .. serverSessions() - before .. " uploaded so far)" end
    table.insert(state.widgets, recorder) -- on top: it sees the broadcast before the reader does
    prompt.ok_callback()
    UIManager:runScheduled()
    table.remove(state.widgets)
    eq(order[1], "NetworkConnected (0 uploaded so far)", "KOReader's order")
    eq(serverSessions(), before + 1, "uploaded once")
    assertHas(lastMessage(), "1 uploaded")
    eq(messagesWith("uploaded"), 1, "one report")
end)

check("B: Sync Now while another connection attempt is under way (KOReader drops the callback): reported once the network is up", function()
    state.network("off")
    state.net.connect_seconds = 2
    read(80, 90, 300)
    UIManager:runScheduled()
    NetworkMgr:toggleWifiOn() -- the user turned Wi-Fi on from KOReader's menu a moment ago
    local before = serverSessions()
    menuItem("Sync Now").callback()
    eq(state.wifi_prompts, 0, "KOReader shows no prompt while connecting: the callback is forfeit")
    UIManager:runScheduled()
    eq(serverSessions(), before + 1, "uploaded")
    assertHas(lastMessage(), "1 uploaded")
end)

check("B: Sync Now with Wi-Fi set to turn on by itself", function()
    state.network("off")
    state.net.wifi_enable_action = "turn_on"
    read(90, 100, 300)
    UIManager:runScheduled()
    local before = serverSessions()
    eq(Dispatcher:execute("booklore_sync_pending"), true)
    UIManager:runScheduled()
    eq(serverSessions(), before + 1)
    assertHas(lastMessage(), "1 uploaded")
end)

-- ── C: errors in a sentence ──────────────────────────────────────────────────────────────────

check("C: the stand-in binding's errors are KOReader's: file:line, ljsqlite3[code], a stack traceback", function()
    local conn = SQ3.open(":memory:")
    local ok, err = pcall(function() conn:exec("SELECT nope FROM nowhere") end)
    conn:close()
    eq(ok, false)
    assert(err:match("^[^\n]-init%.lua:%d+: ljsqlite3%[error%] no such table: nowhere\nstack traceback:"), err)
end)

--- The queue file replaced for one check, then put back.
local function withQueueFile(prepare, fn)
    H.plugin:onExit()
    os.rename(DB, DB .. ".keep")
    os.remove(DB .. "-wal")
    os.remove(DB .. "-shm")
    prepare()
    local ok, err = pcall(fn)
    H.plugin:onExit()
    os.remove(DB)
    os.remove(DB .. "-wal")
    os.remove(DB .. "-shm")
    os.rename(DB .. ".keep", DB)
    if not ok then error(err, 0) end
end

local function copyKept()
    local src = assert(io.open(DB .. ".keep", "rb"))
    local dst = assert(io.open(DB, "wb"))
    dst:write(src:read("*a"))
    src:close()
    dst:close()
end

check("C: an unmapped SQLite error reaches View Details and Sync Now as one short sentence; the log has the traceback", function()
    withQueueFile(function()
        copyKept()
        local conn = SQ3.open(DB)
        conn:exec("ALTER TABLE pending_sessions RENAME TO pending_sessions_moved; CREATE TABLE pending_sessions (id INTEGER PRIMARY KEY)")
        conn:close()
    end, function()
        menuItem("Settings", "Manage Sessions", "View Details").callback()
        local shown = lastMessage()
        assertHas(shown, "does not have the tables it should (no such column")
        assert(#shown < 240, "too long (" .. #shown .. "): " .. shown)
        assert(not has(shown, "stack traceback") and not shown:find("%.lua:%d+"), shown)
        menuItem("Sync Now").callback()
        local synced = lastMessage()
        assert(#synced < 240 and not has(synced, "traceback") and not synced:find("%.lua:%d+"), synced)
        local logged = table.concat(state.logs, "\n")
        assertHas(logged, "stack traceback:")
        assert(logged:find("init%.lua:%d+: ljsqlite3%[error%]"), "the binding's error in the log")
    end)
end)

-- ── D: handlers run in KOReader's pcall sandbox ──────────────────────────────────────────────

check("D: the stand-in PluginLoader is KOReader's: a failing on* handler is logged, returns false, shows nothing", function()
    local dir = settings_dir .. "/failing.koplugin"
    os.execute("mkdir -p '" .. dir .. "'")
    local main = assert(io.open(dir .. "/main.lua", "wb"))
    main:write('local W = require("ui/widget/container/widgetcontainer")\nlocal P = W:extend{ name = "failing" }\nfunction P:onBoom() error("boom") end\nreturn P\n')
    main:close()
    local meta = assert(io.open(dir .. "/_meta.lua", "wb"))
    meta:write("return { fullname = 'failing' }\n")
    meta:close()
    local Failing = H.require("pluginloader"):loadPlugin(dir, "failing")
    local instance = Failing:new{}
    eq(instance:handleEvent(H.require("ui/event"):new("Boom")), false, "the sandbox's answer")
    eq(#state.shown, 0, "nothing shown")
    assertHas(table.concat(state.logs, "\n"), "An error occurred while executing handler failing:onBoom")
end)

check("D: a handler that fails (a damaged queue file) shows one short sentence, however often it fails; details in the log", function()
    withQueueFile(function()
        local garbage = assert(io.open(DB, "wb"))
        garbage:write(string.rep("not a database ", 100))
        garbage:close()
    end, function()
        event("Resume") -- owes a sync, and schedules one
        event("NetworkConnected")
        UIManager:runScheduled()
        event("NetworkConnected")
        eq(messagesWith("is damaged or is not a SQLite database"), 1, "one message")
        assert(#lastMessage() < 240, lastMessage())
        local logged = table.concat(state.logs, "\n")
        assertHas(logged, "syncing failed")
        assert(not has(logged, "An error occurred while executing handler"), "our own wrapper reports it, not KOReader's sandbox")
    end)
end)

-- ── E: sync at start-up ──────────────────────────────────────────────────────────────────────

--- Sessions queued while offline, then KOReader restarts.
local function queueOffline(count)
    state.network("off")
    H.launch("reader")
    UIManager:runScheduled()
    for i = 1, count do read(100 + i, 102 + i, 300) end
    UIManager:runScheduled()
    eq(pendingCount(), count, "queued before the restart")
end

check("E: KOReader starts in the file manager while connected: its launch NetworkConnected syncs the queue", function()
    queueOffline(2)
    state.network("online")
    local before = serverSessions()
    H.launch("filemanager")
    UIManager:runScheduled(0) -- the first tick: KOReader's launch NetworkConnected
    eq(serverSessions(), before + 2, "synced on NetworkConnected")
    UIManager:runScheduled()
    eq(#state.shown, 0, "silently")
end)

check("E: KOReader starts with a book open (its launch NetworkConnected comes before the plugin exists): synced all the same", function()
    queueOffline(1)
    state.network("lan")
    local got = false
    local before = serverSessions()
    H.launch("reader")
    local handler = H.Plugin.onNetworkConnected
    H.Plugin.onNetworkConnected = function(...) got = true; return handler(...) end
    UIManager:runScheduled()
    eq(got, false, "no NetworkConnected reached the reader")
    eq(serverSessions(), before + 1, "synced at start-up")
end)

check("E: start-up with Manual Sync Only: nothing is sent, not even a healthcheck", function()
    menuItem("Settings", "Manual Sync Only").callback()
    queueOffline(1)
    state.network("online")
    local seen = #requests()
    H.launch("filemanager")
    UIManager:runScheduled()
    eq(#requestsSince(seen), 0, "requests at start-up")
    eq(pendingCount(), 1)
    menuItem("Settings", "Manual Sync Only").callback()
    menuItem("Sync Now").callback()
    eq(pendingCount(), 0)
end)

check("E: start-up respects backoff: a book the server failed on is not retried at launch, Sync Now retries it", function()
    state.network("online")
    H.launch("reader")
    UIManager:runScheduled()
    admin("/__admin/faults", "POST", cjson.encode({ rules = { "status=503,path=/api/v1/reading-sessions*" } }))
    read(120, 125, 300)
    UIManager:runScheduled()
    eq(pendingCount(), 1, "the server failed")
    admin("/__admin/faults", "DELETE")
    local seen = #requests()
    H.launch("filemanager")
    UIManager:runScheduled()
    for _, r in ipairs(requestsSince(seen)) do assert(not has(r, "reading-sessions"), "sent at start-up despite backoff: " .. r) end
    eq(pendingCount(), 1)
    menuItem("Sync Now").callback()
    eq(pendingCount(), 0, "Sync Now ignores backoff")
end)

check("E: start-up with an empty queue asks the server nothing", function()
    local seen = #requests()
    H.launch("reader")
    UIManager:runScheduled()
    eq(#requestsSince(seen), 0)
end)

-- ── F: dispatcher actions and the self-signed certificate setting ───────────────────────────

check("F: the original plugin's actions are registered with its ids and events", function()
    local expected = {
        booklore_sync_pending = "SyncBooklorePending", booklore_toggle_sync = "ToggleBookloreSync",
        booklore_toggle_manual_sync_only = "ToggleBookloreManualSyncOnly", booklore_test_connection = "TestBookloreConnection",
    }
    for id, ev in pairs(expected) do
        assert(state.actions[id], id .. " registered")
        eq(state.actions[id].event, ev, id)
        eq(state.actions[id].general, true, id .. " general")
    end
end)

check("F: toggle sync: off records and uploads nothing (Sync Now says so), on again records", function()
    state.network("online")
    eq(Dispatcher:execute("booklore_toggle_sync"), true)
    assertHas(lastMessage(), "sync off")
    eq(menuItem("Settings", "Enable Sync").checked_func(), false, "the menu shows it")
    read(130, 140, 300)
    UIManager:runScheduled()
    eq(pendingCount(), 0, "nothing recorded")
    local seen = #requests()
    menuItem("Sync Now").callback()
    assertHas(lastMessage(), "BookLore Sync is off")
    eq(#requestsSince(seen), 0)
    eq(state.wifi_prompts, 0)
    eq(Dispatcher:execute("booklore_toggle_sync"), true)
    assertHas(lastMessage(), "sync on")
    local before = serverSessions()
    read(140, 150, 300)
    UIManager:runScheduled()
    eq(serverSessions(), before + 1, "recorded and uploaded again")
end)

check("F: toggle Manual Sync Only from a gesture", function()
    eq(Dispatcher:execute("booklore_toggle_manual_sync_only"), true)
    assertHas(lastMessage(), "Manual Sync Only on")
    eq(menuItem("Settings", "Manual Sync Only").checked_func(), true)
    read(150, 160, 300)
    UIManager:runScheduled()
    eq(pendingCount(), 1, "kept for Sync Now")
    eq(Dispatcher:execute("booklore_toggle_manual_sync_only"), true)
    assertHas(lastMessage(), "Manual Sync Only off")
    eq(menuItem("Settings", "Manual Sync Only").checked_func(), false)
    menuItem("Sync Now").callback()
end)

check("F: Test Connection from a gesture", function()
    eq(Dispatcher:execute("booklore_test_connection"), true)
    assertHas(state.lastShown("TextViewer").text, "reachable, BookLore")
end)

check("F: Accept self-signed certificate: asked before it is on, reaches the client, off without a question", function()
    local item = menuItem("Settings", "Accept self-signed certificate")
    eq(item.checked_func(), false, "off by default")
    item.callback()
    local confirm = state.lastShown("ConfirmBox")
    assert(confirm and has(confirm.text, "self-signed"), "asked first")
    eq(menuItem("Settings", "Accept self-signed certificate").checked_func(), false, "not before OK")
    confirm.ok_callback()
    eq(menuItem("Settings", "Accept self-signed certificate").checked_func(), true)
    assertHas(H.settingsFile(), '["insecure_tls"] = true')
    menuItem("Settings", "Test Connection").callback()
    assertHas(state.lastShown("TextViewer").text, "TLS certificate checks are OFF")
    local shown = #state.shown
    menuItem("Settings", "Accept self-signed certificate").callback()
    eq(#state.shown, shown, "no question to turn it off")
    eq(menuItem("Settings", "Accept self-signed certificate").checked_func(), false)
    assertHas(H.settingsFile(), '["insecure_tls"] = false')
end)

check("F: with the original plugin active, its actions are left to it", function()
    H.ui.bookloresync = {}
    for _, id in ipairs({ "booklore_toggle_sync", "booklore_toggle_manual_sync_only", "booklore_test_connection", "booklore_sync_pending" }) do
        eq(Dispatcher:execute(id), false, id)
    end
    H.ui.bookloresync = nil
    eq(menuItem("Settings", "Enable Sync").checked_func(), true, "unchanged")
end)

H.finish()
