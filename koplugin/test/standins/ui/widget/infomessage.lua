-- Stand-in for KOReader's InfoMessage: a record of what would be shown.
local InfoMessage = {}
function InfoMessage:new(o)
    o.kind = "InfoMessage"
    return o
end
return InfoMessage
