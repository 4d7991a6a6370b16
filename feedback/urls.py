"""Mounted under "sessions/" (mentoring/urls.py), where these pages have always been."""

from feedback.views import urlpatterns as feedback_urls

app_name = "feedback"

urlpatterns = [*feedback_urls]
