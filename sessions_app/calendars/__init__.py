"""A person's own calendars: their busy times read from a secret ICS address."""
