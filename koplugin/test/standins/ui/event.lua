-- Stand-in for KOReader's Event (frontend/ui/event.lua): the handler's name and the arguments.
local Event = {}
function Event:new(name, ...)
    return { name = name, handler = "on" .. name, args = { n = select("#", ...), ... } }
end
return Event
