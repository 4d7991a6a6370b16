from pairings.views import agreements, pairings, pauses

app_name = "pairings"

urlpatterns = [
    *agreements.urlpatterns,
    *pairings.urlpatterns,
    *pauses.urlpatterns,
]
