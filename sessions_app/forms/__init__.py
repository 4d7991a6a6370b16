"""Input parsing and validation for sessions_app, one module per sub-domain."""
