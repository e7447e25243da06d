from django.urls import path, re_path

from byline.api import views
from byline.api.api import api

app_name = "api"
urlpatterns = [
    path("api/v1/", api.urls),
    # Anything else under /api/ answers in the API's error shape, never with an HTML page.
    re_path(r"^api/", views.api_not_found, name="not-found"),
    path("settings/tokens/", views.token_list, name="tokens"),
    path("settings/tokens/<int:pk>/revoke", views.token_revoke, name="token-revoke"),
    path("settings/export/", views.export, name="export"),
    path("settings/import/", views.import_stories, name="import"),
]
