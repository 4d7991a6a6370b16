from .views import agreements, cohorts, invites, match_runs, pairings, requests

app_name = "programmes"

urlpatterns = [
    *cohorts.urlpatterns,
    *invites.urlpatterns,
    *match_runs.urlpatterns,
    *pairings.urlpatterns,
    *requests.urlpatterns,
    *agreements.urlpatterns,
]
