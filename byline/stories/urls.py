from django.urls import path

from byline.stories import editor_views, views

app_name = "stories"
urlpatterns = [
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    # The editor and the author's own pages.
    path("write/", editor_views.story_write, name="write"),
    path("write/autosave/", editor_views.story_autosave, name="autosave_new"),
    path("write/tags/", editor_views.tag_suggest, name="tag_suggest"),
    path("write/images/", editor_views.inline_image_upload, name="image_upload"),
    path("write/<int:pk>/", editor_views.story_edit, name="edit"),
    path("write/<int:pk>/autosave/", editor_views.story_autosave, name="autosave"),
    path("write/<int:pk>/submit/", editor_views.story_submit_view, name="submit"),
    path("write/<int:pk>/unpublish/", editor_views.story_unpublish_view, name="unpublish"),
    path("write/<int:pk>/delete/", editor_views.story_delete_view, name="delete"),
    path("write/<int:pk>/revisions/", editor_views.story_revisions, name="revisions"),
    path(
        "write/<int:pk>/revisions/<int:revision_pk>/", editor_views.story_revision, name="revision"
    ),
    path(
        "write/<int:pk>/revisions/<int:revision_pk>/restore/",
        editor_views.story_revision_restore_view,
        name="revision_restore",
    ),
    path("me/stories/", editor_views.my_stories, name="mine"),
    path("@<str:handle>/<slug:slug>", views.story_detail, name="detail"),
]
