from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from byline.core.models import StaticPage
from byline.discovery.views import explore, home  # noqa: F401 (home and explore live in discovery)


def static_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(StaticPage, slug=slug)
    return render(request, "core/staticpage_detail.html", {"page": page})


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


@require_safe
@cache_control(public=True, max_age=30 * 24 * 3600, immutable=True)
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded files from MEDIA_ROOT. Every file there was re-encoded on upload under a name we
    chose, so serving it is safe; `serve` refuses paths that leave the folder."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
