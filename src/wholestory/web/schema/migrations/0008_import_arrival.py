# How each import's records arrived (an agency feed, or a hand upload and by whom), and
# which lead confirmed an upload: records are the basis of access (docs/security.md).
# Imports made before this are taken as feeds, as they were trusted then.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("store", "0007_date_of_death"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="route",
            field=models.CharField(
                db_default="feed",
                help_text="feed (the agency's system) or upload (by hand)",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="importrun",
            name="imported_by",
            field=models.TextField(db_default="", help_text="Who uploaded it or ran the feed."),
        ),
        migrations.AddField(
            model_name="importrun",
            name="agency",
            field=models.CharField(
                db_default="", help_text="The uploader's agency.", max_length=32
            ),
        ),
        migrations.AddField(
            model_name="importrun",
            name="confirmed_by",
            field=models.TextField(help_text="The lead who confirmed an upload.", null=True),
        ),
        migrations.AddField(
            model_name="importrun",
            name="confirmed_at",
            field=models.DateTimeField(null=True),
        ),
    ]
