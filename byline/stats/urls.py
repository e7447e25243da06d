from django.urls import path

from byline.stats import reads, views

app_name = "stats"
urlpatterns = [
    path("me/stats/", views.dashboard, name="dashboard"),
    path("me/stats/<int:pk>/", views.story_stats, name="story"),
    path("me/stats/export.csv", views.export_csv, name="export"),
    path(reads.BEACON_PATH.lstrip("/"), reads.read_beacon, name="read"),
]
