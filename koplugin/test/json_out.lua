-- A JSON writer for the test runners' output: Lua tables become objects unless marked as arrays
-- (json_out.array) or a non-empty sequence; nil fields are left out (the node side reads them as null).
local M = {}
local array_mt = { __json_array = true }

function M.array(t)
  return setmetatable(t or {}, array_mt)
end

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }

local function encode_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return escapes[c] or string.format("\\u%04x", c:byte()) end) .. '"'
end

local function is_sequence(t)
  local n = 0
  for k in pairs(t) do
    if type(k) ~= "number" then return false end
    n = n + 1
  end
  return n > 0 and n == #t
end

local encode
function encode(v)
  local t = type(v)
  if v == nil then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    if math.floor(v) == v and math.abs(v) < 2^53 then return string.format("%.0f", v) end
    return string.format("%.17g", v)
  end
  if t == "string" then return encode_string(v) end
  if t == "cdata" then return tostring(tonumber(v)) end
  if t == "table" then
    local mt = getmetatable(v)
    if (mt and mt.__json_array) or is_sequence(v) then
      local parts = {}
      for i = 1, #v do parts[i] = encode(v[i]) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local keys = {}
    for k in pairs(v) do if type(k) == "string" then keys[#keys + 1] = k end end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = encode_string(k) .. ":" .. encode(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  if t == "userdata" then return "null" end -- cjson.null
  error("cannot encode a " .. t)
end

M.encode = encode
return M
