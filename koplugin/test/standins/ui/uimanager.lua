-- Stand-in for KOReader's UIManager (frontend/ui/uimanager.lua): shows are recorded; scheduled
-- tasks wait until the test plays the event loop (runScheduled), in the order of their due time
-- on a virtual clock, as the real task queue does; events go to the window-level widgets the test
-- registered (state.widgets, top last) through their handleEvent: sendEvent to the top one until a
-- handler returns true, broadcastEvent to all.
local state = require("koreader_state")

local UIManager = {}

function UIManager:show(widget)
    state.shown[#state.shown + 1] = widget
end

function UIManager:close(widget)
    state.closed[#state.closed + 1] = widget
end

function UIManager:scheduleIn(seconds, action, ...)
    local args = { n = select("#", ...), ... }
    state.task_seq = state.task_seq + 1
    state.scheduled[#state.scheduled + 1] = {
        when = state.ui_clock + seconds, seq = state.task_seq, seconds = seconds, action = action,
        run = function() return action(unpack(args, 1, args.n)) end,
    }
end

function UIManager:nextTick(action, ...)
    return self:scheduleIn(0, action, ...)
end

function UIManager:tickAfterNext(action, ...)
    return self:scheduleIn(0, action, ...)
end

function UIManager:unschedule(action)
    local removed = false
    for i = #state.scheduled, 1, -1 do
        if state.scheduled[i].action == action then
            table.remove(state.scheduled, i)
            removed = true
        end
    end
    return removed
end

function UIManager:forceRePaint() end

function UIManager:setDirty() end

local function nextTask()
    local best
    for i, task in ipairs(state.scheduled) do
        if not best or task.when < state.scheduled[best].when
            or (task.when == state.scheduled[best].when and task.seq < state.scheduled[best].seq) then
            best = i
        end
    end
    return best and table.remove(state.scheduled, best)
end

--- Runs what is scheduled (and what those schedule in turn), like the event loop would; with
--- `until_seconds`, only what is due by then on the virtual clock.
function UIManager:runScheduled(until_seconds)
    local ran = 0
    local limit = until_seconds and state.ui_clock + until_seconds or math.huge
    while #state.scheduled > 0 do
        local task = nextTask()
        if task.when > limit then
            table.insert(state.scheduled, task)
            break
        end
        if task.when > state.ui_clock then state.ui_clock = task.when end
        task.run()
        ran = ran + 1
    end
    if limit ~= math.huge and limit > state.ui_clock then state.ui_clock = limit end
    return ran
end

function UIManager:sendEvent(event)
    for i = #state.widgets, 1, -1 do
        if state.widgets[i]:handleEvent(event) then return true end
    end
    return false
end

function UIManager:broadcastEvent(event)
    local handled = false
    for i = #state.widgets, 1, -1 do
        if state.widgets[i]:handleEvent(event) then handled = true end
    end
    return handled
end

return UIManager
