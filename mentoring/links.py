"""Full links for emails and calendar files: workers have no request to build one from."""

from django.conf import settings
from django.urls import reverse


def absolute(url_name: str, *args: object) -> str:
    """A full link for an email: workers have no request to build one from."""
    return settings.SITE_URL + reverse(url_name, args=args)
