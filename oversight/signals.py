"""What oversight announces to the apps above it, which this layer must not import.

Receivers run inside the sender's transaction: what they change commits or rolls back with it,
and what they send out waits for the commit (transaction.on_commit).
"""

from django.dispatch import Signal

# Sent with pairing_ids= (a list) and day= (the refresh's UTC date) when a health refresh finds
# pairings at risk that were not at risk at the assessment before (or had none): chat posts
# them to the cohort's Slack or Teams channels.
pairings_turned_at_risk = Signal()
