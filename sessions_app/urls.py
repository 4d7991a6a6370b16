from sessions_app.views import agenda, availability, booking, feed, feedback, reminders, series

app_name = "sessions_app"

urlpatterns = [
    *availability.urlpatterns,
    *booking.urlpatterns,
    *series.urlpatterns,
    *agenda.urlpatterns,
    *feed.urlpatterns,
    *reminders.urlpatterns,
    *feedback.urlpatterns,
]
