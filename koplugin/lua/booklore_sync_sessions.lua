--[[--
BookLore Sync: reading sessions from the reader's state. A session starts on ReaderReady and
Resume, and ends on CloseDocument, Suspend and Exit; the core validates it and queues it (S1).
--]]

local logger = require("logger")
local _ = require("gettext")

local Common = require("booklore_sync_common")

local Sessions = {}

--- Where the reader is: KOReader's page number (as text, like the original plugin) and page / page count × 100.
function Sessions.currentPosition(ui)
    if not (ui and ui.document) then return { location = nil, progress = nil } end
    local ok_page, page = pcall(function() return ui:getCurrentPage() end)
    local ok_count, count = pcall(function() return ui.document:getPageCount() end)
    if not (ok_page and type(page) == "number") then return { location = nil, progress = nil } end
    local progress = nil
    if ok_count and type(count) == "number" and count > 0 then progress = page / count * 100 end
    return { location = tostring(page), progress = progress }
end

function Sessions.start(ui, doc_settings)
    if not (ui and ui.document and ui.document.file) then return end
    local position = Sessions.currentPosition(ui)
    local md5 = nil
    local settings = doc_settings or ui.doc_settings
    if settings and settings.readSetting then md5 = settings:readSetting("partial_md5_checksum") end
    Common.getApp():sessionStart({
        path = ui.document.file,
        title = ui.doc_props and ui.doc_props.display_title or nil,
        partialMd5 = md5,
        location = position.location,
        progress = position.progress,
    })
end

--- Ends the open session and queues it (if it counts); returns the core's outcome.
function Sessions.finish(ui)
    local a = Common.getApp()
    if not a:hasOpenSession() then return nil end
    local outcome = a:sessionEnd(Sessions.currentPosition(ui))
    if outcome.queued then
        logger.info("BookLore Sync:", outcome.message)
    elseif outcome.kind == "error" then
        -- Kept in memory and queued later, or not a valid session: the user should know.
        logger.warn("BookLore Sync: session not queued:", outcome.message)
        Common.notify(_("BookLore Sync: ") .. outcome.message, 5)
    else
        logger.info("BookLore Sync: session not queued:", outcome.message)
    end
    return outcome
end

return Sessions
