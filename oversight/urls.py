from oversight.views import cohort_page, cohort_pairings, health, outreach, trail

app_name = "oversight"

urlpatterns = [
    *cohort_page.urlpatterns,
    *cohort_pairings.urlpatterns,
    *health.urlpatterns,
    *outreach.urlpatterns,
    *trail.urlpatterns,
]
