"""What a pairing announces to the apps above it, which this layer must not import.

Receivers run inside the sender's transaction: what they change commits or rolls back with it.
"""

from django.dispatch import Signal

# Sent with pairing= and by= while a live pairing is being closed, before its status changes:
# sessions_app cancels the sessions still ahead.
pairing_closing = Signal()
