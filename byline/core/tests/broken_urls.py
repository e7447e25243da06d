"""A URLconf with one view that fails, for the server-error test."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("secret internals")


urlpatterns = [path("boom/", boom), path("", include("byline.urls"))]
