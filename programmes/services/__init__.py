"""Every change in programmes goes through these modules, one per sub-domain."""
