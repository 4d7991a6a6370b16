"""Every change to messages, materials, opportunities and their notifications."""
