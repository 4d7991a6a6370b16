"""Input parsing and validation for programmes, one module per sub-domain."""
