-- Stand-in for KOReader's LuaSettings: a Lua table file ("return { ... }") read on open and
-- written on flush, as KOReader does.
local LuaSettings = {}
LuaSettings.__index = LuaSettings

local function serialize(value)
    local t = type(value)
    if t == "string" then return string.format("%q", value) end
    if t == "number" or t == "boolean" then return tostring(value) end
    if t == "table" then
        local parts = {}
        for k, v in pairs(value) do parts[#parts + 1] = "[" .. serialize(k) .. "] = " .. serialize(v) end
        table.sort(parts)
        return "{\n" .. table.concat(parts, ",\n") .. "\n}"
    end
    error("cannot save a " .. t)
end

function LuaSettings:open(path)
    local data = {}
    local chunk = loadfile(path)
    if chunk then
        local ok, loaded = pcall(chunk)
        if ok and type(loaded) == "table" then data = loaded end
    end
    return setmetatable({ file = path, data = data }, LuaSettings)
end

function LuaSettings:readSetting(key, default)
    local value = self.data[key]
    if value == nil then return default end
    return value
end
function LuaSettings:saveSetting(key, value) self.data[key] = value; return self end
function LuaSettings:delSetting(key) self.data[key] = nil; return self end
function LuaSettings:isTrue(key) return self.data[key] == true end
function LuaSettings:flush()
    -- KOReader first renames the current file to FILE.old when it is over a minute old by the
    -- real clock (the rename keeps its mode). No lfs here: stat(1) gives the modification time.
    local stat = io.popen("stat -c %Y '" .. self.file .. "' 2>/dev/null")
    local modified = stat and tonumber(stat:read("*a"))
    if stat then stat:close() end
    local now = tonumber(io.popen("date +%s"):read("*a"))
    if modified and now and now - modified > 60 then
        os.rename(self.file, self.file .. ".old")
    end
    local f = assert(io.open(self.file, "wb"))
    f:write("-- we can read Lua syntax here!\nreturn ", serialize(self.data), "\n")
    f:close()
    return self
end
return LuaSettings
