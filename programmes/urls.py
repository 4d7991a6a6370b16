from programmes.views import cohorts, invites

app_name = "programmes"

urlpatterns = [
    *cohorts.urlpatterns,
    *invites.urlpatterns,
]
