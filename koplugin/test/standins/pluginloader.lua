-- Stand-in for KOReader's PluginLoader (frontend/pluginloader.lua), the parts that decide how a
-- plugin runs: _load's package.path handling, _meta.lua merged into the module, every on* function
-- of the module wrapped in a HandlerSandbox (pcall; an error is logged and the handler returns
-- false, nothing is shown), and createPluginInstance's pcall around new().
local logger = require("logger")

local HandlerSandbox = { mt = {} }

function HandlerSandbox.new(context, fname, f)
    return setmetatable({ context = context, fname = fname, f = f }, HandlerSandbox.mt)
end

function HandlerSandbox:call(module, ...)
    local ok, re = pcall(self.f, module, ...)
    if not ok then logger.err("An error occurred while executing handler " .. self.context.name .. ":" .. self.fname .. ":\n", re) end
    if ok then return re end
    return false
end

HandlerSandbox.mt.__call = HandlerSandbox.call

local function sandboxPluginEventHandlers(plugin)
    for key, value in pairs(plugin) do
        if key:sub(1, 2) == "on" and type(value) == "function" then
            plugin[key] = HandlerSandbox.new(plugin, key, value)
        end
    end
end

local PluginLoader = { loaded_plugins = {} }

--- One plugin folder, as _load does for each; then its folder appended to package.path, as
--- loadPlugins does once all are loaded.
function PluginLoader:loadPlugin(plugin_root, name)
    local package_path = package.path
    package.path = string.format("%s/?.lua;%s", plugin_root, package_path)
    local ok, plugin_module = pcall(dofile, plugin_root .. "/main.lua")
    package.path = package_path
    if not ok or not plugin_module then error("Error when loading " .. plugin_root .. "/main.lua: " .. tostring(plugin_module)) end
    plugin_module.path = plugin_root
    plugin_module.name = name
    local ok_meta, meta = pcall(dofile, plugin_root .. "/_meta.lua")
    if ok_meta and meta then
        for k, v in pairs(meta) do
            if k ~= "name" then plugin_module[k] = v end
        end
    end
    sandboxPluginEventHandlers(plugin_module)
    package.path = string.format("%s;%s/?.lua", package.path, plugin_root)
    return plugin_module
end

function PluginLoader:createPluginInstance(plugin, attr)
    local ok, re = pcall(plugin.new, plugin, attr)
    if ok then
        self.loaded_plugins[plugin.name] = re
        return ok, re
    end
    logger.err("Failed to initialize", plugin.name, "plugin:", re)
    return nil, re
end

return PluginLoader
