"""A deliberately wrong import."""

import accounts.models  # noqa: F401
