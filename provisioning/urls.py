from django.urls import path, re_path

from provisioning.views import discovery, scim

app_name = "scim"

# Mounted at /scim/v2/ (mentoring/urls.py).
urlpatterns = [
    path("ServiceProviderConfig", discovery.service_provider_config_view, name="config"),
    path("ResourceTypes", discovery.resource_types_view, name="resource_types"),
    path("ResourceTypes/<str:name>", discovery.resource_types_view, name="resource_type"),
    path("Schemas", discovery.schemas_view, name="schemas"),
    path("Schemas/<str:urn>", discovery.schemas_view, name="schema"),
    path(".search", scim.search_view, name="search"),
    path("Users", scim.users_view, name="users"),
    path("Users/.search", scim.users_search_view, name="users_search"),
    path("Users/<str:scim_id>", scim.user_view, name="user"),
    path("Groups", scim.groups_view, name="groups"),
    path("Groups/.search", scim.groups_search_view, name="groups_search"),
    path("Groups/<str:scim_id>", scim.group_view, name="group"),
    re_path(r"^(?P<rest>.*)$", discovery.not_found_view, name="not_found"),
]
