-- Stand-in for KOReader's TextViewer: title and text as given.
local TextViewer = {}
function TextViewer:new(o)
    o.kind = "TextViewer"
    return o
end
return TextViewer
