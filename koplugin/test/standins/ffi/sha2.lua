-- Test stand-in for KOReader's ffi/sha2 (koreader-base): only md5, over Debian's lua-md5.
-- md5(message) → lowercase hex; md5() → an updater: update(chunk) … update() → hex.
local md5lib = require("md5")

local function md5(message)
  if message ~= nil then return md5lib.sumhexa(message) end
  local parts = {}
  return function(chunk)
    if chunk == nil then return md5lib.sumhexa(table.concat(parts)) end
    parts[#parts + 1] = chunk
  end
end

return { md5 = md5 }
