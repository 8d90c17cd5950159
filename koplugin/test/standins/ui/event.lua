-- Stand-in for KOReader's Event (frontend/ui/event.lua).
local Event = {}
function Event:new(name, ...)
    return { name = name, args = { ... } }
end
return Event
