from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from byline.core.images import MEDIA_HEADERS, content_type_of
from byline.core.models import StaticPage


def static_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(StaticPage, slug=slug)
    return render(request, "core/staticpage_detail.html", {"page": page})


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


@require_safe
@cache_control(public=True, max_age=30 * 24 * 3600, immutable=True)
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded files from MEDIA_ROOT (`serve` refuses paths that leave the folder).

    Every image there was re-encoded under a name we chose; should a file be anything else
    (stored by hand, or by an older version), it still cannot act as a page of this site: the
    type comes from the file's first bytes, never its name, browsers may not sniff another, and
    the sandbox policy forbids scripts, plugins and the site's origin. The documented nginx
    block sends the same headers (docs/deploy.md).
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        head = response.file_to_stream.read(16)
        response.file_to_stream.seek(0)
        response["Content-Type"] = content_type_of(head)
    for header, value in MEDIA_HEADERS.items():
        response[header] = value
    return response
