from django.urls import path

from webhooks import views

app_name = "webhooks"

# Mounted at /organisations/<slug>/webhooks/ (mentoring/urls.py).
urlpatterns = [
    path("", views.webhooks_view, name="list"),
    path("add/", views.endpoint_create_view, name="create"),
    path("<int:endpoint_id>/", views.endpoint_view, name="endpoint"),
    path("<int:endpoint_id>/edit/", views.endpoint_update_view, name="update"),
    path("<int:endpoint_id>/rotate/", views.endpoint_rotate_view, name="rotate"),
    path("<int:endpoint_id>/test/", views.endpoint_test_view, name="test"),
    path("<int:endpoint_id>/enable/", views.endpoint_enable_view, name="enable"),
    path("<int:endpoint_id>/disable/", views.endpoint_disable_view, name="disable"),
    path("<int:endpoint_id>/delete/", views.endpoint_delete_view, name="delete"),
    path(
        "<int:endpoint_id>/deliveries/<int:delivery_id>/send-again/",
        views.delivery_replay_view,
        name="replay",
    ),
]
