"""Every change in sessions_app goes through these modules, one per sub-domain."""
