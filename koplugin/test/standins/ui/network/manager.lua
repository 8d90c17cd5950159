-- Stand-in for KOReader's NetworkMgr: online or not as the test says; runWhenOnline runs at once
-- when online, else counts a Wi-Fi prompt and does not run (the user said no).
local state = require("koreader_state")

local NetworkMgr = {}
function NetworkMgr:isOnline() return state.online end
function NetworkMgr:isConnected() return state.online end
function NetworkMgr:isWifiOn() return state.online end
function NetworkMgr:runWhenOnline(callback)
    if state.online then return callback() end
    state.wifi_prompts = state.wifi_prompts + 1
end
function NetworkMgr:runWhenConnected(callback) return self:runWhenOnline(callback) end
return NetworkMgr
