"""The Editors group: add, change and view archive records; nothing about users.

Permissions are normally created after all migrations (post_migrate); they are created
here first so the group can be given them on a fresh database.
"""

from django.db import migrations

EDITORS = "Editors"

# (app label, model, actions). Editors unpublish rather than delete records; they may
# delete the small rows edited inline (an alias, a role, a participation).
PERMISSIONS = [
    ("actors", "actor", ["add", "change", "view"]),
    ("actors", "alias", ["add", "change", "delete", "view"]),
    ("actors", "role", ["add", "change", "delete", "view"]),
    ("articles", "outlet", ["add", "change", "view"]),
    ("articles", "place", ["add", "change", "view"]),
    ("articles", "article", ["add", "change", "view"]),
    ("articles", "statement", ["add", "change", "view"]),
    ("articles", "event", ["add", "change", "view"]),
    ("articles", "eventparticipant", ["add", "change", "delete", "view"]),
    ("articles", "correction", ["change", "view"]),
]


def create_editors_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    for app_label, model, actions in PERMISSIONS:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("actors", "0001_initial"),
        ("articles", "0002_correction"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
