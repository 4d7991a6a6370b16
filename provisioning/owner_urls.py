from django.urls import path

from provisioning.views import owner

app_name = "provisioning"

# Mounted at /organisations/<slug>/provisioning/ (mentoring/urls.py).
urlpatterns = [
    path("", owner.provisioning_view, name="settings"),
    path("tokens/", owner.token_create_view, name="token_create"),
    path("tokens/<int:token_id>/revoke/", owner.token_revoke_view, name="token_revoke"),
    path("groups/<int:group_id>/", owner.group_map_view, name="group_map"),
]
