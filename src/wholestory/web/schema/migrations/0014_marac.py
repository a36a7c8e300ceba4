# A Marac coordinator's decisions on the referral list's candidates (issue 13).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0013_encompass"),
    ]

    operations = [
        migrations.CreateModel(
            name="MaracDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "candidate_key",
                    models.TextField(help_text="VICTIM|CRITERION|YYYY-MM-DD", unique=True),
                ),
                (
                    "victim",
                    models.TextField(help_text="The victim's WholeStory id (or AGENCY:PERSON_ID)."),
                ),
                ("criterion", models.CharField(max_length=32)),
                ("decision", models.CharField(max_length=16)),
                ("reason", models.TextField()),
                ("decided_by", models.TextField()),
                ("decided_at", models.DateTimeField()),
            ],
            options={
                "db_table": "ws_marac_decision",
                "indexes": [models.Index(fields=["victim"], name="ws_marac_decision_victim")],
            },
        ),
    ]
