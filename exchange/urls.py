from exchange.views import materials, messages, opportunities

app_name = "exchange"

urlpatterns = [
    *messages.urlpatterns,
    *materials.urlpatterns,
    *opportunities.urlpatterns,
]
