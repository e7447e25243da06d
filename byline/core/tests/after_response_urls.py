"""The site's URLs plus views that enqueue the test-only tasks (byline/core/tests/sample_tasks)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from byline.core.tests import sample_tasks
from byline.urls import handler404, handler500, urlpatterns  # noqa: F401


def enqueue_record(request: HttpRequest) -> HttpResponse:
    sample_tasks.record.enqueue(value="from the view")
    # Had the task run inside the request, it would be in `runs` already.
    return HttpResponse(f"runs while answering: {sample_tasks.runs!r}")


def enqueue_chain(request: HttpRequest) -> HttpResponse:
    sample_tasks.chain.enqueue(value="the view's task")
    return HttpResponse("answered")


def enqueue_failing(request: HttpRequest) -> HttpResponse:
    sample_tasks.fail.enqueue(value="after the response")
    return HttpResponse("answered")


def enqueue_slow(request: HttpRequest) -> HttpResponse:
    sample_tasks.wait_for_go.enqueue(folder=request.GET["folder"])
    return HttpResponse("answered before the task ends")


urlpatterns = [
    path("test-tasks/record", enqueue_record),
    path("test-tasks/fail", enqueue_failing),
    path("test-tasks/chain", enqueue_chain),
    path("test-tasks/slow", enqueue_slow),
    *urlpatterns,
]
