# How often each kind of data that kept results are read from has changed (issue 13):
# the Marac referral list compares one row instead of counting the household links.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0022_marac_list"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataChange",
            fields=[
                (
                    "topic",
                    models.CharField(
                        help_text="What changed, e.g. household_links",
                        max_length=32,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("version", models.BigIntegerField(help_text="How many times it has changed")),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "db_table": "ws_change",
            },
        ),
    ]
