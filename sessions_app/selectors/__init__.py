"""Reads for sessions_app, each scoped to what the user may see."""
