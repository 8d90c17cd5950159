-- Stand-in for KOReader's gettext: the English text itself.
return setmetatable({}, { __call = function(_, text) return text end })
