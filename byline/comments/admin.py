from django.contrib import admin

from byline.comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "story", "author", "created_at", "edited_at", "is_hidden", "is_deleted"]
    list_filter = ["is_hidden", "is_deleted", "created_at"]
    list_select_related = ["story", "author"]
    search_fields = ["body", "author__username", "story__title"]
    raw_id_fields = ["story", "author", "parent"]
    # Hidden and deleted change only through the actions that byline.moderation.admin adds (the
    # moderation services: audit log, comment counts, notices).
    readonly_fields = ["body_html", "is_hidden", "is_deleted"]
    date_hierarchy = "created_at"
