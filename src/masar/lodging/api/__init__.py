"""The API of accommodation and transport in the kingdom."""
