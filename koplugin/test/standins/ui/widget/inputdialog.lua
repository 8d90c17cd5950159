-- Stand-in for KOReader's InputDialog: the test types with setInputText and presses a button by
-- its text (press).
local InputDialog = {}
InputDialog.__index = InputDialog

function InputDialog:new(o)
    o.kind = "InputDialog"
    o.current_text = o.input or ""
    return setmetatable(o, InputDialog)
end

function InputDialog:getInputText() return self.current_text end
function InputDialog:setInputText(text) self.current_text = text end
function InputDialog:onShowKeyboard() end

function InputDialog:press(text)
    for _, row in ipairs(self.buttons or {}) do
        for _, button in ipairs(row) do
            if button.text == text then return button.callback() end
        end
    end
    error("no button " .. text)
end

return InputDialog
