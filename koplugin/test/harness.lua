-- What the glue checks share (koplugin/test/glue.lua, glue_device.lua): the plugin loaded the way
-- KOReader's PluginLoader loads it (handlers in its pcall sandbox), a reader UI, a clock the test
-- moves, the bundled server's admin API, and KOReader's launch order for a fresh start.
--
--   local H = dofile(here .. "/harness.lua")(PLUGIN_DIR, SETTINGS_DIR, SERVER_URL, BOOK_FILE)
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*)/[^/]*$") or "."
local base_path = table.concat({ here .. "/?.lua", here .. "/standins/?.lua", here .. "/standins/?/init.lua", package.path }, ";")

return function(plugin_dir, settings_dir, server_url, book_file)
    package.path = base_path
    local H = { plugin_dir = plugin_dir, settings_dir = settings_dir, server_url = server_url, book_file = book_file }

    -- Every module name the plugin's own files (its Lua files, the compiled bundle) ask for, in order.
    H.required, H.seen = {}, {}
    local real_require = require
    require = function(name)
        local caller = debug.getinfo(2, "S")
        local source = caller and caller.source or ""
        local ours = source:sub(1, #plugin_dir + 2) == "@" .. plugin_dir .. "/"
        if ours and not H.seen[name] then
            H.seen[name] = true
            H.required[#H.required + 1] = name
        end
        return real_require(name)
    end
    H.require = real_require

    -- A clock the test moves (os.time() is the plugin's clock, as KOReader's).
    local real_time = os.time
    local clock = 1767945600 -- 2026-01-09T08:00:00Z
    os.time = function(t)
        if t ~= nil then return real_time(t) end
        return clock
    end
    function H.advance(seconds) clock = clock + seconds end

    local cjson = real_require("cjson")
    local http = real_require("socket.http")
    local ltn12 = real_require("ltn12")
    H.json_out = real_require("json_out")
    local state = real_require("koreader_state")
    H.state = state
    state.settings_dir = settings_dir
    local UIManager = real_require("ui/uimanager")
    local Event = real_require("ui/event")
    local NetworkMgr = real_require("ui/network/manager")
    local PluginLoader = real_require("pluginloader")
    local WidgetContainer = real_require("ui/widget/container/widgetcontainer")
    H.UIManager, H.Dispatcher, H.NetworkMgr = UIManager, real_require("dispatcher"), NetworkMgr

    H.results = {}
    function H.check(name, fn)
        state.reset()
        NetworkMgr.pending_connection, NetworkMgr.pending_connectivity_check = false, false
        local ok, err = xpcall(fn, debug.traceback)
        H.results[#H.results + 1] = { name = name, ok = ok, error = (not ok) and tostring(err) or nil }
    end

    function H.eq(actual, expected, what)
        if actual ~= expected then
            error(string.format("%s: expected %s, got %s", what or "value", tostring(expected), tostring(actual)), 2)
        end
    end

    function H.admin(path, method, body)
        local chunks = {}
        local ok, code = http.request{
            url = server_url .. path,
            method = method or "GET",
            headers = body and { ["content-type"] = "application/json", ["content-length"] = tostring(#body) } or nil,
            source = body and ltn12.source.string(body) or nil,
            sink = ltn12.sink.table(chunks),
        }
        assert(ok, "admin request failed: " .. tostring(code))
        local text = table.concat(chunks)
        return text ~= "" and cjson.decode(text) or nil
    end

    function H.serverSessions() return #H.admin("/__admin/sessions") end
    --- Requests the server logged (non-admin), e.g. to see that nothing was asked.
    function H.serverRequests() return #H.admin("/__admin/requests") end

    function H.makeUI(file, md5)
        local ui = WidgetContainer:new{ page = 10 }
        ui.document = file and { file = file, getPageCount = function() return 200 end } or nil
        ui.doc_props = { display_title = "Pride and Prejudice" }
        ui.doc_settings = { readSetting = function(_, key) if key == "partial_md5_checksum" then return md5 end end }
        ui.menu = { registerToMainMenu = function(_, plugin) ui.registered_menu = plugin end }
        function ui:getCurrentPage() return self.page end
        return ui
    end

    -- KOReader's plugin modules share package.loaded across launches of this test process: a
    -- "restart" drops them, as a new KOReader process starts without them.
    local function forgetPluginModules()
        for name in pairs(package.loaded) do
            if name == "booklore_sync_core" or name:sub(1, 14) == "booklore_sync_" then package.loaded[name] = nil end
        end
        state.actions, state.action_order = {}, {}
    end

    --- A fresh KOReader: "filemanager" or "reader" (a book opened at launch), in KOReader's order.
    --- FileManager: requiring filemanager.lua requires NetworkMgr, whose init schedules
    --- NetworkConnected for the next tick when connected; then the file manager and its plugins
    --- are created and shown; the loop then delivers NetworkConnected. Reader: the same
    --- NetworkConnected is scheduled, but showReader defers the reader to a later tick, so the
    --- broadcast finds no window (the plugin misses it); then the reader, its plugins, ReaderReady.
    function H.launch(kind)
        if H.plugin then H.plugin:onExit() end
        forgetPluginModules()
        state.widgets = {}
        state.scheduled = {}
        local Plugin = PluginLoader:loadPlugin(plugin_dir, "booklore-sync")
        H.Plugin = Plugin
        NetworkMgr:init()
        local ui = H.makeUI(kind == "reader" and book_file or nil, nil)
        local function create()
            local ok, plugin = PluginLoader:createPluginInstance(Plugin, { ui = ui })
            assert(ok, "plugin instance: " .. tostring(plugin))
            ui[1] = plugin -- a module of the UI: events reach it through the UI's propagation
            H.ui, H.plugin = ui, plugin
        end
        if kind == "reader" then
            UIManager:nextTick(function()
                create()
                ui:handleEvent(Event:new("ReaderReady", ui.doc_settings))
                state.widgets = { ui }
            end)
        else
            create()
            state.widgets = { ui }
        end
    end

    function H.event(name, ...) UIManager:broadcastEvent(Event:new(name, ...)) end

    --- A reading session: opened on page `from`, read for `seconds`, left on page `to`.
    function H.read(from, to, seconds, ending)
        H.ui.page = from
        H.event("ReaderReady", H.ui.doc_settings)
        H.advance(seconds)
        H.ui.page = to
        H.event(ending or "CloseDocument")
    end

    local function textOf(item) return item.text or (item.text_func and item.text_func()) or "" end
    H.textOf = textOf

    function H.rootMenu()
        local items = {}
        H.plugin:addToMainMenu(items)
        return items.booklore_sync_engine
    end

    function H.menuItem(...)
        local item = H.rootMenu()
        for _, name in ipairs({ ... }) do
            local found
            for _, child in ipairs(item.sub_item_table or {}) do
                if textOf(child):sub(1, #name) == name then found = child end
            end
            assert(found, "no menu item '" .. name .. "' under '" .. textOf(item) .. "'")
            item = found
        end
        return item
    end

    function H.settingsFile()
        local f = io.open(settings_dir .. "/booklore-sync-plugin.lua", "rb")
        if not f then return "" end
        local text = f:read("*a")
        f:close()
        return text
    end

    function H.pendingCount()
        local SQ3 = real_require("lua-ljsqlite3/init")
        local conn = SQ3.open(settings_dir .. "/booklore-sync.sqlite")
        local n = tonumber((conn:rowexec("SELECT COUNT(*) FROM pending_sessions")))
        conn:close()
        return n
    end

    function H.lastMessage()
        local message = state.lastShown("InfoMessage")
        return message and message.text or ""
    end

    function H.finish(extra)
        local out = { results = H.json_out.array(H.results), required = H.json_out.array(H.required), logs = H.json_out.array(state.all_logs) }
        for k, v in pairs(extra or {}) do out[k] = v end
        io.stdout:write(H.json_out.encode(out), "\n")
    end

    return H
end
