from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("welcome/", views.onboarding_view, name="onboarding"),
    path("profile/", views.profile_edit_view, name="profile"),
    path("profile/language/", views.language_edit_view, name="language"),
    path("profile/delete/", views.account_delete_view, name="delete"),
]
