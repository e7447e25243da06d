from django.urls import path

from byline.social import views

app_name = "social"
urlpatterns = [
    path("stories/<int:story_id>/like/", views.like, name="like"),
    path("following/", views.timeline, name="following_timeline"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notification_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path("c/<slug:slug>/follow/", views.follow_place, name="follow_community"),
    # Trailing slashes keep these apart from /@handle/story-slug (stories never end in "/").
    path("@<str:handle>/follow/", views.follow_person, name="follow_creator"),
    path("@<str:handle>/followers/", views.followers, name="followers"),
    path("@<str:handle>/following/", views.following, name="following"),
]
