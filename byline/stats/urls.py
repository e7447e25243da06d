from django.urls import path

from byline.stats import reads, views

app_name = "stats"
urlpatterns = [
    path("me/stats/", views.dashboard, name="dashboard"),
    path("me/stats/<int:pk>/", views.story_stats, name="story"),
    path("me/stats/export.csv", views.export_csv, name="export"),
    path("stats/read", reads.read_beacon, name="read"),
]
