"""Security screening of applicants against watchlists (name matching core)."""
