from django.contrib import admin

from byline.insights.models import Insight, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["story", "reader", "value", "created_at"]
    list_filter = ["value", "created_at"]
    list_select_related = ["story", "reader"]
    search_fields = ["story__title", "reader__username"]
    raw_id_fields = ["story", "reader"]
    date_hierarchy = "created_at"


@admin.register(Insight)
class InsightAdmin(admin.ModelAdmin):
    list_display = ["story", "reader", "kind", "created_at"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["story", "reader"]
    search_fields = ["story__title", "reader__username"]
    raw_id_fields = ["story", "reader"]
    date_hierarchy = "created_at"
