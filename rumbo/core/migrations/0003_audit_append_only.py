"""The audit log is append-only in the database too: nobody edits or deletes history, not even
through a raw SQL console or a bug in a bulk update."""

from django.db import migrations

from rumbo.core import db_triggers


def install(apps, schema_editor):
    db_triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    db_triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(install, uninstall)]
