"""Thin views, one module per sub-domain; each module lists its own urlpatterns."""
