"""Pages of accommodation and transport in the kingdom."""
