from django.contrib import admin

from byline.stories.models import Story, StoryRevision, StorySlugRedirect, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "community", "status", "published_at", "reading_minutes"]
    list_filter = ["status", "community", "published_at"]
    search_fields = ["title", "subtitle", "author__username", "author__display_name"]
    raw_id_fields = ["author"]
    autocomplete_fields = ["tags"]
    date_hierarchy = "published_at"
    readonly_fields = ["word_count", "reading_minutes", "created_at", "updated_at"]


@admin.register(StorySlugRedirect)
class StorySlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "story", "author"]
    search_fields = ["old_slug", "story__title"]
    raw_id_fields = ["story", "author"]


@admin.register(StoryRevision)
class StoryRevisionAdmin(admin.ModelAdmin):
    list_display = ["title", "story", "created_at", "created_by"]
    raw_id_fields = ["story", "created_by"]
    search_fields = ["title", "story__title"]
