"""desk: a terminal newsroom desk over one shared SQLite file."""
