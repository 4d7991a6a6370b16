"""OpenID Connect sign-in: allauth's, with the ID token's signature always checked.

allauth skips the signature of an ID token it received straight from the token endpoint (OpenID
Connect Core 3.1.3.7 allows it over TLS). An organisation's issuer is whatever its owner typed,
so we check the signature against the issuer's published keys (jwks_uri) every time.
"""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest, HttpResponse


class SignatureCheckingAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


@login_not_required
def oidc_callback_view(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's callback (same URL and name: `openid_connect_callback`), with our adapter."""
    try:
        view = OAuth2CallbackView.adapter_view(SignatureCheckingAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
