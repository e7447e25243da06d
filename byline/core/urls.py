from django.urls import path

from byline.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("explore/", views.explore, name="explore"),
    path("pages/<slug:slug>/", views.static_page, name="page"),
]
