from django.urls import path

from byline.stories import views

app_name = "stories"
urlpatterns = [
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    # The editor and the author's own pages.
    path("write/", views.story_write, name="write"),
    path("write/autosave/", views.story_autosave, name="autosave_new"),
    path("write/tags/", views.tag_suggest, name="tag_suggest"),
    path("write/images/", views.inline_image_upload, name="image_upload"),
    path("write/<int:pk>/", views.story_edit, name="edit"),
    path("write/<int:pk>/autosave/", views.story_autosave, name="autosave"),
    path("write/<int:pk>/submit/", views.story_submit_view, name="submit"),
    path("write/<int:pk>/unpublish/", views.story_unpublish_view, name="unpublish"),
    path("write/<int:pk>/delete/", views.story_delete_view, name="delete"),
    path("write/<int:pk>/revisions/", views.story_revisions, name="revisions"),
    path("write/<int:pk>/revisions/<int:revision_pk>/", views.story_revision, name="revision"),
    path(
        "write/<int:pk>/revisions/<int:revision_pk>/restore/",
        views.story_revision_restore_view,
        name="revision_restore",
    ),
    path("me/stories/", views.my_stories, name="mine"),
    path("@<str:handle>/<slug:slug>", views.story_detail, name="detail"),
]
