-- Stand-in for KOReader's MultiInputDialog: fields[i].text is what getFields() answers.
local InputDialog = require("ui/widget/inputdialog")

local MultiInputDialog = {}
MultiInputDialog.__index = MultiInputDialog
setmetatable(MultiInputDialog, { __index = InputDialog })

function MultiInputDialog:new(o)
    o.kind = "MultiInputDialog"
    return setmetatable(o, MultiInputDialog)
end

function MultiInputDialog:getFields()
    local out = {}
    for i, field in ipairs(self.fields) do out[i] = field.text or "" end
    return out
end

return MultiInputDialog
