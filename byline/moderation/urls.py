from django.urls import path

from byline.moderation import report_views, views

app_name = "moderation"
urlpatterns = [
    path("moderation/", views.review_queue, name="queue"),
    path("moderation/stories/<int:pk>/", views.review_story, name="review"),
    path("moderation/stories/<int:pk>/approve/", views.approve_story, name="approve"),
    path("moderation/stories/<int:pk>/reject/", views.reject_story, name="reject"),
    path("moderation/stories/<int:pk>/unpublish/", views.unpublish_story, name="unpublish"),
    path("moderation/log/", views.audit_log, name="log"),
    # Reports: readers talk back.
    path("report/story/<int:story_id>/", report_views.report_story, name="report_story"),
    path("report/comment/<int:comment_id>/", report_views.report_comment, name="report_comment"),
    path("moderation/reports/", report_views.reports, name="reports"),
    path("moderation/reports/<int:pk>/decide/", report_views.decide, name="report_decide"),
]
