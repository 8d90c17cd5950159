-- Stand-in for KOReader's DataStorage: the settings folder is the test's temporary directory.
local state = require("koreader_state")
local DataStorage = {}
function DataStorage:getDataDir() return state.settings_dir end
function DataStorage:getSettingsDir() return state.settings_dir end
return DataStorage
