from .views import (
    agreements,
    cohorts,
    goals,
    health,
    invites,
    match_runs,
    outreach,
    pairings,
    requests,
)

app_name = "programmes"

urlpatterns = [
    *cohorts.urlpatterns,
    *invites.urlpatterns,
    *match_runs.urlpatterns,
    *pairings.urlpatterns,
    *requests.urlpatterns,
    *agreements.urlpatterns,
    *health.urlpatterns,
    *goals.urlpatterns,
    *outreach.urlpatterns,
]
