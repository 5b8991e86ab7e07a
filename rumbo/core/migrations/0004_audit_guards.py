"""A person who acted stays in the log (PROTECT), and the append-only guard also refuses
TRUNCATE (PostgreSQL) and REPLACE INTO (SQLite)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from rumbo.core import db_triggers


def install(apps, schema_editor):
    db_triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="who",
            ),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
