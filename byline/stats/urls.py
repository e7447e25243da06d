from django.urls import path

from byline.stats import views

app_name = "stats"
urlpatterns = [
    path("me/stats/", views.dashboard, name="dashboard"),
]
