from django.urls import path

from byline.accounts import views

app_name = "accounts"
urlpatterns = [
    path("@<str:handle>", views.profile, name="profile"),
]
