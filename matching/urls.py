from matching.views import match_runs, requests

app_name = "matching"

urlpatterns = [
    *match_runs.urlpatterns,
    *requests.urlpatterns,
]
