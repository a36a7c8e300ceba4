# Users matched to the practitioner names agencies send, and their previous visit (issue 14).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_domestic_abuse_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="practitioner_name",
            field=models.TextField(db_default="", default=""),
        ),
        migrations.AddField(
            model_name="membership",
            name="previous_visit",
            field=models.DateTimeField(null=True),
        ),
    ]
