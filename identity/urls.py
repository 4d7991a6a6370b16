from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("accounts/sso/link/", views.link_view, name="link"),
    path("organisations/<slug:slug>/sign-in/", views.settings_view, name="settings"),
]
