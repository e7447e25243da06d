from django.contrib import admin

from byline.core.models import StaticPage


@admin.register(StaticPage)
class StaticPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "in_footer", "footer_order", "updated_at"]
    list_editable = ["in_footer", "footer_order"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
