-- Stand-in for KOReader's WidgetContainer (Widget:extend / Widget:new semantics).
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

return WidgetContainer
