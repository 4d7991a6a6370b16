"""Reads of messages, materials and opportunities, scoped to the person asking."""
