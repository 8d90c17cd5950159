-- Stand-in for KOReader's WidgetContainer (Widget:extend / Widget:new semantics), with
-- EventListener's handleEvent (self[event.handler](self, args…), no pcall of its own: the pcall is
-- PluginLoader's, around plugin handlers) and WidgetContainer's propagation to children first.
local WidgetContainer = {}
WidgetContainer.__index = WidgetContainer

function WidgetContainer:extend(subclass)
    local o = subclass or {}
    setmetatable(o, self)
    self.__index = self
    return o
end

function WidgetContainer:new(o)
    o = self:extend(o)
    if o._init then o:_init() end
    if o.init then o:init() end
    return o
end

function WidgetContainer:propagateEvent(event)
    for _, widget in ipairs(self) do
        if widget:handleEvent(event) then return true end
    end
    return false
end

function WidgetContainer:handleEvent(event)
    if self:propagateEvent(event) then return true end
    if self[event.handler] then
        return self[event.handler](self, unpack(event.args, 1, event.args.n))
    end
end

return WidgetContainer
