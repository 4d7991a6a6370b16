"""Settings of the test OpenID Connect provider (see serve.py): its own SQLite file, its own
cookie names (it shares 127.0.0.1 with the app under test, and cookies ignore the port), and an
RS256 key made for this run."""

import json
import os
from pathlib import Path

from jwcrypto import jwk

HERE = Path(__file__).resolve().parent
CONFIG = json.loads(Path(os.environ["IDP_CONFIG"]).read_text())

# The signing key, made at start; and another key published under the same key id at
# /rogue/jwks/ (urls.py), so a test can prove the client checks the ID token's signature.
_SIGNING = jwk.JWK.generate(kty="RSA", size=2048)
SIGNING_KEY_PEM = _SIGNING.export_to_pem(private_key=True, password=None).decode()
ROGUE_JWK = {
    **json.loads(jwk.JWK.generate(kty="RSA", size=2048).export_public()),
    "alg": "RS256",
    "use": "sig",
    "kid": _SIGNING.thumbprint(),
}

SECRET_KEY = CONFIG["secret_key"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": CONFIG["database"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; a test provider
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"
LOGIN_URL = "/login/"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": SIGNING_KEY_PEM,
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Your name",
        "email": "Your email address",
    },
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.ClaimsValidator",
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
