-- Stand-in for KOReader's ConfirmBox: text, ok_text, ok_callback, cancel_callback as given.
local ConfirmBox = {}
function ConfirmBox:new(o)
    o.kind = "ConfirmBox"
    return o
end
return ConfirmBox
