from django.contrib import admin

from byline.core.admin_actions import service_action
from byline.stories.lifecycle import story_approve, story_reject, story_unpublish
from byline.stories.models import Story, StoryImage, StoryRevision, StorySlugRedirect, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class StoryRevisionInline(admin.TabularInline):
    model = StoryRevision
    fields = ["created_at", "created_by", "title", "is_autosave"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = True
    ordering = ["-created_at"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "community",
        "status",
        "submitted_at",
        "published_at",
        "updated_at",
        "reading_minutes",
    ]
    list_filter = ["status", "community", "published_at", "submitted_at", "comments_enabled"]
    list_select_related = ["author", "community"]
    search_fields = [
        "title",
        "subtitle",
        "slug",
        "author__username",
        "author__display_name",
        "author__email",
    ]
    raw_id_fields = ["author"]
    autocomplete_fields = ["tags"]
    date_hierarchy = "published_at"
    # The state changes only through the actions below (the same services as the site).
    actions = [
        service_action(
            lambda story, by, reason: story_approve(story=story, by=by, note=reason),
            name="approve",
            description="Approve and publish the selected submitted stories",
            done="Approved",
            reason=True,
        ),
        service_action(
            lambda story, by, reason: story_reject(story=story, by=by, reason=reason),
            name="reject",
            description="Reject the selected submitted stories",
            done="Rejected",
            reason=True,
            reason_required=True,
        ),
        service_action(
            lambda story, by, reason: story_unpublish(story=story, by=by, reason=reason),
            name="unpublish",
            description="Unpublish the selected published stories",
            done="Unpublished",
            reason=True,
            reason_required=True,
        ),
    ]
    readonly_fields = [
        "status",
        "rejection_reason",
        "version",
        "word_count",
        "reading_minutes",
        "created_at",
        "updated_at",
        "submitted_at",
        "view_count",
        "like_count",
        "comment_count",
        "insight_count",
        "trending_score",
    ]
    inlines = [StoryRevisionInline]


@admin.register(StorySlugRedirect)
class StorySlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "story", "author"]
    search_fields = ["old_slug", "story__title", "author__username"]
    raw_id_fields = ["story", "author"]


@admin.register(StoryRevision)
class StoryRevisionAdmin(admin.ModelAdmin):
    list_display = ["title", "story", "created_at", "created_by", "is_autosave"]
    list_filter = ["is_autosave", "created_at"]
    list_select_related = ["story", "created_by"]
    raw_id_fields = ["story", "created_by"]
    search_fields = ["title", "story__title", "created_by__username"]
    date_hierarchy = "created_at"


@admin.register(StoryImage)
class StoryImageAdmin(admin.ModelAdmin):
    list_display = ["image", "author", "width", "height", "created_at"]
    list_filter = ["created_at"]
    list_select_related = ["author"]
    search_fields = ["image", "author__username"]
    raw_id_fields = ["author"]
    readonly_fields = ["width", "height"]
    date_hierarchy = "created_at"
