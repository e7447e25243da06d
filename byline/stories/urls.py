from django.urls import path

from byline.stories import views

app_name = "stories"
urlpatterns = [
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("@<str:handle>/<slug:slug>", views.story_detail, name="detail"),
]
