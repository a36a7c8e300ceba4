# Quality assurance (issue 15): audit programmes, the tool and criteria each was set up
# with, and the cases its reproducible sample chose.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0026_lead_professional"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditProgramme",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "theme",
                    models.TextField(help_text="What the audit looks at, e.g. 'use of history'."),
                ),
                ("period_from", models.DateField()),
                ("period_to", models.DateField()),
                ("tool_name", models.TextField()),
                (
                    "tool_yaml",
                    models.TextField(help_text="The audit tool's YAML as it was when set up."),
                ),
                (
                    "criteria",
                    models.TextField(help_text="The selection criteria and method, as JSON."),
                ),
                ("seed", models.BigIntegerField()),
                ("sample", models.IntegerField(help_text="How many cases were drawn.")),
                ("eligible", models.IntegerField(help_text="How many children met the criteria.")),
                (
                    "eligible_digest",
                    models.CharField(
                        help_text="SHA-256 of the eligible ids, sorted: who they were.",
                        max_length=64,
                    ),
                ),
                (
                    "as_of",
                    models.DateField(help_text="The day the store's records ran to when chosen."),
                ),
                ("created_by", models.TextField()),
                ("created_at", models.DateTimeField()),
            ],
            options={
                "db_table": "ws_assurance_programme",
            },
        ),
        migrations.CreateModel(
            name="AuditCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ws_person", models.CharField(db_column="ws_person_id", max_length=200)),
                ("position", models.IntegerField(help_text="1 for the first drawn.")),
                (
                    "programme",
                    models.ForeignKey(
                        db_column="programme_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        to="store.auditprogramme",
                    ),
                ),
            ],
            options={
                "db_table": "ws_assurance_case",
                "indexes": [models.Index(fields=["ws_person"], name="ws_assurance_case_person_ix")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("programme", "position"), name="ws_assurance_case_position"
                    ),
                    models.UniqueConstraint(
                        fields=("programme", "ws_person"), name="ws_assurance_case_person"
                    ),
                ],
            },
        ),
    ]
