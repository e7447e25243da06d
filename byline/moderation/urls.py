app_name = "moderation"
urlpatterns: list = []

# --- Reports (issue 4: readers talk back).
from django.urls import path  # noqa: E402

from byline.moderation import report_views  # noqa: E402

urlpatterns += [
    path("report/story/<int:story_id>/", report_views.report_story, name="report_story"),
    path("report/comment/<int:comment_id>/", report_views.report_comment, name="report_comment"),
    path("moderation/reports/", report_views.reports, name="reports"),
    path("moderation/reports/<int:pk>/decide/", report_views.decide, name="report_decide"),
]
