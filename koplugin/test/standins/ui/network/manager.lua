-- Stand-in for KOReader's NetworkMgr (frontend/ui/network/manager.lua), following its code for
-- what the plugin relies on. The device is the test's (state.net):
--   wifi_toggle  a device with a Wi-Fi switch (Kobo, Kindle, PocketBook); without one, isWifiOn,
--                isConnected and isOnline are always true, as in KOReader
--   wifi_on, connected   the radio, and an address with a gateway (isConnected)
--   dns          whether dns.msftncsi.com resolves: isOnline() is that lookup, so it is false on a
--                LAN without public DNS while isConnected() is true (state.dns_lookups counts them)
--   connect_works, connect_seconds  whether turning Wi-Fi on gets a connection, and how soon
-- and KOReader's behaviour around them: runWhenOnline runs the callback only when isOnline, and
-- when connected-but-not-online calls beforeWifiAction() *without* it (the callback is dropped);
-- runWhenConnected runs it once connected; beforeWifiAction asks "Do you want to turn on Wi-Fi?"
-- (wifi_enable_action unset), turn_on connects at once; a connection is noticed by the
-- connectivity check (every 0.25 s, up to 45 s), which broadcasts NetworkConnected and *then*
-- runs the callback; init() (on require in KOReader) sends NetworkConnected on the next tick when
-- connected at launch.
local ConfirmBox = require("ui/widget/confirmbox")
local Event = require("ui/event")
local InfoMessage = require("ui/widget/infomessage")
local UIManager = require("ui/uimanager")
local logger = require("logger")
local state = require("koreader_state")

local EBUSY = 16

local NetworkMgr = { pending_connection = false, pending_connectivity_check = false }

local function net() return state.net end

function NetworkMgr:isWifiOn()
    if not net().wifi_toggle then return true end
    return net().wifi_on
end

function NetworkMgr:isConnected()
    if not net().wifi_toggle then return true end
    return net().wifi_on and net().connected
end

function NetworkMgr:hasLeaseForCurrentNetwork() return self:isConnected() end

function NetworkMgr:canResolveHostnames()
    state.dns_lookups = state.dns_lookups + 1
    return self:isConnected() and net().dns
end

function NetworkMgr:isOnline()
    if not net().wifi_toggle then return true end
    return self:canResolveHostnames()
end

-- The device backend: the radio comes on; a connection if a network is there, after
-- state.net.connect_seconds (0: at once). complete_callback schedules the connectivity check.
function NetworkMgr:turnOnWifi(complete_callback)
    net().wifi_on = true
    local delay = net().connect_seconds or 0
    if delay > 0 then
        UIManager:scheduleIn(delay, function() net().connected = net().connect_works end)
    else
        net().connected = net().connect_works
    end
    if complete_callback then complete_callback() end
end

function NetworkMgr:_abortWifiConnection()
    net().wifi_on = false
    net().connected = false
    self.pending_connection = false
end

function NetworkMgr:queryNetworkState()
    self.is_wifi_on = self:isWifiOn()
    self.is_connected = self.is_wifi_on and self:isConnected()
end

function NetworkMgr:requestToTurnOnWifi(wifi_cb, interactive)
    if self.pending_connection then return EBUSY end
    UIManager:broadcastEvent(Event:new("NetworkConnecting"))
    self.pending_connection = true
    return self:turnOnWifi(wifi_cb, interactive)
end

function NetworkMgr:connectivityCheck(iter, callback, widget)
    if iter >= 180 then
        self:_abortWifiConnection()
        if widget then
            UIManager:close(widget)
            UIManager:show(InfoMessage:new{ text = "Error connecting to the network" })
        end
        return
    end
    self:queryNetworkState()
    if self.is_wifi_on and self.is_connected then
        UIManager:broadcastEvent(Event:new("NetworkConnected"))
        if widget then UIManager:close(widget) end
        if callback then callback() end
        self.pending_connectivity_check = false
        self.pending_connection = false
    else
        UIManager:scheduleIn(0.25, self.connectivityCheck, self, iter + 1, callback, widget)
    end
end

function NetworkMgr:scheduleConnectivityCheck(callback, widget)
    self.pending_connectivity_check = true
    UIManager:scheduleIn(0.25, self.connectivityCheck, self, 1, callback, widget)
end

function NetworkMgr:unscheduleConnectivityCheck()
    UIManager:unschedule(self.connectivityCheck)
    self.pending_connectivity_check = false
end

function NetworkMgr:enableWifi(wifi_cb, interactive)
    local connectivity_cb = function()
        if self.pending_connectivity_check then self:unscheduleConnectivityCheck() end
        self:scheduleConnectivityCheck(wifi_cb)
    end
    local status = self:requestToTurnOnWifi(connectivity_cb, interactive)
    if status == false then
        self:_abortWifiConnection()
        return false
    elseif status == EBUSY then
        if wifi_cb then logger.warn("NetworkMgr:enableWifi: We've had to drop wifi_cb:", wifi_cb) end
        return
    end
    return true
end

function NetworkMgr:toggleWifiOn(complete_callback, long_press, interactive)
    self:enableWifi(complete_callback, interactive)
end

function NetworkMgr:promptWifiOn(complete_callback)
    if self.pending_connection then return end
    state.wifi_prompts = state.wifi_prompts + 1
    UIManager:show(ConfirmBox:new{
        text = "Do you want to turn on Wi-Fi?",
        ok_text = "Turn on",
        ok_callback = function() self:toggleWifiOn(complete_callback) end,
    })
end

function NetworkMgr:turnOnWifiAndWaitForConnection(callback)
    if self:isWifiOn() and self:isConnected() then
        if callback then callback() end
        return
    end
    local info = InfoMessage:new{ text = "Connecting to Wi-Fi…" }
    UIManager:show(info)
    local connectivity_cb = function()
        if self.pending_connectivity_check then self:unscheduleConnectivityCheck() end
        self:scheduleConnectivityCheck(callback, info)
    end
    local status = self:requestToTurnOnWifi(connectivity_cb)
    if status == false or status == EBUSY then
        UIManager:close(info)
        return status == false and false or nil
    end
    return info
end

function NetworkMgr:beforeWifiAction(callback)
    if net().wifi_enable_action == "turn_on" then
        return self:turnOnWifiAndWaitForConnection(callback)
    end
    return self:promptWifiOn(callback)
end

function NetworkMgr:runWhenOnline(callback)
    if self:isOnline() then
        callback()
    elseif not self:isConnected() then
        self:beforeWifiAction(callback)
    else
        self:beforeWifiAction() -- connected but not online: KOReader drops the callback
    end
end

function NetworkMgr:runWhenConnected(callback)
    if self:isConnected() then
        callback()
    else
        self:beforeWifiAction(callback)
    end
end

--- On require in KOReader (`return NetworkMgr:init()`); the test calls it at each simulated launch.
function NetworkMgr:init()
    self.pending_connection = false
    self.pending_connectivity_check = false
    self:queryNetworkState()
    if self.is_connected then
        UIManager:nextTick(UIManager.broadcastEvent, UIManager, Event:new("NetworkConnected"))
    end
    return self
end

return NetworkMgr
