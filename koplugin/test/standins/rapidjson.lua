-- Test stand-in for KOReader's rapidjson module: decode (nil and a message on bad input, never an
-- error) and the null sentinel, over Debian's lua-cjson.
local cjson = require("cjson")

return {
  null = cjson.null,
  decode = function(text)
    local ok, value = pcall(cjson.decode, text)
    if ok then return value end
    return nil, value
  end,
  encode = cjson.encode,
}
