from django.contrib import admin
from django.db.models import Count, Q

from byline.communities.models import Community


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "published_stories", "created_at"]
    search_fields = ["name", "slug", "description"]
    list_filter = ["created_at"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        published = Q(stories__status="published")
        return (
            super()
            .get_queryset(request)
            .annotate(published_count=Count("stories", filter=published))
        )

    @admin.display(description="Published stories", ordering="published_count")
    def published_stories(self, obj) -> int:
        return obj.published_count
