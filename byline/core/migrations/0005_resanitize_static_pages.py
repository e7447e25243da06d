from django.db import migrations

# Static pages get what the sanitizer now enforces (prefixed heading ids and in-page links,
# rel="nofollow ugc noopener noreferrer" on external links); it is idempotent.


def resanitize(apps, schema_editor):
    from byline.core.rendering import sanitize_html

    StaticPage = apps.get_model("core", "StaticPage")
    for pk, html in list(StaticPage.objects.values_list("pk", "body_html")):
        StaticPage.objects.filter(pk=pk).update(body_html=sanitize_html(html))


class Migration(migrations.Migration):
    dependencies = [("core", "0004_outboxtask")]

    operations = [migrations.RunPython(resanitize, migrations.RunPython.noop)]
