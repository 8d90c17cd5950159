-- Shared state of the KOReader stand-ins (test-only module, not a KOReader one): what was shown,
-- scheduled, registered and logged, and the switches a test turns (the device's network, the
-- settings folder).
local state = {
    shown = {},        -- widgets passed to UIManager:show, in order
    closed = {},
    scheduled = {},    -- UIManager's task queue: { when, seq, action, run }
    task_seq = 0,
    ui_clock = 0,      -- UIManager's virtual clock (seconds), moved by runScheduled
    actions = {},      -- Dispatcher actions by id
    action_order = {},
    logs = {},         -- logger lines "level: text" (of the current check)
    all_logs = {},     -- … of the whole run
    -- The device's network (see ui/network/manager.lua).
    net = { wifi_toggle = true, wifi_on = true, connected = true, dns = true, connect_works = true, connect_seconds = 0, wifi_enable_action = nil },
    wifi_prompts = 0,  -- "Do you want to turn on Wi-Fi?" shown
    dns_lookups = 0,   -- NetworkMgr:canResolveHostnames() (isOnline) calls
    settings_dir = os.getenv("BOOKLORE_SYNC_TEST_SETTINGS_DIR") or "/tmp",
    widgets = {},      -- the window stack events go to (top last)
}

function state.lastShown(kind)
    for i = #state.shown, 1, -1 do
        if state.shown[i].kind == kind then return state.shown[i] end
    end
    return nil
end

--- The device: "off" (Wi-Fi off), "lan" (connected, no public DNS), "online".
function state.network(mode)
    state.net.wifi_on = mode ~= "off"
    state.net.connected = mode ~= "off"
    state.net.dns = mode == "online"
end

function state.reset()
    state.shown = {}
    state.closed = {}
    state.scheduled = {}
    state.logs = {}
    state.wifi_prompts = 0
    state.dns_lookups = 0
    state.network("online")
    state.net.connect_works = true
    state.net.connect_seconds = 0
    state.net.wifi_enable_action = nil
end

return state
