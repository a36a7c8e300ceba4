"""The web pages: search, chronology, flags, review queue, upload, audit."""
