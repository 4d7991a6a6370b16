from django.urls import path

from home.views import export
from home.views.dashboard import dashboard_view
from home.views.pairing import pairing_detail_view

app_name = "home"

urlpatterns = [
    path("dashboard/", dashboard_view, name="dashboard"),
    path("programmes/pairings/<int:pairing_id>/", pairing_detail_view, name="pairing_detail"),
    *export.urlpatterns,
]
