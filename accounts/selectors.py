"""Reads about people and profiles."""

from accounts.models import Profile, User


def profile_for_user(*, user: User) -> Profile:
    """The user's profile, or a fresh unsaved one before onboarding."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)
