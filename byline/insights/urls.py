from django.urls import path

from byline.insights import views

app_name = "insights"
urlpatterns = [
    path("stories/<int:story_id>/insights/", views.give, name="give"),
]
