from goals.views import urlpatterns as goal_urls

app_name = "goals"

urlpatterns = [*goal_urls]
