from pairings.views import agreements, pairings

app_name = "pairings"

urlpatterns = [
    *agreements.urlpatterns,
    *pairings.urlpatterns,
]
