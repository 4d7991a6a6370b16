"""What an organisation announces to the apps above it, which this layer must not import.

Receivers run inside the sender's transaction: what they change commits or rolls back with it.
"""

from django.dispatch import Signal

# Sent with organisation= and user= when someone stops being an owner or admin of the
# organisation (made a member, or removed): programmes takes them off its cohorts' admins.
admin_role_lost = Signal()
