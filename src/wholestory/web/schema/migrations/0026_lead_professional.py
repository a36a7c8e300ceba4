# The lead professional (issue 14): one set in the app by a safeguarding lead, with its
# history; the indexes the allocations and the home pages' lists read: plan records (covering
# what the open-plan rule asks), records by when they arrived, people by agency.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0025_alerts"),
    ]

    operations = [
        migrations.CreateModel(
            name="LeadProfessional",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "ws_person",
                    models.CharField(
                        db_column="ws_person_id",
                        help_text="WS-... (or AGENCY:ID unlinked).",
                        max_length=200,
                    ),
                ),
                (
                    "agency",
                    models.CharField(help_text="The lead professional's agency.", max_length=32),
                ),
                (
                    "practitioner",
                    models.TextField(help_text="Their name, as their agency's records give it."),
                ),
                ("team", models.TextField(db_default="", default="")),
                ("set_by", models.TextField(help_text="The safeguarding lead who set it.")),
                ("set_at", models.DateTimeField()),
                ("ended_by", models.TextField(db_default="", default="")),
                ("ended_at", models.DateTimeField(null=True)),
            ],
            options={
                "db_table": "ws_lead_professional",
                "indexes": [models.Index(fields=["ws_person"], name="ws_lead_professional_person")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("ended_at__isnull", True)),
                        fields=("ws_person",),
                        name="ws_lead_professional_open",
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="record",
            index=models.Index(fields=["created_at"], name="ws_record_created"),
        ),
        migrations.AddIndex(
            model_name="record",
            index=models.Index(
                condition=models.Q(
                    (
                        "event_type__in",
                        (
                            "CP_PLAN_START",
                            "CP_PLAN_END",
                            "CIN_PLAN_START",
                            "CIN_PLAN_END",
                            "LOOKED_AFTER_START",
                            "LOOKED_AFTER_END",
                            "EARLY_HELP_START",
                            "EARLY_HELP_END",
                            "CASE_CLOSED",
                        ),
                    )
                ),
                fields=["agency", "person_id", "event_type", "event_date_start"],
                name="ws_record_plan",
            ),
        ),
        migrations.AddIndex(
            model_name="sourceperson",
            index=models.Index(fields=["agency", "ws_person"], name="ws_source_person_agency"),
        ),
    ]
