# THRIVE (issue 16): each child's groupings and Current Views, from agencies' files (the
# template's thrive and current_view tables) or recorded in the app; replaceable as ws_need is.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0028_assurance_audits"),
    ]

    operations = [
        migrations.CreateModel(
            name="ThriveCurrentView",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source_row", models.IntegerField()),
                ("row_hash", models.CharField(max_length=32)),
                ("recorded_at", models.DateTimeField()),
                ("agency", models.CharField(max_length=32)),
                (
                    "record_id",
                    models.TextField(help_text="The agency's id; APP-... when recorded here."),
                ),
                (
                    "person_id",
                    models.TextField(
                        help_text="The agency's id for the child; WS-... from the app."
                    ),
                ),
                ("recorded_on", models.CharField(help_text="YYYY-MM-DD", max_length=10)),
                (
                    "practitioner",
                    models.TextField(help_text="Who recorded it, as the agency names them."),
                ),
                (
                    "answers",
                    models.TextField(help_text="JSON: each part's items and their answers' codes."),
                ),
                (
                    "confirmed",
                    models.TextField(help_text="JSON list: the factors proposed and confirmed."),
                ),
                ("recorded_in_app", models.BooleanField(default=False)),
                (
                    "recorded_by",
                    models.TextField(help_text="The user who recorded it here; empty from a file."),
                ),
                (
                    "import_run",
                    models.ForeignKey(
                        db_column="import_id",
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="store.importrun",
                    ),
                ),
            ],
            options={
                "db_table": "ws_thrive_current_view",
                "indexes": [
                    models.Index(fields=["agency", "person_id"], name="ws_thrive_view_person")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agency", "record_id"), name="ws_thrive_current_view_record"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ThriveGrouping",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source_row", models.IntegerField()),
                ("row_hash", models.CharField(max_length=32)),
                ("recorded_at", models.DateTimeField()),
                ("agency", models.CharField(max_length=32)),
                (
                    "record_id",
                    models.TextField(help_text="The agency's id; APP-... when recorded here."),
                ),
                (
                    "person_id",
                    models.TextField(
                        help_text="The agency's id for the child; WS-... from the app."
                    ),
                ),
                (
                    "grouping",
                    models.CharField(help_text="thriving, advice, help, ...", max_length=16),
                ),
                ("recorded_on", models.CharField(help_text="YYYY-MM-DD", max_length=10)),
                (
                    "practitioner",
                    models.TextField(help_text="Who recorded it, as the agency names them."),
                ),
                ("reason", models.TextField()),
                ("childs_view", models.TextField(help_text="The child's and family's view.")),
                (
                    "agreement",
                    models.CharField(help_text="agreed, partly, disagreed, ...", max_length=16),
                ),
                ("goals", models.TextField(help_text="The goals agreed (required for help).")),
                ("success_by", models.CharField(help_text="YYYY-MM-DD", max_length=10, null=True)),
                ("review_on", models.CharField(help_text="YYYY-MM-DD", max_length=10)),
                (
                    "suggested",
                    models.CharField(
                        help_text="The grouping WholeStory suggested then; empty when none.",
                        max_length=16,
                    ),
                ),
                ("recorded_in_app", models.BooleanField(default=False)),
                (
                    "recorded_by",
                    models.TextField(help_text="The user who recorded it here; empty from a file."),
                ),
                (
                    "import_run",
                    models.ForeignKey(
                        db_column="import_id",
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="store.importrun",
                    ),
                ),
            ],
            options={
                "db_table": "ws_thrive_grouping",
                "indexes": [
                    models.Index(fields=["agency", "person_id"], name="ws_thrive_grouping_person")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agency", "record_id"), name="ws_thrive_grouping_record"
                    )
                ],
            },
        ),
    ]
