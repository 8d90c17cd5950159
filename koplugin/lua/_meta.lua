local _ = require("gettext")
return {
    fullname = _("BookLore Sync"),
    description = _([[Records your reading sessions and uploads each one exactly once to your BookLore library, also after days offline. Shares its queue (booklore-sync.sqlite) with the original BookLore Sync plugin and the booklore-sync command-line tool.]]),
    version = "0.1.0",
}
