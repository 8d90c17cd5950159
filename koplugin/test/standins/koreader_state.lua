-- Shared state of the KOReader stand-ins (test-only module, not a KOReader one): what was shown,
-- scheduled, registered and logged, and the switches a test turns (network, settings folder).
local state = {
    shown = {},        -- widgets passed to UIManager:show, in order
    closed = {},
    scheduled = {},    -- { seconds, action } from scheduleIn / nextTick
    actions = {},      -- Dispatcher actions by id
    action_order = {},
    logs = {},         -- logger lines "level: text" (of the current check)
    all_logs = {},     -- … of the whole run
    online = true,
    wifi_prompts = 0,  -- runWhenOnline while offline (KOReader would ask to turn Wi-Fi on)
    settings_dir = os.getenv("BOOKLORE_SYNC_TEST_SETTINGS_DIR") or "/tmp",
    widgets = {},      -- instances events are sent to (the plugin under test)
}

function state.lastShown(kind)
    for i = #state.shown, 1, -1 do
        if state.shown[i].kind == kind then return state.shown[i] end
    end
    return nil
end

function state.reset()
    state.shown = {}
    state.closed = {}
    state.scheduled = {}
    state.logs = {}
    state.wifi_prompts = 0
end

return state
