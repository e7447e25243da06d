"""Settings pages: personal access tokens, export and import. Thin: forms, services, render."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from byline.accounts.models import User
from byline.api.forms import ImportForm, TokenForm
from byline.api.models import ApiToken
from byline.api.services import api_token_create, api_token_revoke
from byline.portability.exporting import export_zip
from byline.portability.importing import ArchiveError, import_upload
from byline.stories.policies import can_write


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "No such API endpoint.", "code": "not_found"}, status=404)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """List tokens; POST creates one and shows its secret on this response only."""
    created = secret = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, errors in getattr(error, "error_dict", {"__all__": error}).items():
                for message in getattr(errors, "messages", errors):
                    form.add_error(None if name == "__all__" else name, message)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    status = 422 if form.errors else 200
    response = render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": tokens, "created": created, "secret": secret},
        status=status,
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    if request.htmx:
        return render(request, "api/token_list.html#token-row", {"token": token})
    messages.success(request, f"Revoked “{token.name}”. Tools using it can no longer sign in.")
    return redirect("api:tokens")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """GET explains; POST downloads the zip of the caller's own stories."""
    if request.method != "POST":
        count = request.user.stories.count()
        return render(request, "api/export.html", {"story_count": count})
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    export_zip(spool, authors=User.objects.filter(pk=request.user.pk))
    spool.seek(0)
    stamp = timezone.now().strftime("%Y-%m-%d")
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"byline-{request.user.username}-{stamp}.zip",
        content_type="application/zip",
    )


def _import_max_mb() -> str:
    return f"{settings.IMPORT_MAX_BYTES / (1024 * 1024):g}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_stories(request: HttpRequest) -> HttpResponse:
    """Import a zip or a Markdown file as the signed-in creator's drafts (review still applies)."""
    allowed = can_write(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST":
        if not allowed:
            context = {"form": form, "allowed": False, "import_max_mb": _import_max_mb()}
            return render(request, "api/import.html", context, status=403)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_upload(
                    upload,
                    filename=upload.name,
                    author=request.user,
                    as_draft=True,
                    create_communities=False,
                    max_total=settings.IMPORT_MAX_BYTES * 4,
                )
            except ArchiveError as error:
                form.add_error("file", str(error))
    status = 422 if form.errors or (report and report.errors and not report.results) else 200
    return render(
        request,
        "api/import.html",
        {"form": form, "report": report, "allowed": allowed, "import_max_mb": _import_max_mb()},
        status=status,
    )
