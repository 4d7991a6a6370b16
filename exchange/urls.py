from .views import materials, messages, notifications, opportunities

app_name = "exchange"

urlpatterns = [
    *messages.urlpatterns,
    *materials.urlpatterns,
    *opportunities.urlpatterns,
    *notifications.urlpatterns,
]
