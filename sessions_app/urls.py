from .views import agenda, availability, booking, feed, reminders

app_name = "sessions_app"

urlpatterns = [
    *availability.urlpatterns,
    *booking.urlpatterns,
    *agenda.urlpatterns,
    *feed.urlpatterns,
    *reminders.urlpatterns,
]
