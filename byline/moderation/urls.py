from django.urls import path

from byline.moderation import views

app_name = "moderation"
urlpatterns = [
    path("moderation/", views.review_queue, name="queue"),
    path("moderation/stories/<int:pk>/", views.review_story, name="review"),
    path("moderation/stories/<int:pk>/approve/", views.approve_story, name="approve"),
    path("moderation/stories/<int:pk>/reject/", views.reject_story, name="reject"),
    path("moderation/stories/<int:pk>/unpublish/", views.unpublish_story, name="unpublish"),
    path("moderation/log/", views.audit_log, name="log"),
]
