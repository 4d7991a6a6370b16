from programmes.views import cohorts, invites, questions

app_name = "programmes"

urlpatterns = [
    *cohorts.urlpatterns,
    *invites.urlpatterns,
    *questions.urlpatterns,
]
