from django.urls import path

from byline.accounts import views

# A creator's profile (@handle) is discovery's view, added to this namespace in byline/urls.py.
app_name = "accounts"
urlpatterns = [
    path("settings/", views.settings_index, name="settings"),
    path("settings/profile/", views.settings_profile, name="settings_profile"),
    path("settings/delete/", views.settings_delete, name="settings_delete"),
]
