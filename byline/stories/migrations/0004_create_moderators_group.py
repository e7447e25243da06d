"""Data migration: the "Moderators" group, holding the permission to review stories.

Operators make someone a moderator by adding them to this group in the Django admin.
"""

from django.db import migrations

GROUP = "Moderators"


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; make sure ours exists now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permission = Permission.objects.get(
        codename="moderate_story", content_type__app_label="stories"
    )
    group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("stories", "0003_submitted_at_autosave_revisions_inline_images"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
