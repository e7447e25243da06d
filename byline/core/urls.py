from django.urls import path

from byline.core import views

# The home page and explore are discovery's views; byline/urls.py adds them to this namespace
# (core:home, core:explore) so the core app never imports the apps above it.
app_name = "core"
urlpatterns = [
    path("pages/<slug:slug>/", views.static_page, name="page"),
]
