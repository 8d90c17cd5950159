-- Stand-in for KOReader's Dispatcher: registerAction keeps the first registration of an id (as
-- KOReader does); execute sends the action's event the way Dispatcher:execute does.
local state = require("koreader_state")
local Event = require("ui/event")
local UIManager = require("ui/uimanager")

local Dispatcher = {}
function Dispatcher:registerAction(name, value)
    if state.actions[name] == nil then
        state.actions[name] = value
        state.action_order[#state.action_order + 1] = name
    end
    return true
end
function Dispatcher:removeAction(name) state.actions[name] = nil end
function Dispatcher:execute(name)
    local action = state.actions[name]
    if not action then error("no dispatcher action " .. name) end
    return UIManager:sendEvent(Event:new(action.event))
end
return Dispatcher
