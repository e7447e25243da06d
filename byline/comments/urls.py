from django.urls import path

from byline.comments import views

app_name = "comments"
urlpatterns = [
    path("stories/<int:story_id>/comments/", views.create, name="create"),
    path("stories/<int:story_id>/comments/switch/", views.toggle, name="toggle"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
]
