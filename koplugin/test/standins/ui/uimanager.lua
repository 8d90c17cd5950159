-- Stand-in for KOReader's UIManager (frontend/ui/uimanager.lua): shows are recorded, scheduled
-- actions wait until the test runs them (runScheduled plays the event loop), events go to the
-- widgets the test registered.
local state = require("koreader_state")

local UIManager = {}

function UIManager:show(widget)
    state.shown[#state.shown + 1] = widget
end

function UIManager:close(widget)
    state.closed[#state.closed + 1] = widget
end

function UIManager:scheduleIn(seconds, action, ...)
    local args = { ... }
    state.scheduled[#state.scheduled + 1] = { seconds = seconds, action = function() return action(unpack(args)) end }
end

function UIManager:nextTick(action, ...)
    return self:scheduleIn(0, action, ...)
end

function UIManager:tickAfterNext(action, ...)
    return self:scheduleIn(0, action, ...)
end

function UIManager:unschedule(action) end

function UIManager:forceRePaint() end

function UIManager:setDirty() end

--- Runs what is scheduled (and what those schedule in turn), like the event loop would.
function UIManager:runScheduled()
    local ran = 0
    while #state.scheduled > 0 do
        local task = table.remove(state.scheduled, 1)
        task.action()
        ran = ran + 1
    end
    return ran
end

local function deliver(event, stop_when_handled)
    local handler_name = "on" .. event.name
    local handled = false
    for _, widget in ipairs(state.widgets) do
        local handler = widget[handler_name]
        if handler then
            local result = handler(widget, unpack(event.args or {}))
            if result then
                handled = true
                if stop_when_handled then return true end
            end
        end
    end
    return handled
end

function UIManager:sendEvent(event)
    return deliver(event, true)
end

function UIManager:broadcastEvent(event)
    deliver(event, false)
end

return UIManager
