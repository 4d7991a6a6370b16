from chat import views

app_name = "chat"

urlpatterns = views.urlpatterns
