-- Stand-in for KOReader's Device: a device whose storage supports WAL.
local Device = {}
function Device:canUseWAL() return true end
return Device
