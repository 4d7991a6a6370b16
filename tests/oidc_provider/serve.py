"""A small OpenID Connect provider for the tests: django-oauth-toolkit with OIDC enabled.

    python -m tests.oidc_provider.serve PORT CONFIG_JSON

CONFIG_JSON names its SQLite file, its secret key, its people (username, password, email, name;
those listed in "unverified" get email_verified false) and one application (client id and
secret, redirect URIs). It migrates, creates them, then serves on 127.0.0.1:PORT until stopped.
The issuer is http://127.0.0.1:PORT/o; its login form is its own page at /login/.
"""

import json
import os
import sys
from pathlib import Path


def prepare(config: dict) -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for person in config["people"]:
        first, _, last = person["name"].partition(" ")
        user = User(
            username=person["username"], email=person["email"], first_name=first, last_name=last
        )
        user.set_password(person["password"])
        user.save()
    client = config["client"]
    Application.objects.create(
        name="Mentoring",
        client_id=client["id"],
        client_secret=client["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


def main() -> None:
    port, config_path = sys.argv[1], sys.argv[2]
    os.environ["IDP_CONFIG"] = config_path
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    prepare(json.loads(Path(config_path).read_text()))
    call_command("runserver", f"127.0.0.1:{port}", "--noreload", verbosity=0)


if __name__ == "__main__":
    main()
