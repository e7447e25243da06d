from django.contrib import admin

from byline.insights.models import Insight, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["story", "reader", "value", "created_at"]
    list_filter = ["value"]
    raw_id_fields = ["story", "reader"]


@admin.register(Insight)
class InsightAdmin(admin.ModelAdmin):
    list_display = ["story", "reader", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["story", "reader"]
