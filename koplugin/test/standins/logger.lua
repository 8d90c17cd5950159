-- Stand-in for KOReader's logger: every line is kept, so tests can check what is (not) logged.
local state = require("koreader_state")
local function writer(level)
    return function(...)
        local parts = {}
        for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
        local line = level .. ": " .. table.concat(parts, " ")
        state.logs[#state.logs + 1] = line
        state.all_logs[#state.all_logs + 1] = line
    end
end
return { dbg = writer("dbg"), info = writer("info"), warn = writer("warn"), err = writer("err") }
