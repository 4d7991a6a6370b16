from oversight.views import (
    cohort_page,
    cohort_pairings,
    health,
    health_settings,
    outreach,
    trail,
)

app_name = "oversight"

urlpatterns = [
    *cohort_page.urlpatterns,
    *cohort_pairings.urlpatterns,
    *health.urlpatterns,
    *health_settings.urlpatterns,
    *outreach.urlpatterns,
    *trail.urlpatterns,
]
