"""What accounts announces to the apps above it, which this bottom layer must not import.

Receivers run inside the sender's transaction: what they change commits or rolls back with it.
"""

from django.dispatch import Signal

# Sent with user= while an account is being deleted, before its row is anonymised. Each app
# removes the leaver's personal data and what only they could see, and keeps what belongs to
# their partners (SECURITY.md, "Leaving", lists what each app does).
user_leaving = Signal()
