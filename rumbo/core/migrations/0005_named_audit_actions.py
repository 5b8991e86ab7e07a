"""Named audit actions (status change, submission, approval, return, evidence, import, seed
load). Choices only: no change to the table, so the append-only triggers are untouched."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_guards"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "created"),
                    ("update", "changed"),
                    ("delete", "deleted"),
                    ("status", "status change"),
                    ("submit", "submission for approval"),
                    ("approve", "approval"),
                    ("return", "return with comments"),
                    ("attach", "evidence added"),
                    ("import", "import from a workbook"),
                    ("seed", "load from the seed files"),
                ],
                max_length=20,
                verbose_name="what",
            ),
        ),
    ]
