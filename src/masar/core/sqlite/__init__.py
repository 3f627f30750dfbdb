"""SQLite, the embedded default, with PostgreSQL's integer ranges (see `base`)."""
