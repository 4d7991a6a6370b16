from tests.identity.saml_kit import acme, saml_idp  # noqa: F401  (fixtures)
