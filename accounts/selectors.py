"""Reads about people and profiles."""

from django.forms.models import model_to_dict

from accounts.models import Profile, User


def profile_for_user(*, user: User) -> Profile:
    """The user's profile, or a fresh unsaved one before onboarding."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def user_data_export(*, user: User) -> dict:
    """Everything we hold about the user in a portable form (their right of access)."""
    profile = profile_for_user(user=user)
    profile_data = model_to_dict(profile, exclude=["id", "user"]) if profile.pk else {}
    for stamp in ("onboarded_at",):
        if profile_data.get(stamp):
            profile_data[stamp] = profile_data[stamp].isoformat()
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "timezone": user.timezone,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in user.emailaddress_set.all()
            ],
        },
        "profile": profile_data,
    }
