"""The screening API: watchlists and their imports, the review queue, and `match`.

Companies and agents have no access to any of it (403): they see their applications'
statuses through the applications API only.
"""
