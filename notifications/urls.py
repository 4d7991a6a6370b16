from notifications.views import urlpatterns as notification_urls

app_name = "notifications"

urlpatterns = [*notification_urls]
