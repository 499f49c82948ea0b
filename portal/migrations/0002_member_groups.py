"""Create the Members and Coordinators groups (Wagtail's own migration creates Moderators and Editors)."""

from django.db import migrations

NEW_GROUPS = ["Members", "Coordinators"]


def create_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name in NEW_GROUPS + ["Moderators"]:
        group_model.objects.get_or_create(name=name)
    # Coordinators use the Wagtail admin for their networks' meetings and attendee lists.
    access_admin = permission_model.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access_admin:
        group_model.objects.get(name="Coordinators").permissions.add(access_admin)
        group_model.objects.get(name="Moderators").permissions.add(access_admin)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=NEW_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
