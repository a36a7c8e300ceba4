# Look-alike sets: records of a set of more than 50 sharing a name, date of birth and
# address, which linking does not score pair by pair and the review queue shows as one
# item ("2,000 records look alike: check this file"). Filled by the next linking run.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0008_import_arrival"),
    ]

    operations = [
        migrations.CreateModel(
            name="LookalikeRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.TextField(help_text="AGENCY:PERSON_ID", unique=True)),
                (
                    "set_id",
                    models.CharField(help_text="A hash of the shared details.", max_length=16),
                ),
            ],
            options={
                "db_table": "ws_lookalike",
                "indexes": [models.Index(fields=["set_id"], name="ws_lookalike_set")],
            },
        ),
    ]
