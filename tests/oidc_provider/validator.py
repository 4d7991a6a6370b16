from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc_provider.settings import CONFIG


class ClaimsValidator(OAuth2Validator):
    """The standard claims of the signed-in user: name (profile), email and whether the
    provider vouches for it (email)."""

    def get_additional_claims(self, request) -> dict:
        user = request.user
        return {
            "name": user.get_full_name(),
            "given_name": user.first_name,
            "family_name": user.last_name,
            "email": user.email,
            "email_verified": user.username not in CONFIG["unverified"],
        }
